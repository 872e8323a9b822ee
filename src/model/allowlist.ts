/**
 * allowlist's answer for one destination: the addresses a firewall there must allow so the selected
 * pods keep working on every node they may run on, where each comes from, and what makes the set
 * unstable or incomplete — as stable codes.
 */
import type { Destination, Identity, Decision } from './decision.ts';
import type { ObjectRef } from './objects.ts';
import type { Finding } from './reasons.ts';
import type { WorkloadRef } from './snapshot.ts';

export type AllowlistOrigin = 'node' | 'egress-gateway' | 'egress-ip' | 'nat' | 'pod-network';

export interface AllowlistSource {
  /** A single address, or a node's pod CIDR where the pod IP leaves unchanged. */
  address: string;
  origin: AllowlistOrigin;
  identity: Identity;
  /** The nodes whose pods leave with this address. */
  nodes: string[];
  /** True when a pod running now uses it, false when only a node it may be scheduled to does. */
  current: boolean;
  gateway?: string;
  /** The egress object (EgressIP, Egress, gateway configuration) the address comes from. */
  object?: ObjectRef;
}

export type AllowlistNoteCode =
  | 'NODE_IPS_CHANGE_WITH_NODES'
  | 'POD_IPS_CHANGE_ON_RESTART'
  | 'PART_UNKNOWN'
  | 'DROPPED_ON_SOME_NODES'
  | 'DENIED_BY_POLICY'
  | 'POLICY_VERDICT_UNKNOWN'
  | 'NO_ELIGIBLE_NODE'
  | 'SCHEDULING_NOT_VISIBLE'
  | 'NODE_HAS_NO_POD_CIDR'
  | 'EGRESS_IP_PENDING';

export interface AllowlistNote {
  code: AllowlistNoteCode;
  /** Nodes (or pods, for the pod-level codes; egress objects for EGRESS_IP_PENDING) the note is about. */
  subjects: string[];
  /** For PART_UNKNOWN: the engine's reasons, which say what would make the answer known. */
  reasons?: Finding[];
  /** Node pool names (labels) for NODE_IPS_CHANGE_WITH_NODES. */
  pools?: string[];
}

export interface Allowlist {
  destination: Destination;
  workloads: WorkloadRef[];
  pods: string[];
  currentNodes: string[];
  eligibleNodes: string[];
  /** The minimal set: `sources` aggregated into CIDRs where that is exact. */
  cidrs: string[];
  sources: AllowlistSource[];
  notes: AllowlistNote[];
  /** False when some part is unknown: the set cannot be trusted to be enough. */
  complete: boolean;
}

export type { Decision };
