/**
 * The command line as kubectl users type it, before and after yargs: joined short flags, `-f -`,
 * one value per flag occurrence, positionals after `--`, and errors that name the flag as typed.
 */
import { UsageError } from '../errors.ts';

/** The short flags and the long names they stand for; one table, so errors can spell either. */
export const SHORT_FLAGS: Readonly<Record<string, string>> = {
  f: 'filename',
  n: 'namespace',
  l: 'selector',
  o: 'output',
  A: 'all-namespaces',
};

/**
 * kubectl users type `-ojson` and `-nkube-system`; yargs would read those as grouped booleans
 * (reference/kubectl-plugin-ecosystem.md §2.4), so string short flags are split first.
 */
const STRING_SHORT_FLAGS = new Set(['o', 'n', 'l', 'f']);
const FILENAME_FLAGS = new Set(['-f', '--filename']);

/** yargs will not take a lone `-` as a value, so `-f -` (stdin) travels under this name. */
export const STDIN_ARG = '\u0000stdin';

export function normaliseArgv(argv: readonly string[]): string[] {
  const out: string[] = [];
  for (const [i, arg] of argv.entries()) {
    if (arg === '--') return [...out, ...argv.slice(i)];
    if (arg === '-' && FILENAME_FLAGS.has(out.at(-1) ?? '')) {
      out.push(STDIN_ARG);
      continue;
    }
    const match = /^-([A-Za-z])(.+)$/.exec(arg);
    if (match && STRING_SHORT_FLAGS.has(match[1]!)) {
      const value = match[2]!.startsWith('=') ? match[2]!.slice(1) : match[2]!;
      out.push(`-${match[1]}`, value);
    } else out.push(arg);
  }
  return out;
}

/**
 * yargs' `coerce` for a flag that takes one value: given twice, the last one counts, as with
 * kubectl's (pflag's) string flags. Without it yargs makes an array of a repeated flag.
 */
export function lastValue(value: unknown): string {
  return String(valuesOf(value).at(-1));
}

/**
 * yargs' `coerce` for a repeatable flag: one value per occurrence. yargs' `array: true` would
 * take every following word, so `--to 8.8.8.8 web` swallowed the positional.
 */
export function everyValue(value: unknown): string[] {
  return valuesOf(value).map(String);
}

/**
 * yargs' `coerce` for a flag that must be given once but whose repeats are refused, not silently
 * dropped (--nat-ip): every value, as everyValue, which shell completion takes for repeatable.
 */
export function valuesToCheck(value: unknown): string[] {
  return valuesOf(value).map(String);
}

/**
 * yargs reads `--no-to` as `--to false` (then "false" would be resolved as a hostname). A coerce
 * error reaches yargs' fail handler as this message, where entry/main.ts names the word.
 */
export const NEGATED_VALUE_FLAG = 'a flag that takes a value has no --no- form';

function valuesOf(value: unknown): unknown[] {
  const values = [value].flat();
  if (values.some((v) => typeof v === 'boolean')) throw new Error(NEGATED_VALUE_FLAG);
  return values;
}

/** A usage error about one flag; entry/main.ts names the flag as the user typed it (`-o`, `--output`). */
export class FlagError extends UsageError {
  readonly flag: string;
  readonly detail: string;

  constructor(flag: string, detail: string) {
    super(`--${flag}: ${detail}`);
    this.flag = flag;
    this.detail = detail;
  }
}

/** How the user spelled `flag` (its last occurrence before `--`): `-o`, `--output`, `--requestTimeout`. */
export function typedFlag(argv: readonly string[], flag: string): string {
  const end = argv.indexOf('--');
  const words = end < 0 ? argv : argv.slice(0, end);
  const camel = camelCase(flag);
  let spelled = `--${flag}`;
  for (const word of words) {
    const long = /^--([^=]+)/.exec(word)?.[1];
    if (long !== undefined && camelCase(long) === camel) spelled = `--${long}`;
    const group = /^-([A-Za-z]+)$/.exec(word)?.[1] ?? '';
    const short = [...group].findLast((letter) => SHORT_FLAGS[letter] === flag);
    if (short) spelled = `-${short}`;
  }
  return spelled;
}

function camelCase(name: string): string {
  return name.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
}

/**
 * yargs' parse errors in kubectl's (pflag's) words, with the flag spelled as typed: "Not enough
 * arguments following: o" → "flag needs an argument: -o"; "Unknown argument: x" → an unknown flag
 * or an unexpected positional.
 */
export function usageMessage(message: string, argv: readonly string[]): string {
  const missing = /^Not enough arguments following: (.+)$/.exec(message)?.[1];
  if (missing !== undefined) return `flag needs an argument: ${dashed(missing)}`;
  const unknown = /^Unknown arguments?: (.+)$/.exec(message)?.[1];
  if (unknown === undefined) return message;
  // yargs names a dashed flag twice: `no-namespace` and `noNamespace`.
  const words = unknown.split(', ').filter((w, i, all) => all.findIndex((o) => camelCase(o) === camelCase(w)) === i);
  return words
    .map((word) => {
      const asFlag = argv.find((a) => a === dashed(word) || a.startsWith(`${dashed(word)}=`) || a === `--no-${word}`);
      return asFlag === undefined ? `unexpected argument "${word}"` : `unknown flag: ${asFlag.split('=')[0]}`;
    })
    .join('; ');
}

function dashed(name: string): string {
  return name.length === 1 ? `-${name}` : `--${name}`;
}

/**
 * The command's positionals, from yargs' parse and from after `--`: yargs leaves words after `--`
 * in `_` and does not fill positionals from them. More words than positionals is a usage error.
 */
export function withPositionals<A extends { _: (string | number)[] }>(args: A, names: readonly string[]): A {
  const extra = args._.slice(1).map(String);
  const filled: Record<string, unknown> = { ...args };
  for (const name of names) {
    if (filled[name] === undefined && extra.length > 0) filled[name] = extra.shift();
  }
  if (extra.length > 0) throw new UsageError(`unexpected argument "${extra[0]}"`);
  return filled as A;
}

/** The positionals a yargs command string declares: `explain [target]` → `target`. */
export function positionalNames(command: string): string[] {
  return [...command.matchAll(/[[<]([^\]>]+)[\]>]/g)].map((m) => m[1]!);
}
