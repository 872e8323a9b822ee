/**
 * What `kubectl egress snapshot` writes: exactly the objects the tool reads, cut down to the fields
 * it reads, as one YAML List that `who -f` reproduces the live answer from. Pod specs lose their
 * containers (and so every env value); only datapath agents keep theirs; no Secret is ever read.
 */
import type { ReadGap } from '../model/gaps.ts';
import type { KubeObject } from '../model/objects.ts';
import { isDatapathDaemonSet, type DatapathRegistry } from './datapath.ts';
import { GAPS_ANNOTATION } from './manifests.ts';
import { datapathAnnotations } from './pods.ts';
import { getArray, getRecord, isRecord, ObjectIndex, type Json } from './objects.ts';

const KIND_ORDER = ['Namespace', 'Node', 'DaemonSet', 'ConfigMap', 'ReplicaSet', 'Job', 'Pod'];

export function snapshotList(objects: readonly KubeObject[], gaps: readonly ReadGap[], registry: DatapathRegistry): Json {
  const index = new ObjectIndex(objects);
  const agents = index.all('DaemonSet').filter((ds) => isDatapathDaemonSet(ds, registry));
  const configMaps = new Set(agents.flatMap(configMapsMounted));
  const items = KIND_ORDER.flatMap((kind) => index.all(kind))
    .filter((o) => o.kind !== 'DaemonSet' || agents.includes(o))
    .filter((o) => o.kind !== 'ConfigMap' || configMaps.has(`${o.metadata.namespace}/${o.metadata.name}`))
    .concat(objects.filter((o) => !KIND_ORDER.includes(o.kind) && o.kind !== 'Secret'))
    .map(readFields);
  return {
    apiVersion: 'v1',
    kind: 'List',
    metadata: { annotations: { [GAPS_ANNOTATION]: JSON.stringify(gaps) } },
    items,
  };
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
      return { ...head, spec: pick(getRecord(obj, 'spec'), ['providerID', 'podCIDR', 'podCIDRs', 'taints', 'unschedulable']), status: nodeStatus(obj) };
    case 'Pod':
      return { ...head, spec: pick(getRecord(obj, 'spec'), ['nodeName', 'hostNetwork', 'serviceAccountName', 'serviceAccount', 'nodeSelector', 'affinity', 'tolerations']), status: pick(getRecord(obj, 'status'), ['phase', 'podIP', 'podIPs', 'hostIP', 'hostIPs']) };
    case 'ConfigMap':
      return { ...head, ...pick(obj as unknown as Json, ['data', 'binaryData']) };
    case 'DaemonSet':
      return { ...head, spec: { template: { spec: agentPodSpec(getRecord(obj, 'spec', 'template', 'spec')) } } };
    case 'Namespace':
    case 'ReplicaSet':
    case 'Job':
      return head;
    case 'CiliumEndpoint':
      // Multi-gateway egress policies hash the endpoint's UID.
      return { ...head, metadata: { ...metadata, uid: obj.metadata.uid } };
    default:
      return { ...head, ...pick(obj as unknown as Json, ['spec', 'status']) };
  }
}

/** An agent's settings live in its args, env values and mounted ConfigMaps; env from Secrets is dropped. */
function agentPodSpec(spec: Json | undefined): Json {
  const containers = getArray(spec, 'containers').filter(isRecord).map((c) => ({
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

function configMapsMounted(ds: KubeObject): string[] {
  const volumes = getArray(ds, 'spec', 'template', 'spec', 'volumes');
  const names = volumes.flatMap((v) => [getRecord(v, 'configMap'), ...getArray(v, 'projected', 'sources').map((s) => getRecord(s, 'configMap'))]);
  return names.flatMap((cm) => (typeof cm?.['name'] === 'string' ? [`${ds.metadata.namespace}/${cm['name']}`] : []));
}

function pick(source: Json | undefined, keys: string[]): Json {
  const out: Json = {};
  for (const key of keys) if (source && source[key] !== undefined) out[key] = source[key];
  return out;
}
