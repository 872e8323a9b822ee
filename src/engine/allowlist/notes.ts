/**
 * What makes an allowlist unstable (addresses that will change) or incomplete (parts the cluster
 * does not show), as stable codes with the nodes or pods they concern.
 */
import type { AllowlistNote } from '../../model/allowlist.ts';
import type { Decision, Destination } from '../../model/decision.ts';
import type { Finding } from '../../model/reasons.ts';
import type { NodeInfo, PodInfo } from '../../model/snapshot.ts';
import { parseCidr } from '../../net/ip.ts';
import { compareText } from '../../config/text-order.ts';

export interface Placement {
  pod: PodInfo;
  node: NodeInfo;
  current: boolean;
  decision: Decision;
}

/** Labels the managed node pools carry; a pool scales and replaces its nodes, with new addresses. */
const POOL_LABELS = [
  'cloud.google.com/gke-nodepool',
  'eks.amazonaws.com/nodegroup',
  'karpenter.sh/nodepool',
  'kubernetes.azure.com/agentpool',
  'alpha.eksctl.io/nodegroup-name',
];

/** Warnings that an egress object selects the pod but has no address yet (the set will change once it has). */
const PENDING: ReadonlySet<string> = new Set(['ANTREA_EGRESS_NOT_REALISED']);

/** A pod whose node is not among the objects read: its decision says why it is unknown. */
export interface Unplaced {
  node: string;
  decision: Decision;
}

/**
 * The notes of one destination's allowlist, gathered placement by placement: a placement is
 * looked at once and dropped, so a large cluster's placements never sit in memory together.
 */
export class NoteCollector {
  private readonly destination: Destination;
  private readonly nodeIP = new Set<string>();
  private readonly pools = new Set<string>();
  private readonly podIP = new Set<string>();
  private readonly noPodCidr = new Set<string>();
  private readonly unknown = new Set<string>();
  /** The last reason of each unknown decision says why it is unknown; the first of each code is kept. */
  private readonly unknownReasons = new Map<string, Finding>();
  private readonly dropped = new Set<string>();
  private readonly pending = new Set<string>();
  private readonly denied = new Set<string>();
  private readonly deniedReasons = new Map<string, Finding>();
  private readonly undecided = new Set<string>();
  private readonly undecidedReasons = new Map<string, Finding>();

  constructor(destination: Destination) {
    this.destination = destination;
  }

  add({ node, decision }: Placement): void {
    const identity = decision.identity;
    if (identity === 'node-ip') {
      this.nodeIP.add(node.name);
      for (const label of POOL_LABELS) if (node.labels[label] !== undefined) this.pools.add(node.labels[label]);
    }
    if (identity === 'pod-ip') {
      this.podIP.add(node.name);
      if (!node.podCIDRs.some((c) => parseCidr(c)?.cidr.family === this.destination.range.family))
        this.noPodCidr.add(node.name);
    }
    if (
      identity === 'unknown' ||
      (identity !== 'dropped' && identity !== 'denied' && decision.sourceIPs.length === 0)
    ) {
      this.unknown.add(node.name);
      this.unknownReason(decision);
    }
    if (identity === 'dropped') this.dropped.add(node.name);
    for (const w of decision.warnings)
      if (PENDING.has(w.code)) this.pending.add(w.source ? `${w.source.kind}/${w.source.name}` : w.code);
    if (identity === 'denied') {
      this.denied.add(node.name);
      firstOfEachCode(this.deniedReasons, decision.policy.reasons);
    }
    if (decision.policy.verdict === 'unknown') {
      this.undecided.add(node.name);
      firstOfEachCode(this.undecidedReasons, decision.policy.reasons);
    }
  }

  /** The notes, in their fixed order; `unplaced` pods' decisions count as unknown parts after every placement. */
  notes(pods: readonly PodInfo[], stuck: readonly PodInfo[], unplaced: readonly Unplaced[] = []): AllowlistNote[] {
    const notes: AllowlistNote[] = [];
    if (this.nodeIP.size > 0)
      notes.push({
        code: 'NODE_IPS_CHANGE_WITH_NODES',
        subjects: sorted(this.nodeIP),
        ...(this.pools.size > 0 ? { pools: sorted(this.pools) } : {}),
      });
    if (this.podIP.size > 0) notes.push({ code: 'POD_IPS_CHANGE_ON_RESTART', subjects: sorted(this.podIP) });
    if (this.noPodCidr.size > 0) notes.push({ code: 'NODE_HAS_NO_POD_CIDR', subjects: sorted(this.noPodCidr) });
    for (const u of unplaced) this.unknownReason(u.decision);
    if (this.unknown.size > 0 || unplaced.length > 0) {
      notes.push({
        code: 'PART_UNKNOWN',
        subjects: unique([...this.unknown, ...unplaced.map((u) => u.node)]),
        reasons: byCode(this.unknownReasons),
      });
    }
    if (this.dropped.size > 0) notes.push({ code: 'DROPPED_ON_SOME_NODES', subjects: sorted(this.dropped) });
    if (this.pending.size > 0) notes.push({ code: 'EGRESS_IP_PENDING', subjects: sorted(this.pending) });
    // Egress policy: a denied flow needs no address (left out, and said); an undecided one keeps its addresses, since it may leave.
    if (this.denied.size > 0)
      notes.push({ code: 'DENIED_BY_POLICY', subjects: sorted(this.denied), reasons: byCode(this.deniedReasons) });
    if (this.undecided.size > 0)
      notes.push({
        code: 'POLICY_VERDICT_UNKNOWN',
        subjects: sorted(this.undecided),
        reasons: byCode(this.undecidedReasons),
      });
    const hidden = pods.filter((p) => p.scheduling === undefined).map(podName);
    if (hidden.length > 0) notes.push({ code: 'SCHEDULING_NOT_VISIBLE', subjects: hidden });
    if (stuck.length > 0) notes.push({ code: 'NO_ELIGIBLE_NODE', subjects: stuck.map(podName) });
    return notes;
  }

  private unknownReason(d: Decision): void {
    const reason = d.reasons[d.reasons.length - 1];
    if (reason) firstOfEachCode(this.unknownReasons, [reason]);
  }
}

function firstOfEachCode(byCode: Map<string, Finding>, reasons: readonly Finding[]): void {
  for (const reason of reasons) if (!byCode.has(reason.code)) byCode.set(reason.code, reason);
}

function byCode(found: ReadonlyMap<string, Finding>): Finding[] {
  return [...found.values()].sort((a, b) => compareText(a.code, b.code));
}

function sorted(values: ReadonlySet<string>): string[] {
  return [...values].sort();
}

function podName(pod: PodInfo): string {
  return `${pod.namespace}/${pod.name}`;
}

export function unique(values: readonly string[]): string[] {
  return [...new Set(values)].sort();
}
