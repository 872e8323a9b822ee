/**
 * Raw objects (from -f files or the live reader) → the engine's Snapshot, with the mechanisms the
 * engine's registry knows.
 */
import type { ReadGap } from '../model/gaps.ts';
import type { KubeObject } from '../model/objects.ts';
import type { Finding } from '../model/reasons.ts';
import type { Snapshot } from '../model/snapshot.ts';
import { knownVersions, type KnownVersions } from './api-versions.ts';
import { gapWarnings } from './gaps.ts';
import { detectDatapath, type DatapathOptions, type DatapathRegistry } from './datapath.ts';
import type { DetectInputs } from './detection.ts';
import { invalidAddressWarnings } from './addresses.ts';
import { toNodeInfo } from './nodes.ts';
import { indexKind, ObjectIndex, refOf, stringMap } from './objects.ts';
import { datapathAnnotations, isTerminated, toPodInfo } from './pods.ts';
import { policyInputs } from './policy-inputs.ts';
import { serviceRanges } from './service-cidrs.ts';
import { compareText } from './text-order.ts';

export interface SnapshotOptions extends DatapathOptions {
  gaps?: ReadGap[];
  /** Every pod of the cluster is among the objects (a read of all namespaces without -l, or a snapshot of one). */
  allPods?: boolean;
}

/** The engine's snapshot.ts calls this with its registry's detections. */
export function assembleSnapshot(
  objects: readonly KubeObject[],
  options: SnapshotOptions,
  registry: DatapathRegistry,
): Snapshot {
  const versions = knownVersions(registry);
  return assembleFrom(new ObjectIndex(objects, { versions }), versions, options, registry);
}

/**
 * The objects that building the snapshot consults, with any flags: as detected, and with each
 * mechanism forced as --datapath would, with and without --no-default-snat. A snapshot file that
 * holds these (and the same gaps) gives the same Snapshot, whatever `who -f` is asked.
 */
export function consultedObjects(
  objects: readonly KubeObject[],
  gaps: readonly ReadGap[],
  registry: DatapathRegistry,
): Set<KubeObject> {
  const versions = knownVersions(registry);
  const index = new ObjectIndex(objects, { recording: true, versions });
  const { nodes, pods } = assembleFrom(index, versions, { gaps: [...gaps] }, registry);
  // Nodes and pods are read alike whatever the flags; the datapath is what the flags change.
  for (const noDefaultSnat of [false, true]) {
    detectDatapath(index, nodes, pods, { gaps, noDefaultSnat }, [], registry);
    const inputs: DetectInputs = { index, nodes, pods, gaps, noDefaultSnat, warnings: [] };
    for (const { detection } of registry.detections) detection.force(inputs);
  }
  return index.consulted();
}

/** versions: the ones `index` was built with, which the warnings about other versions name. */
function assembleFrom(
  index: ObjectIndex,
  versions: KnownVersions,
  options: SnapshotOptions,
  registry: DatapathRegistry,
): Snapshot {
  const gaps = options.gaps ?? [];
  const nodes = index
    .all('Node')
    .map(toNodeInfo)
    .sort((a, b) => compareText(a.name, b.name));
  const pods = index
    .all('Pod')
    .filter((p) => !isTerminated(p))
    .map((p) => toPodInfo(p, index));
  const warnings: Finding[] = gapWarnings(gaps);
  warnings.push(...index.unknownVersions().map((o) => unknownVersionFinding(o, versions)));
  for (const node of nodes)
    warnings.push(...invalidAddressWarnings({ kind: 'Node', name: node.name }, node.invalidAddresses));
  for (const pod of pods)
    warnings.push(
      ...invalidAddressWarnings({ kind: 'Pod', namespace: pod.namespace, name: pod.name }, pod.invalidAddresses),
    );
  const datapath = detectDatapath(index, nodes, pods, { ...options, gaps }, warnings, registry);
  const namespaces = new Set([...index.all('Namespace').map((n) => n.metadata.name), ...pods.map((p) => p.namespace)]);
  const namespaceLabels = Object.fromEntries(
    index.all('Namespace').map((n) => [n.metadata.name, stringMap(n.metadata.labels)]),
  );
  const namespaceAnnotations = Object.fromEntries(
    index.all('Namespace').map((n) => [n.metadata.name, datapathAnnotations(n.metadata.annotations)]),
  );
  const policy = policyInputs(index, gaps, options.allPods === true);
  const services = serviceRanges(index, gaps);
  return {
    nodes,
    pods,
    namespaces: [...namespaces].sort(),
    namespaceLabels,
    namespaceAnnotations,
    datapath,
    warnings,
    gaps,
    policy,
    services,
  };
}

function unknownVersionFinding(obj: KubeObject, versions: KnownVersions): Finding {
  const known = [...(versions.get(indexKind(obj)) ?? [])].join(', ');
  const object = `${obj.metadata.namespace ? `${obj.metadata.namespace}/` : ''}${obj.metadata.name}`;
  return {
    code: 'OBJECT_VERSION_UNKNOWN',
    data: { kind: obj.kind, object, apiVersion: obj.apiVersion, known },
    source: refOf(obj),
  };
}
