/**
 * Raw objects (from -f files or the live reader) → the engine's Snapshot.
 */
import type { KubeObject } from '../model/objects.ts';
import type { Finding } from '../model/reasons.ts';
import type { Snapshot } from '../model/snapshot.ts';
import { detectDatapath, type DatapathOptions } from './datapath.ts';
import { toNodeInfo } from './nodes.ts';
import { ObjectIndex } from './objects.ts';
import { isTerminated, toPodInfo } from './pods.ts';

export type SnapshotOptions = DatapathOptions;

export function buildSnapshot(objects: readonly KubeObject[], options: SnapshotOptions = {}): Snapshot {
  const index = new ObjectIndex(objects);
  const nodes = index.all('Node').map(toNodeInfo).sort((a, b) => a.name.localeCompare(b.name));
  const pods = index.all('Pod').filter((p) => !isTerminated(p)).map((p) => toPodInfo(p, index));
  const warnings: Finding[] = [];
  const datapath = detectDatapath(index, nodes, pods, options, warnings);
  const namespaces = new Set([...index.all('Namespace').map((n) => n.metadata.name), ...pods.map((p) => p.namespace)]);
  return { nodes, pods, namespaces: [...namespaces].sort(), datapath, warnings };
}
