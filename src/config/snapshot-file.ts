/**
 * What `kubectl egress snapshot` writes: the objects the tool consults, cut down to the fields it
 * reads, as one YAML List that `who -f` reproduces the live answer from. Which objects is decided
 * by what the code reads (config/snapshot.ts `consultedObjects`), not by a list kept by hand: the
 * live read lists whole namespaces of ConfigMaps and DaemonSets (kube-system's hold other
 * components' settings, e.g. aws-auth's IAM mappings), and a file meant for bug reports should
 * carry only what decides the answer. Pod specs lose their containers (and so every env value);
 * DaemonSets keep their containers' args and plain env values only; no Secret is ever read.
 */
import type { ReadGap } from '../model/gaps.ts';
import type { KubeObject } from '../model/objects.ts';
import type { DatapathRegistry } from './datapath.ts';
import { ALL_PODS_ANNOTATION, GAPS_ANNOTATION } from './manifests.ts';
import { datapathAnnotations } from './pods.ts';
import { getArray, getRecord, isRecord, keyOf, type Json } from './objects.ts';
import { consultedObjects } from './snapshot.ts';

/**
 * Pods first: the live read's pods asked about are written as their pages arrive
 * (cli/snapshot-writer.ts), and a file read back gives them in the same place.
 */
const KIND_ORDER = ['Pod', 'Namespace', 'Node', 'DaemonSet', 'ConfigMap', 'ReplicaSet', 'Job'];

/** allPods: the objects hold every pod of the cluster, which the file then says (ALL_PODS_ANNOTATION). */
export function snapshotList(
  objects: readonly KubeObject[],
  gaps: readonly ReadGap[],
  registry: DatapathRegistry,
  allPods = false,
): Json {
  const { envelope, items } = snapshotStream(objects, gaps, registry, allPods);
  return { items: [...items], ...envelope };
}

/**
 * The same List with its items cut as they are written: `snapshot -A` of 50,000 pods never holds
 * a second copy of them, nor the List as one string (render/list-text.ts). `written`: the keys
 * (podKey) of the pods already written, which are left out; every one must be a pod the List
 * keeps, as every pod is (config/snapshot.ts reads them all), or the List would hold what it
 * should not — which throws rather than end the List.
 */
export function snapshotStream(
  objects: readonly KubeObject[],
  gaps: readonly ReadGap[],
  registry: DatapathRegistry,
  allPods = false,
  written: ReadonlySet<string> = new Set(),
): { envelope: Json; items: Iterable<Json> } {
  const consulted = consultedObjects(objects, gaps, registry);
  const keptPods = new Set([...consulted].filter((o) => o.kind === 'Pod').map(podKey));
  const stray = [...written].find((key) => !keptPods.has(key));
  if (stray !== undefined) throw new Error(`snapshot: pod ${stray} was written but is not one the List keeps`);
  // A stable sort: objects of one kind keep their order, which is the order readers meet them in.
  const kept = objects
    .filter((o) => consulted.has(o) && !(o.kind === 'Pod' && written.has(podKey(o))))
    .sort((a, b) => kindRank(a) - kindRank(b));
  const envelope = {
    apiVersion: 'v1',
    kind: 'List',
    metadata: {
      annotations: { [GAPS_ANNOTATION]: JSON.stringify(gaps), ...(allPods && { [ALL_PODS_ANNOTATION]: 'true' }) },
    },
  };
  return {
    envelope,
    items: (function* () {
      for (const o of kept) yield trim(o);
    })(),
  };
}

/** A pod's key, as the object index keys it (one pod per key). */
export function podKey(pod: KubeObject): string {
  return keyOf(pod.metadata.namespace, pod.metadata.name);
}

function kindRank(obj: KubeObject): number {
  const rank = KIND_ORDER.indexOf(obj.kind);
  return rank === -1 ? KIND_ORDER.length : rank;
}

/**
 * The object cut down to the fields the tool reads. The live read applies it to every item as its
 * page arrives, so a 50,000-pod list never sits in memory whole (containers, managedFields,
 * conditions are most of a pod's bytes).
 */
export function readFields(obj: KubeObject): KubeObject {
  return trim(obj) as unknown as KubeObject;
}

function trim(obj: KubeObject): Json {
  const metadata = pick(obj.metadata as unknown as Json, ['name', 'namespace', 'labels', 'ownerReferences']);
  const annotations = datapathAnnotations(obj.metadata.annotations);
  if (Object.keys(annotations).length > 0) metadata['annotations'] = annotations;
  const head = { apiVersion: obj.apiVersion, kind: obj.kind, metadata };
  switch (obj.kind) {
    case 'Node':
      return {
        ...head,
        spec: pick(getRecord(obj, 'spec'), ['providerID', 'podCIDR', 'podCIDRs', 'taints', 'unschedulable']),
        status: nodeStatus(obj),
      };
    case 'Pod':
      return {
        ...head,
        spec: pick(getRecord(obj, 'spec'), [
          'nodeName',
          'hostNetwork',
          'serviceAccountName',
          'serviceAccount',
          'nodeSelector',
          'affinity',
          'tolerations',
        ]),
        status: pick(getRecord(obj, 'status'), ['phase', 'podIP', 'podIPs', 'hostIP', 'hostIPs']),
      };
    case 'ConfigMap':
      return { ...head, ...pick(obj as unknown as Json, ['data', 'binaryData']) };
    case 'DaemonSet':
      return { ...head, spec: { template: { spec: agentPodSpec(getRecord(obj, 'spec', 'template', 'spec')) } } };
    case 'Namespace':
    case 'ReplicaSet':
    case 'Job':
      return head;
    case 'Service':
      // An EgressService's: its type and load-balancer IPs (config/ovn-kubernetes.ts).
      return {
        ...head,
        spec: pick(getRecord(obj, 'spec'), ['type']),
        status: pick(getRecord(obj, 'status'), ['loadBalancer']),
      };
    case 'EndpointSlice':
      return {
        ...head,
        addressType: (obj as unknown as Json)['addressType'],
        endpoints: getArray(obj, 'endpoints')
          .filter(isRecord)
          .map((e) => pick(e, ['addresses', 'nodeName'])),
      };
    case 'CiliumEndpoint':
      // Multi-gateway egress policies hash the endpoint's UID.
      return { ...head, metadata: { ...metadata, uid: obj.metadata.uid } };
    default:
      return { ...head, ...pick(obj as unknown as Json, ['spec', 'status']) };
  }
}

/** An agent's settings live in its args, env values and mounted ConfigMaps; env from Secrets is dropped. */
function agentPodSpec(spec: Json | undefined): Json {
  const containers = getArray(spec, 'containers')
    .filter(isRecord)
    .map((c) => ({
      ...pick(c, ['name', 'image', 'command', 'args', 'volumeMounts']),
      env: getArray(c, 'env').filter((e) => isRecord(e) && typeof e['value'] === 'string'),
    }));
  return { ...pick(spec, ['hostNetwork', 'nodeSelector', 'tolerations', 'volumes']), containers };
}

function nodeStatus(node: KubeObject): Json {
  const status = pick(getRecord(node, 'status'), ['addresses']);
  const kubeletVersion = getRecord(node, 'status', 'nodeInfo')?.['kubeletVersion'];
  if (typeof kubeletVersion === 'string') status['nodeInfo'] = { kubeletVersion };
  return status;
}

function pick(source: Json | undefined, keys: string[]): Json {
  const out: Json = {};
  for (const key of keys) if (source && source[key] !== undefined) out[key] = source[key];
  return out;
}
