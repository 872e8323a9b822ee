/**
 * The state of one packet (one pod, one destination) as the pipeline walks it. Only the pipeline
 * changes it, by applying the effects steps return; steps see it read-only.
 */
import type { Decision, Destination, Identity, TraceStep } from '../../model/decision.ts';
import type { ObjectRef } from '../../model/objects.ts';
import type { PolicyAnswer } from '../../model/policy.ts';
import type { Finding } from '../../model/reasons.ts';
import type { NodeInfo, PodInfo } from '../../model/snapshot.ts';
import { joined, NO_EFFECT, NONE, type Effect } from './effect.ts';

export interface Packet {
  sourceIP: string | null;
  /** Set by EffectBuilder.leaveFromSet; NONE otherwise. */
  sourceIPs: readonly string[];
  egressFrom: ObjectRef | undefined;
  identity: Identity;
  via: string;
  settled: boolean;
  gateway: { node: string; policy: string } | undefined;
  /** Set by the egress policy step, which every walk takes. */
  policy: PolicyAnswer | undefined;
  reasons: readonly Finding[];
  warnings: readonly Finding[];
  /** undefined when the call keeps no trace. */
  trace: TraceStep[] | undefined;
}

/** What later steps may read of the packet so far. */
export type PacketState = Readonly<Pick<Packet, 'sourceIP' | 'sourceIPs' | 'identity' | 'gateway'>>;

export function newPacket(traced: boolean): Packet {
  return {
    sourceIP: null,
    sourceIPs: NONE,
    egressFrom: undefined,
    identity: 'unknown',
    via: 'none',
    settled: false,
    gateway: undefined,
    policy: undefined,
    reasons: NONE,
    warnings: NONE,
    trace: traced ? [] : undefined,
  };
}

/** The packet as new; its trace a new list, since the decision before it keeps the old one. */
export function resetPacket(packet: Packet, traced: boolean): void {
  packet.sourceIP = null;
  packet.sourceIPs = NONE;
  packet.egressFrom = undefined;
  packet.identity = 'unknown';
  packet.via = 'none';
  packet.settled = false;
  packet.gateway = undefined;
  packet.policy = undefined;
  packet.reasons = NONE;
  packet.warnings = NONE;
  packet.trace = traced ? [] : undefined;
}

export function applyEffect(packet: Packet, effect: Effect): void {
  if (effect === NO_EFFECT) return;
  if (packet.trace) for (const line of effect.trace) packet.trace.push(line);
  packet.reasons = joined(packet.reasons, effect.reasons);
  packet.warnings = joined(packet.warnings, effect.warnings);
  // A step that sets the address replaces a set before it (a NAT after an EgressIP): the set goes with it.
  if (effect.sourceIP !== undefined) {
    packet.sourceIP = effect.sourceIP;
    packet.sourceIPs = effect.sourceIPs ?? NONE;
  }
  if (effect.egressFrom !== undefined) packet.egressFrom = effect.egressFrom;
  if (effect.identity !== undefined) packet.identity = effect.identity;
  if (effect.via !== undefined) packet.via = effect.via;
  if (effect.settled !== undefined) packet.settled = effect.settled;
  if (effect.gateway !== undefined) packet.gateway = effect.gateway;
  if (effect.policy !== undefined) packet.policy = effect.policy;
}

/** Never met: the pipeline asks the policy step on every walk (pipeline.ts); a shape for the type. */
const NOT_ASKED: PolicyAnswer = Object.freeze({
  verdict: 'unknown',
  decidedBy: NONE as never[],
  reasons: NONE as never[],
});

/** addressList: the list of one address, shared where the caller keeps them (EngineContext.addressList). */
export function toDecision(
  pod: PodInfo,
  node: NodeInfo | undefined,
  destination: Destination,
  packet: Packet,
  addressList: (address: string) => readonly string[] = (a) => [a],
): Decision {
  const podIP = podIPFor(pod, destination.range.family === 6);
  const decision: Decision = {
    namespace: pod.namespace,
    pod: pod.name,
    workload: pod.workload,
    node: node?.name ?? pod.nodeName ?? null,
    podIP,
    hostNetwork: pod.hostNetwork,
    destination,
    sourceIP: packet.sourceIP,
    sourceIPs: sourceIPsOf(packet, addressList),
    identity: packet.identity,
    via: packet.via,
    policy: packet.policy ?? NOT_ASKED,
    reasons: packet.reasons as Finding[],
    warnings: dedupe(packet.warnings),
    trace: packet.trace ?? (NONE as unknown as TraceStep[]),
    // Always present (undefined where no gateway took the packet): every decision has one shape.
    gateway: packet.gateway,
    egressFrom: packet.egressFrom,
  };
  return decision;
}

/** design §5: one address when sourceIP is set, the set a mechanism answered, none for dropped and unknown. */
function sourceIPsOf(packet: Packet, addressList: (address: string) => readonly string[]): readonly string[] {
  if (packet.identity === 'dropped' || packet.identity === 'unknown') return NONE;
  if (packet.sourceIP !== null) return packet.sourceIPs.length === 1 ? packet.sourceIPs : addressList(packet.sourceIP);
  return packet.sourceIPs;
}

/** The pod's address of the destination's family, else its first; a loop, since it runs for every decision. */
function podIPFor(pod: PodInfo, ipv6: boolean): string | null {
  for (const ip of pod.podIPs) if (ip.includes(':') === ipv6) return ip;
  return pod.podIPs[0] ?? null;
}

function dedupe(findings: readonly Finding[]): Finding[] {
  if (findings.length < 2) return findings as Finding[];
  const seen = new Set<string>();
  return findings.filter((f) => {
    const key = `${f.code}:${JSON.stringify(f.data)}`;
    return seen.has(key) ? false : (seen.add(key), true);
  });
}
