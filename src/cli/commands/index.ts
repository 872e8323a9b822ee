/**
 * The command table: entry/main.ts registers it with yargs, and shell completion reads each command's
 * name, flags (from its builder) and flag values from it, so no other list of them exists.
 */
import type { ArgumentsCamelCase, Argv } from 'yargs';
import { OUTPUT_FORMATS } from '../options.ts';
import type { Io } from '../io.ts';
import type { CommandSpec } from '../command-spec.ts';
import { ALLOWLIST_OUTPUTS, allowlistBuilder, allowlistCommand } from './allowlist.ts';
import { COMPLETION_SHELLS, completionBuilder, completionCommand } from './completion.ts';
import { explainBuilder, explainCommand } from './explain.ts';
import { LINT_FAIL_ON, LINT_OUTPUTS, lintBuilder, lintCommand } from './lint.ts';
import { serveEchoBuilder, serveEchoCommand } from './serve-echo.ts';
import { SNAPSHOT_OUTPUTS, snapshotBuilder, snapshotCommand } from './snapshot.ts';
import { VERIFY_GROUPINGS, VERIFY_OUTPUTS } from './verify-options.ts';
import { verifyBuilder, verifyCommand } from './verify.ts';
import { VERSION_OUTPUTS, versionBuilder, versionCommand } from './version.ts';
import { WHO_GROUPINGS, WHO_OUTPUTS, whoBuilder, whoCommand } from './who.ts';

/** Checks a command's handler against the arguments its builder declares, then erases the type for the table. */
function defineCommand<A>(
  spec: Omit<CommandSpec, 'builder' | 'run'> & {
    builder: (y: Argv) => Argv<A>;
    run: (args: ArgumentsCamelCase<NoInfer<A>>, io: Io) => Promise<number>;
  },
): CommandSpec {
  return spec as unknown as CommandSpec;
}

export const COMMANDS: readonly CommandSpec[] = [
  defineCommand({
    command: 'who',
    describe: "Each workload's egress source IP per destination, with the reason",
    builder: whoBuilder,
    run: whoCommand,
    values: { output: WHO_OUTPUTS, by: WHO_GROUPINGS },
  }),
  defineCommand({
    command: 'explain [target]',
    describe: 'The full decision trace for one pod and destination',
    builder: explainBuilder,
    run: explainCommand,
    values: { output: OUTPUT_FORMATS },
  }),
  defineCommand({
    command: 'lint',
    describe: 'Configuration mistakes that change egress identity, each with its fix',
    builder: lintBuilder,
    run: lintCommand,
    values: { output: LINT_OUTPUTS, 'fail-on': LINT_FAIL_ON },
  }),
  defineCommand({
    command: 'snapshot',
    describe: 'Write the objects who reads as one YAML List, for offline use and bug reports',
    builder: snapshotBuilder,
    run: snapshotCommand,
    values: { output: SNAPSHOT_OUTPUTS },
  }),
  defineCommand({
    command: 'verify [target]',
    describe: 'Probe pods call an echo endpoint: predicted vs observed source IP',
    builder: verifyBuilder,
    run: verifyCommand,
    values: { output: VERIFY_OUTPUTS, by: VERIFY_GROUPINGS },
  }),
  defineCommand({
    command: 'allowlist [target]',
    describe: 'The addresses a destination must allow for a workload, on every node it may run on',
    builder: allowlistBuilder,
    run: allowlistCommand,
    values: { output: ALLOWLIST_OUTPUTS },
  }),
  defineCommand({
    command: 'serve-echo',
    describe: "Answer each request with the caller's IP (the echo endpoint verify calls)",
    builder: serveEchoBuilder,
    run: serveEchoCommand,
  }),
  defineCommand({
    command: 'version',
    describe: 'Print the version, commit and Node.js runtime',
    builder: versionBuilder,
    run: versionCommand,
    values: { output: VERSION_OUTPUTS },
  }),
  defineCommand({
    command: 'completion [shell]',
    describe: 'Print a bash or zsh completion script (see its --help to complete `kubectl egress`)',
    builder: completionBuilder,
    run: completionCommand,
    positionalValues: COMPLETION_SHELLS,
  }),
];
