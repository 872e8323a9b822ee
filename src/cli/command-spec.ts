/**
 * What the command table (commands/index.ts) holds for each command. Its own file so that shell
 * completion, which reads the table, does not import the commands, which print its scripts.
 */
import type { ArgumentsCamelCase, Argv } from 'yargs';
import type { Io } from './io.ts';

export interface CommandSpec {
  /** yargs' command string: the name, then its positionals (`explain [target]`). */
  command: string;
  describe: string;
  builder: (y: Argv) => Argv;
  run: (args: ArgumentsCamelCase, io: Io) => Promise<number>;
  /** The values this command's own flags take (-o, --by), offered by shell completion. */
  values?: Readonly<Record<string, readonly string[]>>;
  /** The values of its first positional, offered by shell completion. */
  positionalValues?: readonly string[];
}

/** A command's name: the first word of its yargs command string. */
export function commandName(spec: CommandSpec): string {
  return spec.command.split(' ')[0]!;
}
