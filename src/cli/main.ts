/**
 * The command table and the one place errors become exit codes (README "Exit codes").
 */
import yargs from 'yargs';
import { EgressError, EXIT, UsageError } from '../errors.ts';
import { normaliseArgv } from './argv.ts';
import { explainBuilder, explainCommand } from './commands/explain.ts';
import { serveEchoBuilder, serveEchoCommand } from './commands/serve-echo.ts';
import { snapshotBuilder, snapshotCommand } from './commands/snapshot.ts';
import { verifyBuilder, verifyCommand } from './commands/verify.ts';
import { whoBuilder, whoCommand } from './commands/who.ts';
import type { Io } from './io.ts';
import { VERSION } from './version.ts';

export async function run(argv: readonly string[], io: Io): Promise<number> {
  let exitCode: number = EXIT.ok;
  const parser = yargs()
    // Help reads `kubectl egress …`, as krew's best practices ask.
    .scriptName('kubectl egress')
    .usage('$0 <command> [flags]\n\nWhich source IP will the firewall see from this workload?')
    .command('who', 'Each workload\'s egress source IP per destination, with the reason', whoBuilder,
      async (args) => void (exitCode = await whoCommand(args, io)))
    .command('explain [target]', 'The full decision trace for one pod and destination', explainBuilder,
      async (args) => void (exitCode = await explainCommand(args, io)))
    .command('snapshot', 'Write the objects who reads as one YAML List, for offline use and bug reports', snapshotBuilder,
      async (args) => void (exitCode = await snapshotCommand(args, io)))
    .command('verify [target]', 'Probe pods call an echo endpoint: predicted vs observed source IP', verifyBuilder,
      async (args) => void (exitCode = await verifyCommand(args, io)))
    .command('serve-echo', 'Answer each request with the caller\'s IP (the echo endpoint verify calls)', serveEchoBuilder,
      async (args) => void (exitCode = await serveEchoCommand(args, io)))
    .demandCommand(1, 'name a command: who, explain, verify, snapshot or serve-echo (see --help)')
    .recommendCommands()
    .strict()
    .help('help')
    .alias('help', 'h')
    .version(VERSION)
    .wrap(Math.min(110, process.stdout.columns || 110))
    // yargs reports its own parse errors as YError; anything else thrown in a handler passes through.
    .fail((message, error) => {
      if (error && error.name !== 'YError') throw error;
      throw new UsageError(message ?? error?.message ?? 'invalid arguments');
    })
    .exitProcess(false);
  let printed = '';
  await parser.parseAsync(normaliseArgv(argv), {}, (_error, _args, output) => void (printed = output));
  if (printed) io.stdout(`${printed}\n`);
  return exitCode;
}

/** Runs the CLI and returns the exit code; any error becomes one line on stderr. */
export async function main(argv: readonly string[], io: Io): Promise<number> {
  try {
    return await run(argv, io);
  } catch (error) {
    if (error instanceof EgressError) {
      io.stderr(`error: ${error.message}\n`);
      return error.exitCode;
    }
    const message = error instanceof Error ? error.message : String(error);
    io.stderr(`internal error: ${message}\nThis is a bug in kubectl-egress; please report it with the command you ran.\n`);
    return EXIT.internal;
  }
}
