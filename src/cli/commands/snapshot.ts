/**
 * `kubectl egress snapshot`: the objects `who` reads, as one YAML (or JSON) List, for offline
 * analysis and bug reports; `who -f snapshot.yaml` gives the live answer.
 */
import type { Argv } from 'yargs';
import type { KubeObject } from '../../model/objects.ts';
import { lastValue } from '../argv.ts';
import { snapshotStream } from '../../config/snapshot-file.ts';
import { DATAPATH_REGISTRY } from '../../engine/registry/mechanisms.ts';
import { renderObjectNames } from '../../render/names.ts';
import type { Io } from '../io.ts';
import { toOutput, toSelectionOptions, toSourceOptions, withSelectionFlags, withSourceFlags } from '../options.ts';
import { SnapshotWriter } from '../snapshot-writer.ts';
import { loadObjects } from '../source.ts';

export const snapshotExamples: [string, string][] = [
  ['$0 snapshot -A > cluster.yaml', 'Everything who -A reads, to analyse offline'],
  ['$0 who -A -f cluster.yaml --to 8.8.8.8', 'The same answer as live, from the file'],
];

/** name: kubectl's -o name, the objects the snapshot holds, to see what it would keep. */
export const SNAPSHOT_OUTPUTS = ['yaml', 'json', 'name'] as const;

export function snapshotBuilder(y: Argv) {
  return withSelectionFlags(withSourceFlags(y))
    .option('output', {
      alias: 'o',
      type: 'string',
      coerce: lastValue,
      requiresArg: true,
      default: 'yaml',
      describe: `Output format: ${SNAPSHOT_OUTPUTS.join('|')}`,
    })
    .example(snapshotExamples);
}

type SnapshotArgs = Parameters<typeof toSourceOptions>[0] & { output?: string };

export async function snapshotCommand(args: SnapshotArgs, io: Io): Promise<number> {
  const source = toSourceOptions(args);
  const selection = toSelectionOptions(args);
  const output = toOutput(SNAPSHOT_OUTPUTS, args.output ?? 'yaml');
  if (output === 'name') {
    const { objects, gaps, allPods } = await loadObjects(source, selection, io);
    const { items } = snapshotStream(objects, gaps, DATAPATH_REGISTRY, allPods);
    io.stdout(renderObjectNames([...items] as unknown as KubeObject[]));
    return 0;
  }
  const writer = new SnapshotWriter(output, io.stdout);
  const { objects, gaps, allPods } = await loadObjects(source, selection, io, undefined, (page, pods) =>
    writer.pods(page, pods),
  );
  await writer.finish(objects, gaps, allPods);
  return 0;
}
