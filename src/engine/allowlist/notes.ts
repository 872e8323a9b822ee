/**
 * What makes an allowlist unstable (addresses that will change) or incomplete (parts the cluster
 * does not show), as stable codes with the nodes or pods they concern.
 */
import type { AllowlistNote } from '../../model/allowlist.ts';
import type { Decision, Destination } from '../../model/decision.ts';
import type { Finding } from '../../model/reasons.ts';
import type { NodeInfo, PodInfo } from '../../model/snapshot.ts';
import { parseCidr } from '../../net/ip.ts';

export interface Placement {
  pod: PodInfo;
  node: NodeInfo;
  current: boolean;
  decision: Decision;
}

/** Labels the managed node pools carry; a pool scales and replaces its nodes, with new addresses. */
const POOL_LABELS = ['cloud.google.com/gke-nodepool', 'eks.amazonaws.com/nodegroup', 'karpenter.sh/nodepool', 'kubernetes.azure.com/agentpool', 'alpha.eksctl.io/nodegroup-name'];

/** Warnings that an egress object selects the pod but has no address yet (the set will change once it has). */
const PENDING: ReadonlySet<string> = new Set(['ANTREA_EGRESS_NOT_REALISED']);

/** A pod whose node is not among the objects read: its decision says why it is unknown. */
export interface Unplaced {
  node: string;
  decision: Decision;
}

export function collectNotes(pods: readonly PodInfo[], placements: readonly Placement[], destination: Destination, stuck: readonly PodInfo[], unplaced: readonly Unplaced[] = []): AllowlistNote[] {
  const notes: AllowlistNote[] = [];
  const nodesOf = (list: readonly Placement[]) => unique(list.map((p) => p.node.name));
  const nodeIP = placements.filter((p) => p.decision.identity === 'node-ip');
  if (nodeIP.length > 0) {
    const pools = unique(nodeIP.flatMap((p) => POOL_LABELS.flatMap((l) => p.node.labels[l] ?? [])));
    notes.push({ code: 'NODE_IPS_CHANGE_WITH_NODES', subjects: nodesOf(nodeIP), ...(pools.length > 0 ? { pools } : {}) });
  }
  const podIP = placements.filter((p) => p.decision.identity === 'pod-ip');
  if (podIP.length > 0) notes.push({ code: 'POD_IPS_CHANGE_ON_RESTART', subjects: nodesOf(podIP) });
  const noPodCidr = podIP.filter((p) => !p.node.podCIDRs.some((c) => parseCidr(c)?.cidr.family === destination.range.family));
  if (noPodCidr.length > 0) notes.push({ code: 'NODE_HAS_NO_POD_CIDR', subjects: nodesOf(noPodCidr) });
  const unknown = placements.filter((p) => p.decision.identity === 'unknown' || (p.decision.identity !== 'dropped' && p.decision.identity !== 'denied' && p.decision.sourceIPs.length === 0));
  if (unknown.length > 0 || unplaced.length > 0) {
    const subjects = unique([...nodesOf(unknown), ...unplaced.map((u) => u.node)]);
    notes.push({ code: 'PART_UNKNOWN', subjects, reasons: distinctReasons([...unknown, ...unplaced].map((p) => p.decision)) });
  }
  const dropped = placements.filter((p) => p.decision.identity === 'dropped');
  if (dropped.length > 0) notes.push({ code: 'DROPPED_ON_SOME_NODES', subjects: nodesOf(dropped) });
  const pending = unique(placements.flatMap((p) => p.decision.warnings.filter((w) => PENDING.has(w.code)).map((w) => w.source ? `${w.source.kind}/${w.source.name}` : w.code)));
  if (pending.length > 0) notes.push({ code: 'EGRESS_IP_PENDING', subjects: pending });
  // Egress policy: a denied flow needs no address (left out, and said); an undecided one keeps its addresses, since it may leave.
  const denied = placements.filter((p) => p.decision.identity === 'denied');
  if (denied.length > 0) notes.push({ code: 'DENIED_BY_POLICY', subjects: nodesOf(denied), reasons: distinctPolicyReasons(denied.map((p) => p.decision)) });
  const undecided = placements.filter((p) => p.decision.policy.verdict === 'unknown');
  if (undecided.length > 0) notes.push({ code: 'POLICY_VERDICT_UNKNOWN', subjects: nodesOf(undecided), reasons: distinctPolicyReasons(undecided.map((p) => p.decision)) });
  const hidden = pods.filter((p) => p.scheduling === undefined).map(podName);
  if (hidden.length > 0) notes.push({ code: 'SCHEDULING_NOT_VISIBLE', subjects: hidden });
  if (stuck.length > 0) notes.push({ code: 'NO_ELIGIBLE_NODE', subjects: stuck.map(podName) });
  return notes;
}

/** The policy reasons of the decisions, one of each code. */
function distinctPolicyReasons(decisions: readonly Decision[]): Finding[] {
  const byCode = new Map<string, Finding>();
  for (const reason of decisions.flatMap((d) => d.policy.reasons)) if (!byCode.has(reason.code)) byCode.set(reason.code, reason);
  return [...byCode.values()].sort((a, b) => a.code.localeCompare(b.code));
}

/** The last reason of each unknown decision says why it is unknown; one of each code is enough. */
function distinctReasons(decisions: readonly Decision[]): Finding[] {
  const byCode = new Map<string, Finding>();
  for (const d of decisions) {
    const reason = d.reasons[d.reasons.length - 1];
    if (reason && !byCode.has(reason.code)) byCode.set(reason.code, reason);
  }
  return [...byCode.values()].sort((a, b) => a.code.localeCompare(b.code));
}

function podName(pod: PodInfo): string {
  return `${pod.namespace}/${pod.name}`;
}

export function unique(values: readonly string[]): string[] {
  return [...new Set(values)].sort();
}
