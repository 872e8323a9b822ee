/**
 * `kubectl egress version`: the version, commit and runtime, as one line (the same as `--version`)
 * or as JSON/YAML for bug reports and scripts.
 */
import type { Argv } from 'yargs';
import { lastValue } from '../argv.ts';
import { serialize } from '../../render/serialize.ts';
import type { Io } from '../io.ts';
import { toOutput } from '../options.ts';
import { versionInfo, versionLine } from '../version.ts';

export const VERSION_OUTPUTS = ['json', 'yaml'] as const;

export function versionBuilder(y: Argv) {
  return y
    .option('output', {
      alias: 'o',
      type: 'string',
      coerce: lastValue,
      requiresArg: true,
      describe: `Output format: ${VERSION_OUTPUTS.join('|')} (default: one line)`,
    })
    .example([
      ['$0 version', 'One line: the version, commit, Node.js runtime and platform'],
      ['$0 version -o json', 'The same, as JSON'],
    ]);
}

export async function versionCommand(args: { output?: string }, io: Io): Promise<number> {
  const info = versionInfo();
  if (args.output === undefined) {
    io.stdout(`${versionLine(info)}\n`);
    return 0;
  }
  io.stdout(serialize(info, toOutput(VERSION_OUTPUTS, args.output)));
  return 0;
}
