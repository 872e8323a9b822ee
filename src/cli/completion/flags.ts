/**
 * The flags a command's yargs builder declares, read by running the builder against a recorder:
 * yargs keeps its option table private (`getOptions()` is untyped and has no descriptions), and
 * the builders are the one place flags are defined.
 */
import type { Argv, Options } from 'yargs';
import { everyValue } from '../argv.ts';

export interface FlagSpec {
  /** The long name, as declared: `all-namespaces`. */
  name: string;
  /** The other names: `A`. One letter means `-A`, more means `--name`. */
  aliases: string[];
  /** string and number flags take a value; booleans do not. */
  takesValue: boolean;
  /** A repeatable flag (`--to a --to b`, its coerce keeps every value); completion keeps offering it. */
  repeatable: boolean;
  /** A boolean that defaults to true is turned off with `--no-<name>`, the form completion offers. */
  negated: boolean;
  describe: string;
}

export function flagsOf(builder: (y: Argv) => unknown): FlagSpec[] {
  const flags: FlagSpec[] = [];
  // Every method of the recorder returns the recorder, as yargs' chainable methods return yargs.
  const recorder: object = new Proxy(
    {},
    {
      get:
        (_target, method) =>
        (...args: unknown[]) => {
          const [name, options = {}] = args as [unknown, Options | undefined];
          if (method === 'option' && typeof name === 'string' && !options.hidden) flags.push(flagSpec(name, options));
          return recorder;
        },
    },
  );
  builder(recorder as Argv);
  return flags;
}

function flagSpec(name: string, options: Options): FlagSpec {
  const aliases = options.alias === undefined ? [] : [options.alias].flat();
  const boolean = options.type === 'boolean' || options.boolean === true;
  return {
    name,
    aliases,
    takesValue: !boolean,
    repeatable: options.coerce === everyValue,
    negated: boolean && options.default === true,
    describe: String(options.describe ?? options.description ?? options.desc ?? ''),
  };
}

/** What the user types for the flag: `--namespace`, `--no-default-snat`. */
export function longForm(flag: FlagSpec): string {
  return flag.negated ? `--no-${flag.name}` : `--${flag.name}`;
}

/** The flag a word names (`-n`, `--namespace`, `--no-default-snat`), among `flags`. */
export function findFlag(flags: readonly FlagSpec[], word: string): FlagSpec | undefined {
  const long = /^--(?:no-)?(.+)$/.exec(word)?.[1];
  const short = /^-([^-])$/.exec(word)?.[1];
  return flags.find(
    (f) =>
      (long !== undefined && (f.name === long || f.aliases.includes(long))) ||
      (short !== undefined && f.aliases.includes(short)),
  );
}
