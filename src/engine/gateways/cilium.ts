/**
 * Cilium egress gateways (reference/cilium-egress.md §3): a valid policy that selects the
 * pod (identity labels, pooled node selectors) and whose longest-prefix entry covers the
 * destination sends the packet to its gateway, unless the destination is inside the cluster or
 * the entry is an excludedCIDR. Gateway traffic skips node SNAT.
 */
import type { CiliumEgressPolicy } from '../../model/cilium.ts';
import type { CiliumDatapath } from '../../model/datapath.ts';
import type { CiliumEgressGatewayLayer } from '../../model/layers/cilium.ts';
import type { Destination } from '../../model/decision.ts';
import type { Snapshot } from '../../model/snapshot.ts';
import { addressRanges, cidrBlocks, coverage, RangeSet } from '../../net/ip.ts';
import { podAddresses } from '../core/cluster-addresses.ts';
import { ciliumNodesByName } from '../core/cilium-nodes.ts';
import { derivation, type EngineContext } from '../core/context.ts';
import { EffectBuilder, type Effect } from '../core/effect.ts';
import { matchesSelector } from '../core/label-selector.ts';
import type { GatewayMechanism } from '../core/mechanism.ts';
import { resolveGateway, type GatewayOutcome } from './cilium-gateway.ts';
import { entriesOf, longestPrefixMatch, type PolicyEntry } from './cilium-match.ts';
import { policyIndex, type SelectionUnknown } from './cilium-policy-index.ts';
import type { CodesOf } from '../../model/reasons.ts';
import type { Findings } from '../core/mechanism.ts';
import { gapData } from '../../config/gaps.ts';

const LAYER = 'cilium-egress-gateway';
const NO_POLICIES: readonly CiliumEgressPolicy[] = [];

/** Everything of a pod the gateway's choice reads. */
export interface CiliumGatewayInput {
  hostNetwork: boolean;
  /** The valid policies selecting the pod (one shared array per distinct set), or why that is not known. */
  selection: readonly CiliumEgressPolicy[] | SelectionUnknown;
  /** The pod's node and its labels, only where a selecting policy selects nodes. */
  node: string | undefined;
  nodeLabels: Record<string, string> | undefined;
  /** The CiliumEndpoint UID, only where a selecting policy has several gateways (it picks one by it). */
  endpointUID: string | undefined;
  /** Rejected policies meant for the pod (shared arrays): its answers carry a warning where they would have applied. */
  rejected: readonly CiliumEgressPolicy[];
}

/** The sentence for each code this mechanism reports (render/messages.ts reads them through the registry). */
const FINDINGS = {
  CILIUM_EGW_DISABLED: (d) =>
    `egress gateway policies ${d['policies']} select the pod, but the egress gateway is disabled in cilium-config`,
  // reference/cilium-egress.md §3.1: onAddEgressPolicy returns before touching the policy it had.
  CILIUM_EGW_POLICY_INVALID: (d) =>
    `policy ${d['policy']} is ignored by Cilium: ${d['detail']} (the pods it was meant for leave with their usual address; had an earlier version of it been valid, the agent would keep that one)`,
  CILIUM_EGW_POLICY_REJECTED_FOR_POD: (d) =>
    `policy ${d['policy']} selects this pod and may cover this destination, but Cilium rejects it (${d['detail']}): the traffic does not go through its gateway`,
  CILIUM_EGW_HOST_NETWORK: () => 'hostNetwork pods have no Cilium endpoint, so no egress gateway policy applies',
  CILIUM_EGW_NODE_NOT_SELECTED: (d) =>
    `policy ${d['policy']} selects the pod but not its node ${d['node']} (selectors' nodeSelector)`,
  CILIUM_EGW_DST_NOT_IN_POLICY: (d) => `policy ${d['policy']} selects the pod but not this destination`,
  CILIUM_EGW_LOST_TO_LONGER_PREFIX: (d) =>
    `policy ${d['policy']} (${d['cidr']}) loses to the longer prefix ${d['winner']} of policy ${d['winnerPolicy']}`,
  CILIUM_EGW_EXCLUDED_CIDR: (d) =>
    `the destination is in excludedCIDR ${d['cidr']} of policy ${d['policy']}: normal masquerading applies`,
  CILIUM_EGW_DST_IN_CLUSTER: (d) =>
    `the destination is inside the cluster, which egress gateways never take (policies ${d['policies']})`,
  CILIUM_EGW_RANGE_SPLIT: (d) =>
    `egress gateway entries (${d['by']}) decide parts of the destination range differently; ask about a narrower --to`,
  CILIUM_EGW_AMBIGUOUS_POLICIES: (d) =>
    `policies ${d['policies']} both match ${d['cidr']} for this pod; Cilium keeps whichever it wrote last (${d['candidates']})`,
  CILIUM_EGW_NO_GATEWAY_NODE: (d) =>
    `no CiliumNode with an IPv4 node address matches the gateway nodeSelector of policy ${d['policy']}: Cilium drops the traffic`,
  CILIUM_EGW_EGRESS_IP: (d) =>
    `policy ${d['policy']} (${d['cidr']}) sends it through gateway node ${d['gatewayNode']}, which SNATs it to ${d['egressIP']}`,
  CILIUM_EGW_INTERFACE_IP_NOT_VISIBLE: (d) =>
    `policy ${d['policy']} sends it through gateway node ${d['gatewayNode']} with the address of interface ${d['interface']}, which the API does not show`,
  CILIUM_EGW_DEFAULT_ROUTE_ASSUMED: (d) =>
    `policy ${d['policy']} names neither egressIP nor interface: assumes the default-route interface of ${d['gatewayNode']} holds its InternalIP ${d['egressIP']}`,
  CILIUM_EGW_GATEWAY_BY_ENDPOINT_HASH: (d) =>
    `one of ${d['gateways']} gateways, chosen by the FNV-1a hash of CiliumEndpoint UID ${d['uid']}`,
  CILIUM_EGW_GATEWAY_SET: (d) =>
    `policy ${d['policy']} spreads pods over gateways (${d['candidates']}); which one depends on ${d['missing']}, which was not read`,
  CILIUM_EGW_IPV6_EGRESS_IP_UNKNOWN: (d) =>
    `egressIP ${d['egressIP']} is not ${d['family']}: Cilium 1.19 drops this traffic, 1.20 uses another address of the same device`,
  CILIUM_EGW_NAMESPACE_LABELS_UNKNOWN: (d) =>
    `a policy selects on namespace labels, but Namespace ${d['namespace']} was not read`,
  CILIUM_EGW_LABEL_FILTER_UNKNOWN: (d) => `which egress gateway policies select the pod is not known: ${d['detail']}`,
} satisfies Findings;

declare module '../../model/reasons.ts' {
  interface MechanismReasonCodes extends CodesOf<typeof FINDINGS> {}
}

export const ciliumEgressGateway: GatewayMechanism<CiliumEgressGatewayLayer, CiliumGatewayInput> = {
  id: 'cilium-egress-gateway',
  stage: 'egress-gateway',
  findings: FINDINGS,
  upstream: 'cilium/cilium pkg/egressgateway/policy.go, bpf/lib/egress_gateway.h',
  describe({ cilium: dp }) {
    // Without cilium-config, whether the feature is on is not known: never say "disabled" then.
    const feature = dp.unread?.config
      ? ' (feature setting unread)'
      : dp.config.enableEgressGateway
        ? ''
        : ' (feature disabled)';
    if (dp.unread?.policies) return `CiliumEgressGatewayPolicies unreadable${feature}`;
    const valid = dp.egressPolicies.filter((p) => !p.invalid).length;
    return `${valid} CiliumEgressGatewayPolic${valid === 1 ? 'y' : 'ies'}${feature}`;
  },
  input({ cilium: dp }, { ctx, pod, node }) {
    const selection = pod.hostNetwork ? NO_POLICIES : ctx.of(policyIndex, ctx.snapshot).selection(pod);
    const policies = 'code' in selection ? [] : selection;
    const readsNode = policies.some((p) => p.nodeSelectors.length > 0);
    const multiGateway = policies.some((p) => p.multiGateway);
    return {
      hostNetwork: pod.hostNetwork,
      selection,
      node: readsNode ? node.name : undefined,
      nodeLabels: readsNode ? (ctx.of(ciliumNodesByName, dp).get(node.name)?.labels ?? node.labels) : undefined,
      endpointUID: multiGateway ? dp.endpointUIDs[`${pod.namespace}/${pod.name}`] : undefined,
      rejected: dp.config.enableEgressGateway ? ctx.of(policyIndex, ctx.snapshot).rejected(pod) : NO_POLICIES,
    };
  },
  decide({ cilium: dp }, input, destination, ctx) {
    const effect = new EffectBuilder(ctx.trace);
    for (const p of ctx.of(policyIndex, ctx.snapshot).invalid) {
      effect.note(LAYER, 'not-applicable', {
        code: 'CILIUM_EGW_POLICY_INVALID',
        data: { policy: p.name, detail: p.invalid! },
        source: policyRef(p),
      });
    }
    warnRejected(effect, input.rejected, destination);
    // hostNetwork pods have no CiliumEndpoint, and policies select endpoints.
    if (input.hostNetwork)
      return effect.note(LAYER, 'not-applicable', { code: 'CILIUM_EGW_HOST_NETWORK', data: {} }).build();
    const unread = dp.unread ?? {};
    // Policies that could not be read may select any pod, for any destination outside the cluster,
    // wherever the gateway is on or may be (cilium-config unread too).
    if (unread.policies && (unread.config || dp.config.enableEgressGateway)) {
      return unknownOutsideCluster(effect, ctx, destination, 'unread', {
        code: 'CILIUM_EGW_POLICIES_UNREADABLE',
        data: { ...gapData(unread.policies), gateway: unread.config ? 'unknown' : 'enabled' },
      });
    }
    const selecting = input.selection;
    if ('code' in selecting) {
      return selecting.code === 'CILIUM_EGW_LABEL_FILTER_UNKNOWN'
        ? unknown(effect, { code: selecting.code, data: { detail: selecting.detail }, source: dp.config.source })
        : unknown(effect, { code: selecting.code, data: { namespace: selecting.namespace } });
    }
    if (selecting.length === 0) return effect.build();
    // Policies select the pod, but whether the gateway is on is in the unread cilium-config.
    if (unread.config)
      return unknownOutsideCluster(effect, ctx, destination, namesOf(selecting), {
        code: 'CILIUM_CONFIG_UNREADABLE',
        data: gapData(unread.config),
        source: dp.config.source,
      });
    if (!dp.config.enableEgressGateway)
      return effect
        .note(LAYER, 'not-applicable', {
          code: 'CILIUM_EGW_DISABLED',
          data: { policies: namesOf(selecting) },
          source: dp.config.source,
        })
        .build();
    if (dp.config.agentRefuses)
      return unknown(effect, {
        code: 'CILIUM_AGENT_REFUSES_CONFIG',
        data: { detail: dp.config.agentRefuses },
        source: dp.config.source,
      });
    const eligible = selecting.filter((p) => {
      const ok =
        p.nodeSelectors.length === 0 || p.nodeSelectors.some((s) => matchesSelector(input.nodeLabels ?? {}, s));
      if (!ok)
        effect.note(LAYER, 'not-applicable', {
          code: 'CILIUM_EGW_NODE_NOT_SELECTED',
          data: { policy: p.name, node: input.node ?? '' },
          source: policyRef(p),
        });
      return ok;
    });
    const inCluster = ctx.of(inClusterBlocks, ctx.snapshot).coverage(destination.range);
    if (inCluster === 'all')
      return effect
        .note(LAYER, 'not-applicable', { code: 'CILIUM_EGW_DST_IN_CLUSTER', data: { policies: namesOf(selecting) } })
        .build();
    if (inCluster === 'some')
      return unknown(effect, { code: 'CILIUM_EGW_RANGE_SPLIT', data: { by: 'in-cluster addresses' } });
    return applyEntries(effect, ctx, dp, eligible, input, destination).build();
  },
};

/**
 * A rejected policy meant for the pod and covering the destination: the agent installed nothing
 * (reference/cilium-egress.md §3.1), so the usual path stands, which its author did not expect.
 */
function warnRejected(effect: EffectBuilder, rejected: readonly CiliumEgressPolicy[], destination: Destination): void {
  for (const p of rejected) {
    const meant = p.intended!.destinationCIDRs;
    if (meant && coverage(destination.range, cidrBlocks(meant)) === 'none') continue;
    effect.warn({
      code: 'CILIUM_EGW_POLICY_REJECTED_FOR_POD',
      data: { policy: p.name, detail: p.invalid! },
      source: policyRef(p),
    });
  }
}

function applyEntries(
  effect: EffectBuilder,
  ctx: EngineContext,
  dp: CiliumDatapath,
  eligible: readonly CiliumEgressPolicy[],
  input: CiliumGatewayInput,
  destination: Destination,
): EffectBuilder {
  const range = destination.range;
  const entries = eligible.flatMap((p) => entriesOf(p, range.family));
  const match = longestPrefixMatch(range, entries);
  const hitPolicies = new Set(match.kind === 'hit' ? [...match.winners, ...match.losers].map((e) => e.policy) : []);
  for (const p of eligible.filter((p) => !hitPolicies.has(p))) {
    effect.note(LAYER, 'not-applicable', {
      code: 'CILIUM_EGW_DST_NOT_IN_POLICY',
      data: { policy: p.name },
      source: policyRef(p),
    });
  }
  if (match.kind === 'none') return effect;
  if (match.kind === 'split')
    return unknownIn(effect, {
      code: 'CILIUM_EGW_RANGE_SPLIT',
      data: { by: match.entries.map((e) => e.cidr.text).join(', ') },
    });
  const winner = match.winners[0]!;
  // The gateway node, and its address, are chosen among CiliumNodes by their labels.
  if (dp.unread?.nodes && match.winners.some((e) => !e.excluded))
    return unknownIn(effect, { code: 'CILIUM_NODES_UNREADABLE', data: gapData(dp.unread.nodes) });
  for (const loser of match.losers) {
    effect.note(LAYER, 'not-applicable', {
      code: 'CILIUM_EGW_LOST_TO_LONGER_PREFIX',
      data: {
        policy: loser.policy.name,
        cidr: loser.cidr.text,
        winner: winner.cidr.text,
        winnerPolicy: winner.policy.name,
      },
      source: policyRef(loser.policy),
    });
  }
  const outcomes = match.winners.map((e) => ({
    entry: e,
    outcome: e.excluded ? undefined : resolveGateway(ctx, e.policy, input.endpointUID, dp, range.family),
  }));
  const distinct = new Set(outcomes.map((o) => describe(o.entry, o.outcome)));
  const policies = match.winners.map((e) => e.policy.name).join(', ');
  const ambiguous = {
    code: 'CILIUM_EGW_AMBIGUOUS_POLICIES' as const,
    data: { policies, cidr: winner.cidr.text, candidates: [...distinct].join('; ') },
  };
  if (distinct.size > 1) return unknownIn(effect, ambiguous);
  if (match.winners.length > 1) effect.warn(ambiguous);
  const { outcome } = outcomes[0]!;
  if (!outcome) {
    const finding = {
      code: 'CILIUM_EGW_EXCLUDED_CIDR' as const,
      data: { policy: winner.policy.name, cidr: winner.cidr.text },
      source: policyRef(winner.policy),
    };
    return effect.note(LAYER, 'not-applicable', finding).reason(finding);
  }
  return applyOutcome(effect, outcome, winner);
}

function applyOutcome(effect: EffectBuilder, outcome: GatewayOutcome, winner: PolicyEntry): EffectBuilder {
  if (outcome.kind === 'unknown') return unknownIn(effect, outcome.finding);
  const finding = { ...outcome.finding, data: { ...outcome.finding.data, cidr: winner.cidr.text } };
  effect.note(LAYER, 'applied', finding).reason(finding);
  if (outcome.kind === 'dropped') return effect.set({ sourceIP: null, identity: 'dropped', via: LAYER, settled: true });
  effect.warn(...outcome.warnings);
  effect.set({
    sourceIP: outcome.sourceIP,
    identity: 'egress-gateway',
    via: LAYER,
    gateway: { node: outcome.node, policy: winner.policy.name },
  });
  // An interface's address is not in the API: the answer stops at "through this gateway".
  return outcome.sourceIP === null ? effect.set({ settled: true }) : effect;
}

/** Gateways never take in-cluster destinations; for any other, an input that was not read leaves the answer unknown. */
function unknownOutsideCluster(
  effect: EffectBuilder,
  ctx: EngineContext,
  destination: Destination,
  policies: string,
  finding: Parameters<EffectBuilder['unknown']>[1],
): Effect {
  if (ctx.of(inClusterBlocks, ctx.snapshot).coverage(destination.range) === 'all') {
    return effect.note(LAYER, 'not-applicable', { code: 'CILIUM_EGW_DST_IN_CLUSTER', data: { policies } }).build();
  }
  return unknown(effect, finding);
}

/** Cluster identities: pods, nodes (every address), the pod network (bpf/lib/identity.h); once per call. */
const inClusterBlocks = derivation((snapshot: Snapshot, ctx): RangeSet => {
  const nodes = snapshot.datapath.cilium?.nodes ?? [];
  const addresses = addressRanges(nodes.flatMap((n) => [...n.internalIPs, ...n.externalIPs, ...n.ciliumInternalIPs]));
  return new RangeSet([
    ...ctx.of(podAddresses, snapshot).blocks(),
    ...addresses,
    ...cidrBlocks(nodes.flatMap((n) => n.podCIDRs)),
  ]);
});

function describe(entry: PolicyEntry, outcome: GatewayOutcome | undefined): string {
  if (!outcome) return 'excluded (normal masquerade)';
  if (outcome.kind === 'egress')
    return `${outcome.sourceIP ?? `an address of ${outcome.finding.data['interface']}`} via ${outcome.node}`;
  return `${outcome.kind} (${entry.policy.name})`;
}

/** An unknown decided here is the gateway's doing: `via` says so. */
function unknownIn(effect: EffectBuilder, finding: Parameters<EffectBuilder['unknown']>[1]): EffectBuilder {
  return effect.set({ via: LAYER }).unknown(LAYER, finding);
}

function unknown(effect: EffectBuilder, finding: Parameters<EffectBuilder['unknown']>[1]): Effect {
  return unknownIn(effect, finding).build();
}

function namesOf(policies: readonly CiliumEgressPolicy[]): string {
  return policies.map((p) => p.name).join(', ');
}

function policyRef(p: CiliumEgressPolicy) {
  return { kind: 'CiliumEgressGatewayPolicy', name: p.name };
}
