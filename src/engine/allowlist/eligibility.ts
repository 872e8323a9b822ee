/**
 * Which nodes a pod may be scheduled to: the kube-scheduler's filters that depend only on the pod
 * and the node — NodeAffinity (nodeSelector and required node affinity,
 * k8s.io/component-helpers/scheduling/corev1/nodeaffinity), NodeUnschedulable and TaintToleration
 * (k8s.io/api/core/v1 toleration.go ToleratesTaint). Resources, pod (anti-)affinity and topology
 * spread only narrow this set and change with load, so an allowlist covers the whole of it.
 */
import type { NodeRequirement, PodScheduling, Taint, Toleration } from '../../model/scheduling.ts';
import type { NodeInfo, PodInfo } from '../../model/snapshot.ts';

/** The taint NodeUnschedulable checks for an unschedulable node (pkg/scheduler/framework/plugins/nodeunschedulable). */
const UNSCHEDULABLE: Taint = { key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' };

export function eligibleNodes(pod: PodInfo, nodes: readonly NodeInfo[]): NodeInfo[] {
  const constraints = constraintsOf(pod);
  return constraints ? eligibleFor(constraints, nodes) : [];
}

/**
 * Every pod's eligible nodes, worked out once per distinct set of constraints (a workload's pods
 * share theirs, a DaemonSet's too once its pins are left out): pods with equal constraints get the
 * same array.
 */
export function eligibleByScheduling(
  pods: readonly PodInfo[],
  nodes: readonly NodeInfo[],
): Map<PodInfo, readonly NodeInfo[]> {
  const byConstraints = new Map<string, readonly NodeInfo[]>();
  const none: readonly NodeInfo[] = [];
  return new Map(
    pods.map((pod) => {
      const constraints = constraintsOf(pod);
      if (!constraints) return [pod, none];
      const key = JSON.stringify(constraints);
      let eligible = byConstraints.get(key);
      if (!eligible) byConstraints.set(key, (eligible = eligibleFor(constraints, nodes)));
      return [pod, eligible];
    }),
  );
}

interface Constraints {
  nodeSelector: PodScheduling['nodeSelector'];
  terms: PodScheduling['requiredTerms'];
  tolerations: readonly Toleration[];
}

function constraintsOf(pod: PodInfo): Constraints | undefined {
  const scheduling = pod.scheduling;
  if (!scheduling) return undefined;
  // The DaemonSet controller pins each of its pods to one node with a matchFields term; the
  // DaemonSet itself covers every node its other constraints admit.
  const terms =
    pod.workload.kind === 'DaemonSet' ? withoutNodeNames(scheduling.requiredTerms) : scheduling.requiredTerms;
  return { nodeSelector: scheduling.nodeSelector, terms, tolerations: scheduling.tolerations };
}

function eligibleFor({ nodeSelector, terms, tolerations }: Constraints, nodes: readonly NodeInfo[]): NodeInfo[] {
  return nodes.filter((node) => matchesAffinity(node, nodeSelector, terms) && toleratesNode(node, tolerations));
}

function withoutNodeNames(terms: NodeRequirement[][] | undefined): NodeRequirement[][] | undefined {
  if (!terms) return undefined;
  const stripped = terms.map((t) => t.filter((r) => r.field !== 'metadata.name'));
  // A term left empty matched only by node name: without it, the term admits any node.
  return stripped.some((t) => t.length === 0) ? undefined : stripped;
}

function matchesAffinity(
  node: NodeInfo,
  nodeSelector: PodScheduling['nodeSelector'],
  terms: PodScheduling['requiredTerms'],
): boolean {
  if (!Object.entries(nodeSelector).every(([k, v]) => node.labels[k] === v)) return false;
  // Terms are ORed; an empty list of terms, or an empty term, matches no node.
  return terms === undefined || terms.some((term) => term.length > 0 && term.every((r) => matchesRequirement(node, r)));
}

function matchesRequirement(node: NodeInfo, r: NodeRequirement): boolean {
  const value = r.field === 'metadata.name' ? node.name : node.labels[r.key];
  switch (r.operator) {
    case 'In':
      return value !== undefined && r.values.includes(value);
    case 'NotIn':
      return value === undefined || !r.values.includes(value);
    case 'Exists':
      return value !== undefined;
    case 'DoesNotExist':
      return value === undefined;
    case 'Gt':
    case 'Lt':
      return compareInteger(value, r.values[0], r.operator);
    default:
      return false;
  }
}

function compareInteger(value: string | undefined, bound: string | undefined, operator: 'Gt' | 'Lt'): boolean {
  if (value === undefined || bound === undefined || !/^-?\d+$/.test(value) || !/^-?\d+$/.test(bound)) return false;
  return operator === 'Gt' ? BigInt(value) > BigInt(bound) : BigInt(value) < BigInt(bound);
}

/** NoSchedule and NoExecute taints keep a pod off unless tolerated; PreferNoSchedule only discourages. */
function toleratesNode(node: NodeInfo, tolerations: readonly Toleration[]): boolean {
  const taints = [...node.taints, ...(node.unschedulable ? [UNSCHEDULABLE] : [])];
  return taints
    .filter((t) => t.effect === 'NoSchedule' || t.effect === 'NoExecute')
    .every((t) => tolerations.some((tol) => tolerates(tol, t)));
}

export function tolerates(toleration: Toleration, taint: Taint): boolean {
  if (toleration.effect && toleration.effect !== taint.effect) return false;
  if (toleration.key && toleration.key !== taint.key) return false;
  // An empty key with Exists tolerates every taint; API validation refuses an empty key with Equal.
  if (toleration.operator === 'Exists') return true;
  if (toleration.operator !== undefined && toleration.operator !== 'Equal') return false;
  return (toleration.value ?? '') === (taint.value ?? '');
}
