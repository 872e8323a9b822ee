/**
 * The state of one packet (one pod, one destination) as the pipeline walks it, and the helpers
 * steps use to move it on. Steps mutate only the packet they are handed.
 */
import type { Decision, Destination, Identity, Query, StepOutcome, TraceStep } from '../model/decision.ts';
import type { Finding } from '../model/reasons.ts';
import type { NodeInfo, PodInfo, Snapshot } from '../model/snapshot.ts';
import type { StepMemo } from './replay.ts';

export interface PacketContext {
  snapshot: Snapshot;
  query: Query;
  pod: PodInfo;
  node: NodeInfo | undefined;
  destination: Destination;
  /** Step results shared within one predict call; without it every step runs for every packet. */
  memo?: StepMemo;
  /** The destination's place in the query, which the memo files results under. */
  destinationIndex?: number;
}

export interface Packet {
  sourceIP: string | null;
  identity: Identity;
  via: string;
  /** True once the answer can no longer change (unknown, dropped). */
  settled: boolean;
  /** Set when an egress gateway took the packet: node SNAT is skipped, the gateway node is where it leaves. */
  gateway?: { node: string; policy: string };
  /** Never pushed to (addReasons makes a new list): a replayed step's lists are shared by many packets. */
  reasons: readonly Finding[];
  warnings: readonly Finding[];
  /** undefined when the query asks for no trace. */
  trace: TraceStep[] | undefined;
}

export function newPacket(query: Query): Packet {
  return { sourceIP: null, identity: 'unknown', via: 'none', settled: false, reasons: NONE, warnings: NONE, trace: query.trace === false ? undefined : [] };
}

export function addReasons(packet: Packet, ...findings: Finding[]): void {
  packet.reasons = joined(packet.reasons, findings);
}

export function addWarnings(packet: Packet, ...findings: Finding[]): void {
  packet.warnings = joined(packet.warnings, findings);
}

/** The list with more after it, as a new list; either one itself where the other is empty (lists are shared, never pushed to). */
export function joined(list: readonly Finding[], more: readonly Finding[]): readonly Finding[] {
  if (more.length === 0) return list;
  return list.length === 0 ? more : [...list, ...more];
}

export function record(packet: Packet, layer: string, outcome: StepOutcome, finding: Finding): void {
  packet.trace?.push({ layer, outcome, ...finding });
}

/** Ends the walk with `unknown`: the finding says what is missing. */
export function settleUnknown(packet: Packet, layer: string, finding: Finding): void {
  record(packet, layer, 'unknown', finding);
  packet.sourceIP = null;
  packet.identity = 'unknown';
  addReasons(packet, finding);
  packet.settled = true;
}

export function toDecision(ctx: PacketContext, packet: Packet): Decision {
  const { pod, node, destination } = ctx;
  const podIP = pod.podIPs.find((ip) => ip.includes(':') === (destination.range.family === 6)) ?? pod.podIPs[0] ?? null;
  const decision: Decision = {
    namespace: pod.namespace,
    pod: pod.name,
    workload: pod.workload,
    node: node?.name ?? pod.nodeName ?? null,
    podIP,
    hostNetwork: pod.hostNetwork,
    destination,
    sourceIP: packet.sourceIP,
    identity: packet.identity,
    via: packet.via,
    reasons: packet.reasons as Finding[],
    warnings: dedupe(packet.warnings),
    trace: packet.trace ?? NO_TRACE,
  };
  if (packet.gateway) decision.gateway = packet.gateway;
  return decision;
}

const NO_TRACE: TraceStep[] = Object.freeze([]) as unknown as TraceStep[];

/**
 * The one empty list every packet starts with. Lists are replaced, never pushed to, so decisions
 * (hundreds of thousands on a large cluster) share them instead of each holding its own copies.
 */
const NONE: Finding[] = Object.freeze([]) as unknown as Finding[];

function dedupe(findings: readonly Finding[]): Finding[] {
  if (findings.length < 2) return findings as Finding[];
  const seen = new Set<string>();
  return findings.filter((f) => {
    const key = `${f.code}:${JSON.stringify(f.data)}`;
    return seen.has(key) ? false : (seen.add(key), true);
  });
}
