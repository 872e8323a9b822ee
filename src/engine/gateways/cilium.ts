/**
 * Cilium egress gateways (reference/cilium-egress.md §3): a valid policy that selects the
 * pod (identity labels, pooled node selectors) and whose longest-prefix entry covers the
 * destination sends the packet to its gateway, unless the destination is inside the cluster or
 * the entry is an excludedCIDR. Gateway traffic skips node SNAT.
 */
import type { CiliumEgressPolicy } from '../../model/cilium.ts';
import type { CiliumDatapath } from '../../model/datapath.ts';
import type { Snapshot } from '../../model/snapshot.ts';
import { addressRanges, cidrBlocks, RangeSet, type IpRange } from '../../config/ip.ts';
import { entriesOf, longestPrefixMatch, type PolicyEntry } from './cilium-match.ts';
import { resolveGateway, type GatewayOutcome } from './cilium-gateway.ts';
import { policyIndex } from './cilium-policy-index.ts';
import { podAddresses } from '../cluster-addresses.ts';
import { matchesSelector } from '../label-selector.ts';
import { byName, perObject } from '../memo.ts';
import { pair, type StepMemo } from '../replay.ts';
import { addWarnings, addReasons, record, settleUnknown as settle, type Packet, type PacketContext } from '../packet.ts';

const LAYER = 'cilium-egress-gateway';

export function ciliumEgressGateway(ctx: PacketContext, packet: Packet): void {
  const dp = ctx.snapshot.datapath.cilium;
  if (!dp || dp.egressPolicies.length === 0) return;
  const index = policyIndex(ctx.snapshot);
  for (const p of index.invalid) {
    record(packet, LAYER, 'not-applicable', { code: 'CILIUM_EGW_POLICY_INVALID', data: { policy: p.name, detail: p.invalid! }, source: policyRef(p) });
  }
  // hostNetwork pods have no CiliumEndpoint, and policies select endpoints.
  if (ctx.pod.hostNetwork) return record(packet, LAYER, 'not-applicable', { code: 'CILIUM_EGW_HOST_NETWORK', data: {} });
  const selecting = index.selecting(ctx.pod);
  if (!selecting) return settleUnknown(packet, LAYER, { code: 'CILIUM_EGW_NAMESPACE_LABELS_UNKNOWN', data: { namespace: ctx.pod.namespace } });
  if (selecting.length === 0) return;
  if (!dp.config.enableEgressGateway) return record(packet, LAYER, 'not-applicable', { code: 'CILIUM_EGW_DISABLED', data: { policies: namesOf(selecting) }, source: dp.config.source });
  if (dp.config.agentRefuses) return settleUnknown(packet, LAYER, { code: 'CILIUM_AGENT_REFUSES_CONFIG', data: { detail: dp.config.agentRefuses }, source: dp.config.source });
  const nodeLabels = byName(dp.nodes).get(ctx.pod.nodeName ?? '')?.labels ?? ctx.node?.labels ?? {};
  const eligible = selecting.filter((p) => {
    const ok = p.nodeSelectors.length === 0 || p.nodeSelectors.some((s) => matchesSelector(nodeLabels, s));
    if (!ok) record(packet, LAYER, 'not-applicable', { code: 'CILIUM_EGW_NODE_NOT_SELECTED', data: { policy: p.name, node: ctx.pod.nodeName ?? '' }, source: policyRef(p) });
    return ok;
  });
  const range = ctx.destination.range;
  const inCluster = inClusterBlocks(ctx.snapshot).coverage(range);
  if (inCluster === 'all') return record(packet, LAYER, 'not-applicable', { code: 'CILIUM_EGW_DST_IN_CLUSTER', data: { policies: namesOf(selecting) } });
  if (inCluster === 'some') return settleUnknown(packet, LAYER, { code: 'CILIUM_EGW_RANGE_SPLIT', data: { by: 'in-cluster addresses' } });
  applyEntries(ctx, packet, dp, eligible, range);
}

/**
 * What the step reads of a packet, as a replay key (engine/replay.ts): the policies selecting the
 * pod (pods with the same ones share them), its node where a selecting policy has a node selector,
 * and the destination; hostNetwork pods all alike. None where the step stops at once anyway, or
 * where a multi-gateway policy picks the gateway by the pod's own endpoint UID.
 */
export function ciliumEgressGatewayKey(ctx: PacketContext, memo: StepMemo): number | undefined {
  const dp = ctx.snapshot.datapath.cilium;
  if (!dp || dp.egressPolicies.length === 0) return undefined;
  if (ctx.pod.hostNetwork) return pair(memo.idOf(HOST_NETWORK), memo.idOf(ANY_NODE));
  const selecting = policyIndex(ctx.snapshot).selecting(ctx.pod);
  if (!selecting || selecting.some((p) => p.multiGateway)) return undefined;
  const readsNode = selecting.some((p) => p.nodeSelectors.length > 0);
  if (readsNode && !ctx.node) return undefined;
  return pair(memo.idOf(selecting), memo.idOf(readsNode ? ctx.node! : ANY_NODE));
}

/** Stand for "whichever node" (pods whose policies select no nodes) and for hostNetwork pods in replay keys. */
const ANY_NODE = {};
const HOST_NETWORK = {};

function applyEntries(ctx: PacketContext, packet: Packet, dp: CiliumDatapath, eligible: CiliumEgressPolicy[], range: IpRange): void {
  const entries = eligible.flatMap((p) => entriesOf(p, range.family));
  const match = longestPrefixMatch(range, entries);
  const hitPolicies = new Set(match.kind === 'hit' ? [...match.winners, ...match.losers].map((e) => e.policy) : []);
  for (const p of eligible.filter((p) => !hitPolicies.has(p))) {
    record(packet, LAYER, 'not-applicable', { code: 'CILIUM_EGW_DST_NOT_IN_POLICY', data: { policy: p.name }, source: policyRef(p) });
  }
  if (match.kind === 'none') return;
  if (match.kind === 'split') return settleUnknown(packet, LAYER, { code: 'CILIUM_EGW_RANGE_SPLIT', data: { by: match.entries.map((e) => e.cidr.text).join(', ') } });
  const winner = match.winners[0]!;
  for (const loser of match.losers) {
    record(packet, LAYER, 'not-applicable', { code: 'CILIUM_EGW_LOST_TO_LONGER_PREFIX', data: { policy: loser.policy.name, cidr: loser.cidr.text, winner: winner.cidr.text, winnerPolicy: winner.policy.name }, source: policyRef(loser.policy) });
  }
  const outcomes = match.winners.map((e) => ({ entry: e, outcome: e.excluded ? undefined : resolveGateway(e.policy, ctx.pod, dp, range.family) }));
  const distinct = new Set(outcomes.map((o) => describe(o.entry, o.outcome)));
  const policies = match.winners.map((e) => e.policy.name).join(', ');
  if (distinct.size > 1) {
    return settleUnknown(packet, LAYER, { code: 'CILIUM_EGW_AMBIGUOUS_POLICIES', data: { policies, cidr: winner.cidr.text, candidates: [...distinct].join('; ') } });
  }
  if (match.winners.length > 1) addWarnings(packet, { code: 'CILIUM_EGW_AMBIGUOUS_POLICIES', data: { policies, cidr: winner.cidr.text, candidates: [...distinct].join('; ') } });
  const { outcome } = outcomes[0]!;
  if (!outcome) {
    const finding = { code: 'CILIUM_EGW_EXCLUDED_CIDR' as const, data: { policy: winner.policy.name, cidr: winner.cidr.text }, source: policyRef(winner.policy) };
    record(packet, LAYER, 'not-applicable', finding);
    addReasons(packet, finding);
    return;
  }
  applyOutcome(packet, outcome, winner);
}

function applyOutcome(packet: Packet, outcome: GatewayOutcome, winner: PolicyEntry): void {
  if (outcome.kind === 'unknown') return settleUnknown(packet, LAYER, outcome.finding);
  const finding = { ...outcome.finding, data: { ...outcome.finding.data, cidr: winner.cidr.text } };
  record(packet, LAYER, 'applied', finding);
  addReasons(packet, finding);
  if (outcome.kind === 'dropped') {
    Object.assign(packet, { sourceIP: null, identity: 'dropped', via: LAYER, settled: true });
    return;
  }
  addWarnings(packet, ...outcome.warnings);
  Object.assign(packet, { sourceIP: outcome.sourceIP, identity: 'egress-gateway', via: LAYER, gateway: { node: outcome.node, policy: winner.policy.name } });
  // An interface's address is not in the API: the answer stops at "through this gateway".
  if (outcome.sourceIP === null) packet.settled = true;
}

/** Cluster identities: pods, nodes (every address), the pod network (bpf/lib/identity.h); once per snapshot. */
const inClusterBlocks = perObject((snapshot: Snapshot): RangeSet => {
  const nodes = snapshot.datapath.cilium?.nodes ?? [];
  const addresses = addressRanges(nodes.flatMap((n) => [...n.internalIPs, ...n.externalIPs, ...n.ciliumInternalIPs]));
  return new RangeSet([...podAddresses(snapshot), ...addresses, ...cidrBlocks(nodes.flatMap((n) => n.podCIDRs))]);
});

function describe(entry: PolicyEntry, outcome: GatewayOutcome | undefined): string {
  if (!outcome) return 'excluded (normal masquerade)';
  if (outcome.kind === 'egress') return `${outcome.sourceIP ?? `an address of ${outcome.finding.data['interface']}`} via ${outcome.node}`;
  return `${outcome.kind} (${entry.policy.name})`;
}

/** An unknown decided here is the gateway's doing: `via` says so. */
function settleUnknown(packet: Packet, layer: string, finding: Parameters<typeof settle>[2]): void {
  packet.via = LAYER;
  settle(packet, layer, finding);
}

function namesOf(policies: readonly CiliumEgressPolicy[]): string {
  return policies.map((p) => p.name).join(', ');
}

function policyRef(p: CiliumEgressPolicy) {
  return { kind: 'CiliumEgressGatewayPolicy', name: p.name };
}
