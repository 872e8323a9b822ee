/**
 * Wires the command table (commands/index.ts) into yargs, and the one place errors become exit codes (README "Exit codes").
 * It lives in entry/, with bin.ts, because it imports commands/ and completion/, which import the
 * rest of cli/: so folders import one way.
 */
import yargs from 'yargs';
import { EgressError, EXIT, UsageError } from '../../errors.ts';
import {
  FlagError,
  NEGATED_VALUE_FLAG,
  normaliseArgv,
  positionalNames,
  typedFlag,
  usageMessage,
  withPositionals,
} from '../argv.ts';
import { commandName, type CommandSpec } from '../command-spec.ts';
import { COMMANDS } from '../commands/index.ts';
import { completeCommand } from '../completion/complete.ts';
import { findFlag, flagsOf } from '../completion/flags.ts';
import type { Io } from '../io.ts';
import { versionLine } from '../version.ts';

/** The hidden command shell completion calls (plugin/kubectl_complete-egress, the completion scripts). */
const COMPLETE = '__complete';

/** `commands`: the command table; tests pass one whose handlers record what they were given. */
export async function run(
  argv: readonly string[],
  io: Io,
  commands: readonly CommandSpec[] = COMMANDS,
): Promise<number> {
  // Its words are half typed; yargs would parse them, and under .strict() reject them.
  if (argv[0] === COMPLETE) return completeCommand(argv.slice(1), commands, io);
  let exitCode: number = EXIT.ok;
  const words = normaliseArgv(argv);
  const parser = yargs()
    // Help reads `kubectl egress …`, as krew's best practices ask.
    .scriptName('kubectl egress')
    .usage('$0 <command> [flags]\n\nWhich source IP will the firewall see from this workload?');
  for (const spec of commands) {
    const positionals = positionalNames(spec.command);
    parser.command(
      spec.command,
      spec.describe,
      spec.builder,
      async (args) => void (exitCode = await spec.run(withPositionals(args, positionals), io)),
    );
  }
  parser
    .demandCommand(1, `name a command: ${commands.map(commandName).join(', ')} (see --help)`)
    .recommendCommands()
    .strict()
    .help('help')
    .alias('help', 'h')
    .version(versionLine())
    .wrap(Math.min(110, process.stdout.columns || 110))
    // yargs reports its own parse errors as YError; anything else thrown in a handler passes through.
    .fail((message, error) => {
      if (error && error.name !== 'YError') throw error;
      if (message === NEGATED_VALUE_FLAG || error?.message === NEGATED_VALUE_FLAG)
        throw new UsageError(negatedValueFlag(words, commands) ?? NEGATED_VALUE_FLAG);
      throw new UsageError(usageMessage(message ?? error?.message ?? 'invalid arguments', words));
    })
    .exitProcess(false);
  skipHelpCache(parser);
  let printed = '';
  try {
    await parser.parseAsync(words, {}, (_error, _args, output) => void (printed = output));
  } catch (error) {
    // The flag as the user typed it: `-o` or `--output`, verify's `--timeout`.
    if (error instanceof FlagError) throw new UsageError(`${typedFlag(words, error.flag)}: ${error.detail}`);
    throw error;
  }
  if (printed) io.stdout(`${printed}\n`);
  return exitCode;
}

/** Runs the CLI and returns the exit code; any error becomes one line on stderr. */
export async function main(
  argv: readonly string[],
  io: Io,
  commands: readonly CommandSpec[] = COMMANDS,
): Promise<number> {
  try {
    return await run(argv, io, commands);
  } catch (error) {
    if (error instanceof EgressError) {
      io.stderr(`error: ${error.message}\n`);
      return error.exitCode;
    }
    const message = error instanceof Error ? error.message : String(error);
    io.stderr(
      `internal error: ${message}\nThis is a bug in kubectl-egress; please report it with the command you ran.\n`,
    );
    return EXIT.internal;
  }
}

/** `--no-to`: which word negated a flag that takes a value, for the error. */
function negatedValueFlag(words: readonly string[], commands: readonly CommandSpec[]): string | undefined {
  const spec = commands.find((c) => commandName(c) === words[0]);
  const flags = spec ? flagsOf(spec.builder) : [];
  const word = words.find((w) => /^--no-/.test(w) && findFlag(flags, `--${w.slice(5).split('=')[0]}`)?.takesValue);
  return word && `unknown flag: ${word.split('=')[0]} (--${word.slice(5).split('=')[0]} takes a value)`;
}

/**
 * yargs renders a command's whole help text as the handler starts (command.js calls
 * cacheHelpMessage), for a failure it would print with help; ours prints one line instead
 * (`.fail` above), and --help renders its own. The rendering took 14 ms before `explain` sent its
 * first request. yargs 18's internal methods have no types.
 */
export function skipHelpCache(parser: object): void {
  const internal = parser as { getInternalMethods?: () => { getUsageInstance?: () => { cacheHelpMessage?: unknown } } };
  const usage = internal.getInternalMethods?.().getUsageInstance?.();
  if (usage && typeof usage.cacheHelpMessage === 'function') usage.cacheHelpMessage = () => {};
}
