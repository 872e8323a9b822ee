/**
 * Raw objects (from -f files or the live reader) → the engine's Snapshot, with the mechanisms the
 * engine's registry knows.
 */
import type { ReadGap } from '../model/gaps.ts';
import type { KubeObject } from '../model/objects.ts';
import type { Finding } from '../model/reasons.ts';
import type { Snapshot } from '../model/snapshot.ts';
import { gapWarnings } from './gaps.ts';
import { detectDatapath, type DatapathOptions, type DatapathRegistry } from './datapath.ts';
import { invalidAddressWarnings } from './addresses.ts';
import { toNodeInfo } from './nodes.ts';
import { ObjectIndex, stringMap } from './objects.ts';
import { datapathAnnotations, isTerminated, toPodInfo } from './pods.ts';

export interface SnapshotOptions extends DatapathOptions {
  gaps?: ReadGap[];
}

/** The engine's snapshot.ts calls this with its registry's detections. */
export function assembleSnapshot(objects: readonly KubeObject[], options: SnapshotOptions, registry: DatapathRegistry): Snapshot {
  const gaps = options.gaps ?? [];
  const index = new ObjectIndex(objects);
  const nodes = index.all('Node').map(toNodeInfo).sort((a, b) => a.name.localeCompare(b.name));
  const pods = index.all('Pod').filter((p) => !isTerminated(p)).map((p) => toPodInfo(p, index));
  const warnings: Finding[] = gapWarnings(gaps);
  for (const node of nodes) warnings.push(...invalidAddressWarnings({ kind: 'Node', name: node.name }, node.invalidAddresses));
  for (const pod of pods) warnings.push(...invalidAddressWarnings({ kind: 'Pod', namespace: pod.namespace, name: pod.name }, pod.invalidAddresses));
  const datapath = detectDatapath(index, nodes, pods, { ...options, gaps }, warnings, registry);
  const namespaces = new Set([...index.all('Namespace').map((n) => n.metadata.name), ...pods.map((p) => p.namespace)]);
  const namespaceLabels = Object.fromEntries(index.all('Namespace').map((n) => [n.metadata.name, stringMap(n.metadata.labels)]));
  const namespaceAnnotations = Object.fromEntries(index.all('Namespace').map((n) => [n.metadata.name, datapathAnnotations(n.metadata.annotations)]));
  return { nodes, pods, namespaces: [...namespaces].sort(), namespaceLabels, namespaceAnnotations, datapath, warnings, gaps };
}
