/**
 * snapshot writes the pods asked about as their pages arrive, the rest after the read: the List
 * reads back as the one made whole, a list that starts over fails the read, and a pod written
 * that the List would not keep is an error, not a List.
 */
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { SnapshotWriter } from '../../../src/cli/snapshot-writer.ts';
import { turn } from '../../../src/cli/pace.ts';
import { readFields, snapshotList } from '../../../src/config/snapshot-file.ts';
import { DATAPATH_REGISTRY } from '../../../src/engine/registry/mechanisms.ts';
import { ClusterError } from '../../../src/errors.ts';
import type { KubeObject } from '../../../src/model/objects.ts';
import { ipMasqAgent, node, pod } from '../../support/builders.ts';

/** As the live read gives them: cut to the List's fields. */
const pods = (from: number, count: number) =>
  Array.from({ length: count }, (_, i) =>
    readFields(
      pod(`web-${from + i}`, 'shop')
        .on('n1')
        .ip(`10.4.${(from + i) >> 8}.${(from + i) & 255}`)
        .build(),
    ),
  );

function recorder(): { writer: SnapshotWriter; pieces: string[] } {
  const pieces: string[] = [];
  return { writer: new SnapshotWriter('yaml', (text) => pieces.push(text)), pieces };
}

describe('the snapshot writer', () => {
  it('reads back as the List made whole, its pods first', async () => {
    const { writer, pieces } = recorder();
    const [first, second] = [pods(0, 3), pods(3, 2)];
    const rest = [node('n1').internalIP('10.0.0.1').build(), ipMasqAgent().build()];
    writer.pods(1, first);
    writer.pods(2, second);
    const objects: KubeObject[] = [...first, ...second, ...rest];
    await writer.finish(objects, [], true);
    const list = parse(pieces.join('')) as { items: KubeObject[] };
    expect(list).toEqual(snapshotList(objects, [], DATAPATH_REGISTRY, true));
    expect(list.items.slice(0, 5).map((o) => o.metadata.name)).toEqual(['web-0', 'web-1', 'web-2', 'web-3', 'web-4']);
  });

  it('writes the pages of pods before the read ends, once a megabyte of them is made', async () => {
    const { writer, pieces } = recorder();
    writer.pods(1, pods(0, 10_000));
    expect(pieces).toEqual([]);
    await turn();
    expect(pieces.length).toBeGreaterThan(0);
    expect(pieces.join('').startsWith('items:\n  - apiVersion: v1\n    kind: Pod\n')).toBe(true);
  });

  it('fails the read when the list of pods starts over, having written part of it', () => {
    const { writer } = recorder();
    writer.pods(1, pods(0, 2));
    writer.pods(2, pods(2, 2));
    expect(() => writer.pods(1, pods(0, 2))).toThrow(ClusterError);
  });

  it('ends in an error, not a List, when a pod it wrote is not among the objects read', async () => {
    const { writer, pieces } = recorder();
    writer.pods(1, pods(0, 2));
    await expect(writer.finish(pods(1, 1), [], true)).rejects.toThrow(/pod shop\/web-0 was written/);
    expect(pieces.join('')).not.toMatch(/^kind: List/m);
  });
});
