/**
 * `kubectl-egress __complete WORDS… PARTIAL`: shell completion in Cobra's protocol, the one
 * kubectl (≥ 1.26) speaks with a plugin's `kubectl_complete-<plugin>` executable
 * (k8s.io/kubectl pkg/cmd/plugin/plugin_completion.go): one candidate per line, with a tab and a
 * description where there is one, then `:<directive>`. It never fails and never writes to stderr
 * (kubectl passes our stderr to the terminal under the prompt): whatever goes wrong offers nothing.
 */
import { normaliseArgv } from '../argv.ts';
import { commandName, type CommandSpec } from '../command-spec.ts';
import type { Io } from '../io.ts';
import { findFlag, flagsOf, longForm, type FlagSpec } from './flags.ts';
import { LIST_FLAGS, valueSource } from './values.ts';

/** Cobra's ShellCompDirective values (spf13/cobra completions.go). */
export const DIRECTIVE = {
  /** ShellCompDirectiveDefault: the shell may complete file names. */
  files: 0,
  /** ShellCompDirectiveNoFileComp. */
  noFiles: 4,
} as const;

export interface Completion {
  candidates: string[];
  directive: number;
}

const NOTHING: Completion = { candidates: [], directive: DIRECTIVE.noFiles };

const HELP: FlagSpec = {
  name: 'help',
  aliases: ['h'],
  takesValue: false,
  repeatable: false,
  negated: false,
  describe: 'Show help',
};
const ROOT_FLAGS: FlagSpec[] = [HELP, { ...HELP, name: 'version', aliases: [], describe: 'Show the version' }];

/** What the words before the cursor say. */
interface Line {
  command?: CommandSpec;
  /** The command word names no command: nothing to offer after it. */
  unknownCommand: boolean;
  flags: FlagSpec[];
  given: Set<string>;
  values: Record<string, string>;
  /** The last word is a flag still waiting for its value. */
  pending?: FlagSpec;
  positionals: number;
}

export async function completeCommand(
  words: readonly string[],
  commands: readonly CommandSpec[],
  io: Io,
): Promise<number> {
  const { candidates, directive } = await complete(words, commands).catch(() => NOTHING);
  io.stdout([...candidates, `:${directive}`].join('\n') + '\n');
  return 0;
}

export async function complete(words: readonly string[], commands: readonly CommandSpec[]): Promise<Completion> {
  const partial = words.at(-1) ?? '';
  const line = readLine(words.slice(0, -1), commands);
  if (line.pending) return flagValues(line.pending, partial, line);
  const assignment = splitAssignment(partial);
  // `--output=js`: as Cobra, offer the values alone; the shell script puts the flag back in front.
  if (assignment.value !== undefined) {
    const flag = findFlag(line.flags, assignment.flag);
    return flag?.takesValue ? flagValues(flag, assignment.value, line) : NOTHING;
  }
  if (partial.startsWith('-')) return offer(flagNames(line), partial);
  if (line.unknownCommand) return NOTHING;
  if (!line.command)
    return offer(
      commands.map((c) => `${commandName(c)}\t${c.describe}`),
      partial,
    );
  return offer(line.positionals === 0 ? [...(line.command.positionalValues ?? [])] : [], partial);
}

function readLine(words: readonly string[], commands: readonly CommandSpec[]): Line {
  const line: Line = { unknownCommand: false, flags: ROOT_FLAGS, given: new Set(), values: {}, positionals: 0 };
  let flagsEnded = false;
  for (const word of normaliseArgv(words)) {
    if (line.pending) {
      line.values[line.pending.name] = word;
      line.pending = undefined;
    } else if (word === '--') flagsEnded = true;
    else if (!flagsEnded && word.startsWith('-') && word !== '-') readFlag(line, word);
    else if (!line.command && !line.unknownCommand) enterCommand(line, word, commands);
    else line.positionals++;
  }
  return line;
}

function enterCommand(line: Line, word: string, commands: readonly CommandSpec[]): void {
  line.command = commands.find((c) => commandName(c) === word);
  if (line.command) line.flags = [...flagsOf(line.command.builder), HELP];
  else line.unknownCommand = true;
}

function readFlag(line: Line, word: string): void {
  const { flag: name, value } = splitAssignment(word);
  const flag = findFlag(line.flags, name);
  if (!flag) return;
  line.given.add(flag.name);
  if (!flag.takesValue) return;
  if (value === undefined) line.pending = flag;
  else line.values[flag.name] = value;
}

function splitAssignment(word: string): { flag: string; value?: string } {
  const match = /^(-[^=]+)=(.*)$/.exec(word);
  return match ? { flag: match[1]!, value: match[2]! } : { flag: word };
}

/** Long forms, and short ones as Cobra offers them (they match only `-` and `-x`); flags given once are not offered again. */
function flagNames(line: Line): string[] {
  return line.flags
    .filter((f) => f.repeatable || !line.given.has(f.name))
    .flatMap((f) =>
      [longForm(f), ...f.aliases.filter((a) => a.length === 1).map((a) => `-${a}`)].map(
        (name) => `${name}\t${f.describe}`,
      ),
    );
}

async function flagValues(flag: FlagSpec, partial: string, line: Line): Promise<Completion> {
  const source = valueSource(flag.name, line.command);
  if (source === 'files') return { candidates: [], directive: DIRECTIVE.files };
  const values = source ? await source(line.values).catch(() => []) : [];
  if (!LIST_FLAGS.has(flag.name)) return offer([...values], partial);
  // A comma-separated list: complete its last item, keeping those before and skipping them.
  const done = partial.slice(0, partial.lastIndexOf(',') + 1);
  const chosen = done.split(',');
  return offer(
    values.filter((v) => !chosen.includes(v)).map((v) => done + v),
    partial,
  );
}

function offer(candidates: string[], partial: string): Completion {
  return { candidates: candidates.filter((c) => c.startsWith(partial)), directive: DIRECTIVE.noFiles };
}
