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
