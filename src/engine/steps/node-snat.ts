/**
 * Step 3, node SNAT. Every active layer is a chain in nat POSTROUTING; RETURN hands the packet to
 * the next rule and the first MASQUERADE wins (snat-mechanisms.md §8). So the packet keeps the pod
 * IP only if every active layer exempts it, and any layer that masquerades makes it the node IP —
 * even when an earlier layer is unknown, since that layer could only masquerade it too.
 */
import type { SnatLayer } from '../../model/datapath.ts';
import type { NodeInfo } from '../../model/snapshot.ts';
import { coverage } from '../../net/ip.ts';
import { derivation, tableKind, type EngineContext } from '../core/context.ts';
import { Table2 } from '../core/keyed.ts';
import { EffectBuilder, type Effect } from '../core/effect.ts';
import type { LayerRule, LayerVerdict, NodeFacts, PodFacts } from '../core/mechanism.ts';
import { snatRule } from '../registry/mechanisms.ts';
import { invalidNodeAddress, nodeInternalIP, nodeLocalRanges } from '../core/node-address.ts';
import type { PacketState } from '../core/packet.ts';
import type { Destination } from '../../model/decision.ts';
import type { Finding } from '../../model/reasons.ts';
import { isActiveOn } from '../core/scope.ts';

const LAYER = 'node-snat';

/** The verdict for packets that carry a node address already, and for those behind each gateway node. */
const HOST_NETWORK = tableKind(() => new Map<string, Effect>());
const BEHIND_GATEWAY = tableKind(() => new Map<string, Effect>());
/** Verdicts of nodes whose every chain decides from node facts: by node and destination. */
const BY_NODE = tableKind(() => new Table2<NodeInfo, Destination, Effect>());

/** The pod and the address its packet carries: what a pod-level rule reads beyond the node's facts. */
export type FromPod = Pick<PodFacts, 'pod' | 'sourceIP'>;

/** A node's side of node SNAT: its chains, and its verdicts by destination where no chain reads the pod. */
export interface SnatRoute {
  node: NodeInfo;
  chains: Chains;
  byNode: Map<Destination, Effect> | undefined;
}

/** Once per node: every pod on it shares it. */
export const snatRoute = derivation((node: NodeInfo, ctx): SnatRoute => {
  const chains = ctx.of(chainsOnNode, node);
  return { node, chains, byNode: chains.readsPod ? undefined : ctx.table(BY_NODE).row(node) };
});

/**
 * Node SNAT for a packet that left the pod network. fromPod: given exactly where a chain on the node
 * reads the pod (route.byNode is undefined); without it the verdict holds for every pod there, once
 * per node and destination.
 */
export function nodeSnat(
  ctx: EngineContext,
  route: SnatRoute,
  destination: Destination,
  hostNetwork: boolean,
  gateway: PacketState['gateway'],
  fromPod: FromPod | undefined,
): Effect {
  if (hostNetwork)
    return (
      ctx.table(HOST_NETWORK).get('') ??
      put(ctx.table(HOST_NETWORK), '', skipped(ctx, { code: 'NODE_SNAT_NOT_APPLICABLE_HOST_NETWORK', data: {} }))
    );
  if (gateway) {
    const behind = ctx.table(BEHIND_GATEWAY);
    return (
      behind.get(gateway.node) ??
      put(
        behind,
        gateway.node,
        skipped(ctx, { code: 'NODE_SNAT_SKIPPED_BY_EGRESS_GATEWAY', data: { gatewayNode: gateway.node } }),
      )
    );
  }
  const { node, chains, byNode } = route;
  if (byNode) {
    let verdict = byNode.get(destination);
    if (!verdict)
      byNode.set(
        destination,
        (verdict = snatEffect({ ctx, node, destination, layersOnNode: chains.active }, chains, undefined)),
      );
    return verdict;
  }
  return snatEffect({ ctx, node, destination, layersOnNode: chains.active }, chains, fromPod);
}

function skipped(ctx: EngineContext, finding: Finding): Effect {
  return new EffectBuilder(ctx.trace).note(LAYER, 'not-applicable', finding).build();
}

function put(table: Map<string, Effect>, key: string, effect: Effect): Effect {
  table.set(key, effect);
  return effect;
}

interface Chains {
  /** Every layer of the datapath, with its rule where it is active on the node. */
  all: readonly { layer: SnatLayer; rule: LayerRule | undefined }[];
  active: readonly SnatLayer[];
  readsPod: boolean;
}

const chainsOnNode = derivation((node: NodeInfo, ctx): Chains => {
  const all = ctx.snapshot.datapath.layers.map((layer) => ({
    layer,
    rule: isActiveOn(layer.scope, node) ? snatRule(layer) : undefined,
  }));
  const active = all.filter((c) => c.rule).map((c) => c.layer);
  return { all, active, readsPod: all.some((c) => c.rule?.reads === 'pod') };
});

interface LayerResult {
  layer: SnatLayer;
  verdict: LayerVerdict;
}

function snatEffect(facts: NodeFacts, chains: Chains, fromPod: FromPod | undefined): Effect {
  const { ctx, node, destination } = facts;
  const effect = new EffectBuilder(ctx.trace);
  // Every agent's POSTROUTING jump carries `-m addrtype ! --dst-type LOCAL`.
  if (coverage(destination.range, ctx.of(nodeLocalRanges, node)) === 'all') {
    const finding = {
      code: 'DST_IS_NODE_ADDRESS' as const,
      data: { node: node.name },
      source: { kind: 'Node', name: node.name },
    };
    return effect.note(LAYER, 'exempt', finding).reason(finding).build();
  }
  const results: LayerResult[] = [];
  for (const { layer, rule } of chains.all) {
    if (!rule) {
      effect.note(layer.mechanism, 'not-applicable', { code: 'LAYER_NOT_ON_NODE', data: { node: node.name } });
      continue;
    }
    const verdict = rule.reads === 'node' ? rule.verdict(facts) : rule.verdict({ ...facts, ...podFacts(fromPod) });
    effect.note(layer.mechanism, verdict.outcome, verdict.finding);
    results.push({ layer, verdict });
  }
  return combine(effect, node, results, destination.range.family).build();
}

function podFacts(fromPod: FromPod | undefined): FromPod {
  // chainsReadPod says a pod-level rule is on the node exactly when the pipeline passes the pod.
  if (!fromPod) throw new Error('internal: a pod-level SNAT rule was evaluated without its pod');
  return fromPod;
}

function combine(effect: EffectBuilder, node: NodeInfo, results: readonly LayerResult[], family: 4 | 6): EffectBuilder {
  const verdicts = results.filter((r) => r.verdict.outcome !== 'not-applicable');
  const unknown = verdicts.filter((v) => v.verdict.outcome === 'unknown');
  const decisive = verdicts.findIndex((v) => v.verdict.outcome === 'masquerade');
  if (decisive >= 0 && !unknown.some((v) => v.verdict.opaque))
    return masquerade(effect, node, verdicts, decisive, family);
  if (unknown.length > 0) {
    effect.warn(...unknown.flatMap((v) => v.verdict.warnings ?? []));
    effect.reason(...unknown.map((v) => v.verdict.finding));
    effect.set({ via: unknown.map((v) => v.layer.mechanism).join('+') });
    return effect.unknown(LAYER, {
      code: 'SNAT_LAYER_UNKNOWN',
      data: { layers: unknown.map((v) => v.layer.mechanism).join(', ') },
    });
  }
  return keepPodIP(effect, verdicts, results);
}

function masquerade(
  effect: EffectBuilder,
  node: NodeInfo,
  verdicts: readonly LayerResult[],
  decisive: number,
  family: 4 | 6,
): EffectBuilder {
  const { layer, verdict } = verdicts[decisive]!;
  const invalid = verdict.snatTo ? undefined : invalidNodeAddress(node, 'InternalIP', family);
  // The layer's own verdict stands; only the address it masquerades to is unknown.
  if (invalid)
    return effect
      .set({ via: layer.mechanism })
      .reason(verdict.finding)
      .warn(...(verdict.warnings ?? []))
      .unknown(LAYER, invalid);
  const nodeIP = verdict.snatTo ?? nodeInternalIP(node, family);
  if (!nodeIP) {
    return effect.unknown(LAYER, {
      code: 'NODE_HAS_NO_INTERNAL_IP',
      data: { node: node.name, family: `IPv${family}` },
      source: { kind: 'Node', name: node.name },
    });
  }
  const earlierUnknown = verdicts.slice(0, decisive).filter((v) => v.verdict.outcome === 'unknown');
  if (earlierUnknown.length > 0) {
    effect.warn({
      code: 'UNKNOWN_LAYER_IRRELEVANT',
      data: { layers: earlierUnknown.map((v) => v.layer.mechanism).join(', ') },
    });
  }
  return effect
    .note(LAYER, 'masquerade', { code: 'MASQUERADED_TO_NODE_IP', data: { nodeIP, layer: layer.mechanism } })
    .set({ sourceIP: nodeIP, identity: 'node-ip', via: layer.mechanism })
    .reason({ ...verdict.finding, data: { ...verdict.finding.data, nodeIP } })
    .warn(...(verdict.warnings ?? []));
}

/** With no layer in the packet's way, the reasons are why each one on the node stood aside. */
function keepPodIP(
  effect: EffectBuilder,
  verdicts: readonly LayerResult[],
  onNode: readonly LayerResult[],
): EffectBuilder {
  if (verdicts.length === 0) {
    const finding = { code: 'NO_SNAT_LAYER_ON_NODE' as const, data: {} };
    return effect
      .note(LAYER, 'exempt', finding)
      .reason(...(onNode.length > 0 ? onNode.map((r) => r.verdict.finding) : [finding]));
  }
  return effect
    .note(LAYER, 'exempt', {
      code: 'ALL_LAYERS_EXEMPT',
      data: { layers: verdicts.map((v) => v.layer.mechanism).join(', ') },
    })
    .set({ via: verdicts.map((v) => v.layer.mechanism).join('+') })
    .reason(...verdicts.map((v) => v.verdict.finding))
    .warn(...verdicts.flatMap((v) => v.verdict.warnings ?? []));
}
