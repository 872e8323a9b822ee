/** Pod objects → PodInfo, with the owning workload resolved through owner references. */
import type { KubeObject, OwnerReference } from '../model/objects.ts';
import type { PodInfo, WorkloadRef } from '../model/snapshot.ts';
import { getArray, getRecord, getString, isRecord, stringMap, type ObjectIndex } from './objects.ts';
import { toScheduling } from './scheduling.ts';
import { ipFamily, sortAddresses, written, type WrittenAddress } from './addresses.ts';

/** Pods that finished send no traffic (kubelet has torn down their sandbox). */
export function isTerminated(obj: KubeObject): boolean {
  const phase = getString(getRecord(obj, 'status'), 'phase');
  return phase === 'Succeeded' || phase === 'Failed';
}

export function toPodInfo(obj: KubeObject, index: ObjectIndex): PodInfo {
  const spec = getRecord(obj, 'spec');
  const status = getRecord(obj, 'status');
  const podIPs = sortAddresses('podIP', writtenPodIPs(status), ipFamily);
  const pod: PodInfo = {
    namespace: obj.metadata.namespace ?? 'default',
    name: obj.metadata.name,
    podIPs: podIPs.valid,
    hostNetwork: isRecord(spec) && spec['hostNetwork'] === true,
    labels: index.sharedLabels(stringMap(obj.metadata.labels)),
    // The ServiceAccount admission plugin sets `default` on a pod that names none.
    serviceAccount: getString(spec, 'serviceAccountName') || getString(spec, 'serviceAccount') || 'default',
    annotations: datapathAnnotations(obj.metadata.annotations),
    workload: workloadOf(obj, index),
  };
  if (podIPs.invalid.length > 0) pod.invalidAddresses = [...podIPs.invalid];
  const nodeName = getString(spec, 'nodeName');
  if (nodeName) pod.nodeName = nodeName;
  const phase = getString(status, 'phase');
  if (phase) pod.phase = phase;
  if (isRecord(spec)) pod.scheduling = toScheduling(spec);
  return pod;
}

/** status.podIPs, else the older status.podIP. hostIP(s) are not read: a pod's node is spec.nodeName. */
function writtenPodIPs(status: Record<string, unknown> | undefined): WrittenAddress[] {
  const list = getArray(status, 'podIPs').map((p, i) => ({
    field: () => `status.podIPs[${i}].ip`,
    value: written(isRecord(p) ? p['ip'] : p),
  }));
  if (list.length > 0) return list;
  const single = status?.['podIP'];
  return single == null || single === '' ? [] : [{ field: () => 'status.podIP', value: written(single) }];
}

/**
 * Deployment/StatefulSet/DaemonSet/Job/CronJob through the controller owner reference. Where the
 * intermediate ReplicaSet or Job is not among the objects, a ReplicaSet named `<deployment>-<hash>`
 * whose hash equals the pod's `pod-template-hash` label is the Deployment controller's naming
 * (kubernetes/kubernetes pkg/controller/deployment/sync.go), so the Deployment is derived from it.
 */
function workloadOf(pod: KubeObject, index: ObjectIndex): WorkloadRef {
  const namespace = pod.metadata.namespace ?? 'default';
  const owner = controllerOf(pod.metadata.ownerReferences);
  if (!owner || owner.kind === 'Node') return { kind: 'Pod', name: pod.metadata.name };
  if (owner.kind === 'ReplicaSet') {
    const rs = index.get('ReplicaSet', namespace, owner.name);
    if (rs) return controllerWorkload(rs) ?? { kind: 'ReplicaSet', name: owner.name };
    const hash = pod.metadata.labels?.['pod-template-hash'];
    if (hash && owner.name.endsWith(`-${hash}`)) {
      return { kind: 'Deployment', name: owner.name.slice(0, -hash.length - 1) };
    }
  }
  if (owner.kind === 'Job') {
    const job = index.get('Job', namespace, owner.name);
    const cronJob = job && controllerWorkload(job);
    if (cronJob?.kind === 'CronJob') return cronJob;
  }
  return { kind: owner.kind, name: owner.name };
}

/** Calico Enterprise's egress gateway annotations, on a pod or its namespace. */
export const CALICO_EGRESS_PREFIX = 'egress.projectcalico.org/';

/** Annotation prefixes some datapath reads; everything else stays out of the snapshot. */
export const DATAPATH_ANNOTATION_PREFIXES = [
  'vpc.amazonaws.com/',
  CALICO_EGRESS_PREFIX,
  'kubernetes.azure.com/static-gateway-configuration',
  // OVN-Kubernetes nodes: the gateway router's address and the node's share of the cluster subnet;
  // the host addresses EgressFirewall nodeSelector rules match.
  'k8s.ovn.org/node-primary-ifaddr',
  'k8s.ovn.org/node-subnets',
  'k8s.ovn.org/host-cidrs',
];

/**
 * The annotations of DATAPATH_ANNOTATION_PREFIXES with string values. Every object of a read goes
 * through here (the cut, and the snapshot's nodes and namespaces), and most have none of them: it
 * copies nothing until one matches.
 */
export function datapathAnnotations(annotations: unknown): Record<string, string> {
  const kept: Record<string, string> = {};
  if (!isRecord(annotations)) return kept;
  for (const key of Object.keys(annotations)) {
    const value = annotations[key];
    // No prefix is "__proto__", so assigning sets a key.
    if (typeof value === 'string' && DATAPATH_ANNOTATION_PREFIXES.some((p) => key.startsWith(p))) kept[key] = value;
  }
  return kept;
}

function controllerWorkload(obj: KubeObject): WorkloadRef | undefined {
  const owner = controllerOf(obj.metadata.ownerReferences);
  return owner && { kind: owner.kind, name: owner.name };
}

/**
 * The controller reference, else the first. Entries without a kind and name (a hand-written file's
 * `null`, `{kind: ReplicaSet}`) name no owner and are passed over, as is a value that is not a list.
 */
export function controllerOf(refs: unknown): OwnerReference | undefined {
  if (!Array.isArray(refs)) return undefined;
  const valid = refs.filter(
    (r): r is OwnerReference =>
      isRecord(r) &&
      typeof r['kind'] === 'string' &&
      r['kind'] !== '' &&
      typeof r['name'] === 'string' &&
      r['name'] !== '',
  );
  return valid.find((r) => r.controller === true) ?? valid[0];
}
