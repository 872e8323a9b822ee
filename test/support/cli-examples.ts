/**
 * The examples each command's --help prints, as argument lists, and the same arguments in other
 * orders and spellings a kubectl user may type: for test/cli/argument-order.test.ts.
 */
import type { Argv } from 'yargs';
import { findFlag, flagsOf, type FlagSpec } from '../../src/cli/completion/flags.ts';

/** The `[command, description]` pairs a builder passes to yargs' `.example()`. */
export function examplesOf(builder: (y: Argv) => unknown): [string, string][] {
  const examples: [string, string][] = [];
  const recorder: object = new Proxy(
    {},
    {
      get:
        (_target, method) =>
        (...args: unknown[]) => {
          if (method === 'example') examples.push(...(args[0] as [string, string][]));
          return recorder;
        },
    },
  );
  builder(recorder as Argv);
  return examples;
}

/**
 * The plugin's words in an example's shell line (`$0 snapshot -A > cluster.yaml`, `source
 * <(kubectl-egress completion bash)`), or undefined when the line runs something else (curl).
 */
export function exampleWords(line: string): string[] | undefined {
  const words = line.split(/\s+/);
  const start = words.findIndex((w) => /(^|\()(\$0|kubectl-egress)$/.test(w));
  if (start < 0) return undefined;
  const rest = words.slice(start + 1);
  const end = rest.findIndex((w) => /^[>|]/.test(w));
  return (end < 0 ? rest : rest.slice(0, end)).map((w) => w.replace(/\)$/, ''));
}

/** A flag with its value (`-n shop`, `--to=x`, `-A`) or a positional: what may move as one. */
interface Unit {
  words: string[];
  flag?: FlagSpec;
}

export function unitsOf(words: readonly string[], flags: readonly FlagSpec[]): Unit[] {
  const units: Unit[] = [];
  for (let i = 0; i < words.length; i++) {
    const word = words[i]!;
    const flag = word.startsWith('-') ? findFlag(flags, word.split('=')[0]!) : undefined;
    if (word.startsWith('-') && !flag) throw new Error(`example word ${word}: no such flag`);
    if (flag?.takesValue && !word.includes('=')) units.push({ words: [word, words[++i]!], flag });
    else units.push(flag ? { words: [word], flag } : { words: [word] });
  }
  return units;
}

/** The same arguments in other orders and spellings, by name: each must mean what the first does. */
export function reorderings(units: readonly Unit[]): [string, string[]][] {
  const flags = units.filter((u) => u.flag);
  const positionals = units.filter((u) => !u.flag).flatMap((u) => u.words);
  const middle = Math.ceil(flags.length / 2);
  // Reversed by flag name: a repeated flag's values keep their order (--to a --to b is a list).
  const names = [...new Set(flags.map((u) => u.flag!.name))].reverse();
  const reversed = names.flatMap((name) => flags.filter((u) => u.flag!.name === name));
  const orders: [string, string[]][] = [
    ['flags first', [...flags.flatMap((u) => u.words), ...positionals]],
    ['positionals first', [...positionals, ...flags.flatMap((u) => u.words)]],
    [
      'flags reversed around the positionals',
      [
        ...reversed.slice(0, middle).flatMap((u) => u.words),
        ...positionals,
        ...reversed.slice(middle).flatMap((u) => u.words),
      ],
    ],
    ['values joined (-nshop, --to=x)', [...flags.flatMap(joined), ...positionals]],
    ['long names (--namespace shop, --all-namespaces)', [...positionals, ...flags.flatMap(longNamed)]],
    ['long names with = (--namespace=shop)', [...flags.flatMap((u) => withEquals(longNamed(u))), ...positionals]],
  ];
  if (positionals.length > 0)
    orders.push(['positionals after --', [...flags.flatMap((u) => u.words), '--', ...positionals]]);
  return orders;
}

function joined(unit: Unit): string[] {
  if (unit.words.length === 1) return unit.words;
  const [name, value] = unit.words as [string, string];
  const short = unit.flag!.aliases.find((a) => a.length === 1);
  return short ? [`-${short}${value}`] : [`${name}=${value}`];
}

function longNamed(unit: Unit): string[] {
  const [name, ...value] = unit.words as [string, ...string[]];
  return /^-[^-]/.test(name) ? [`--${unit.flag!.name}`, ...value] : unit.words;
}

function withEquals(words: string[]): string[] {
  return words.length === 2 ? [`${words[0]}=${words[1]}`] : words;
}

export { flagsOf };
