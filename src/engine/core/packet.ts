/**
 * The state of one packet (one pod, one destination) as the pipeline walks it. Only the pipeline
 * changes it, by applying the effects steps return; steps see it read-only.
 */
import type { Decision, Destination, Identity, TraceStep } from '../../model/decision.ts';
import type { Finding } from '../../model/reasons.ts';
import type { NodeInfo, PodInfo } from '../../model/snapshot.ts';
import type { EngineContext } from './context.ts';
import { joined, NONE, type Effect } from './effect.ts';

export interface Packet {
  sourceIP: string | null;
  identity: Identity;
  via: string;
  settled: boolean;
  gateway: { node: string; policy: string } | undefined;
  reasons: readonly Finding[];
  warnings: readonly Finding[];
  /** undefined when the call keeps no trace. */
  trace: TraceStep[] | undefined;
}

/** What later steps may read of the packet so far. */
export type PacketState = Readonly<Pick<Packet, 'sourceIP' | 'identity' | 'gateway'>>;

export function newPacket(traced: boolean): Packet {
  return { sourceIP: null, identity: 'unknown', via: 'none', settled: false, gateway: undefined, reasons: NONE, warnings: NONE, trace: traced ? [] : undefined };
}

export function applyEffect(packet: Packet, effect: Effect): void {
  if (packet.trace) for (const line of effect.trace) packet.trace.push(line);
  packet.reasons = joined(packet.reasons, effect.reasons);
  packet.warnings = joined(packet.warnings, effect.warnings);
  const set = effect.set;
  if (!set) return;
  if (set.sourceIP !== undefined) packet.sourceIP = set.sourceIP;
  if (set.identity !== undefined) packet.identity = set.identity;
  if (set.via !== undefined) packet.via = set.via;
  if (set.settled !== undefined) packet.settled = set.settled;
  if (set.gateway !== undefined) packet.gateway = set.gateway;
}

export function toDecision(pod: PodInfo, node: NodeInfo | undefined, destination: Destination, packet: Packet): Decision {
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
    trace: packet.trace ?? (NONE as unknown as TraceStep[]),
  };
  if (packet.gateway) decision.gateway = packet.gateway;
  return decision;
}

function dedupe(findings: readonly Finding[]): Finding[] {
  if (findings.length < 2) return findings as Finding[];
  const seen = new Set<string>();
  return findings.filter((f) => {
    const key = `${f.code}:${JSON.stringify(f.data)}`;
    return seen.has(key) ? false : (seen.add(key), true);
  });
}

/** Where the packet is: a scheduled pod on a node that was read, and its destination. */
export interface PacketAt {
  pod: PodInfo;
  node: NodeInfo;
  destination: Destination;
}

export type Step = (ctx: EngineContext, at: PacketAt, packet: PacketState) => Effect;
