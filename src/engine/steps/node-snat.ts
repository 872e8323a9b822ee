/**
 * Step 3, node SNAT. Every active layer is a chain in nat POSTROUTING; RETURN hands the packet to
 * the next rule and the first MASQUERADE wins (snat-mechanisms.md §8). So the packet keeps the pod
 * IP only if every active layer exempts it, and any layer that masquerades makes it the node IP —
 * even when an earlier layer is unknown, since that layer could only masquerade it too.
 */
import type { SnatLayer } from '../../model/datapath.ts';
import type { NodeInfo } from '../../model/snapshot.ts';
import { coverage } from '../../config/ip.ts';
import { nodeInternalIP, nodeLocalRanges } from '../node-address.ts';
import { addWarnings, addReasons, record, settleUnknown, type Packet, type PacketContext } from '../packet.ts';
import { perObject } from '../memo.ts';
import type { Replay } from '../replay.ts';
import { isActiveOn } from '../scope.ts';
import { evaluateLayer, readsPod } from '../snat/index.ts';
import type { LayerVerdict } from '../snat/mechanism.ts';

const LAYER = 'node-snat';

export function nodeSnat(ctx: PacketContext, packet: Packet): void {
  const node = ctx.node!;
  if (ctx.pod.hostNetwork) {
    return record(packet, LAYER, 'not-applicable', { code: 'NODE_SNAT_NOT_APPLICABLE_HOST_NETWORK', data: {} });
  }
  if (packet.gateway) {
    return record(packet, LAYER, 'not-applicable', { code: 'NODE_SNAT_SKIPPED_BY_EGRESS_GATEWAY', data: { gatewayNode: packet.gateway.node } });
  }
  // Every agent's POSTROUTING jump carries `-m addrtype ! --dst-type LOCAL`.
  if (coverage(ctx.destination.range, nodeLocalRanges(node)) === 'all') {
    const finding = { code: 'DST_IS_NODE_ADDRESS' as const, data: { node: node.name }, source: { kind: 'Node', name: node.name } };
    record(packet, LAYER, 'exempt', finding);
    addReasons(packet, finding);
    return;
  }
  const results = evaluateLayers(ctx.snapshot.datapath.layers, node, ctx, packet);
  const verdicts = results.filter((r) => r.verdict.outcome !== 'not-applicable');
  const unknown = verdicts.filter((v) => v.verdict.outcome === 'unknown');
  const decisive = verdicts.findIndex((v) => v.verdict.outcome === 'masquerade');
  if (decisive >= 0 && !unknown.some((v) => v.verdict.opaque)) return masquerade(packet, node, verdicts, decisive, ctx.destination.range.family);
  if (unknown.length > 0) {
    addWarnings(packet, ...unknown.flatMap((v) => v.verdict.warnings ?? []));
    addReasons(packet, ...unknown.map((v) => v.verdict.finding));
    packet.via = unknown.map((v) => v.layer.mechanism).join('+');
    return settleUnknown(packet, LAYER, { code: 'SNAT_LAYER_UNKNOWN', data: { layers: unknown.map((v) => v.layer.mechanism).join(', ') } });
  }
  keepPodIP(packet, verdicts, results);
}

/**
 * Node SNAT reads the pod only through layers that read it (snat/mechanism.ts `readsPod`); where
 * none on the node does, the node's verdict for a destination holds for every pod on it.
 */
export const nodeSnatReplay: Replay = {
  podKey(ctx, memo) {
    if (ctx.pod.hostNetwork || !ctx.node || layersOnNode(ctx.snapshot.datapath.layers)(ctx.node).some(readsPod)) return undefined;
    return memo.idOf(ctx.node);
  },
  // A packet from the pod network that no gateway took; the step reads nothing else of it.
  when: (packet) => !packet.gateway && packet.identity === 'pod-ip',
};

interface LayerResult {
  layer: SnatLayer;
  verdict: LayerVerdict;
}

/** The layers active on each node, once per node: every packet from it asks. */
const layersOnNode = perObject((layers: readonly SnatLayer[]) => perObject((node: NodeInfo) => layers.filter((l) => isActiveOn(l.scope, node))));

function evaluateLayers(layers: readonly SnatLayer[], node: NodeInfo, ctx: PacketContext, packet: Packet): LayerResult[] {
  const onNode = layersOnNode(layers)(node);
  const results: LayerResult[] = [];
  for (const layer of layers) {
    if (!onNode.includes(layer)) {
      record(packet, layer.mechanism, 'not-applicable', { code: 'LAYER_NOT_ON_NODE', data: { node: node.name } });
      continue;
    }
    const verdict = evaluateLayer(layer, {
      node, pod: ctx.pod, sourceIP: packet.sourceIP ?? '', destination: ctx.destination, layersOnNode: onNode, snapshot: ctx.snapshot, query: ctx.query,
    });
    record(packet, layer.mechanism, verdict.outcome, verdict.finding);
    results.push({ layer, verdict });
  }
  return results;
}

function masquerade(packet: Packet, node: NodeInfo, verdicts: LayerResult[], decisive: number, family: 4 | 6): void {
  const { layer, verdict } = verdicts[decisive]!;
  const nodeIP = verdict.snatTo ?? nodeInternalIP(node, family);
  if (!nodeIP) {
    return settleUnknown(packet, LAYER, { code: 'NODE_HAS_NO_INTERNAL_IP', data: { node: node.name, family: `IPv${family}` }, source: { kind: 'Node', name: node.name } });
  }
  const earlierUnknown = verdicts.slice(0, decisive).filter((v) => v.verdict.outcome === 'unknown');
  if (earlierUnknown.length > 0) {
    addWarnings(packet, { code: 'UNKNOWN_LAYER_IRRELEVANT', data: { layers: earlierUnknown.map((v) => v.layer.mechanism).join(', ') } });
  }
  record(packet, LAYER, 'masquerade', { code: 'MASQUERADED_TO_NODE_IP', data: { nodeIP, layer: layer.mechanism } });
  Object.assign(packet, { sourceIP: nodeIP, identity: 'node-ip', via: layer.mechanism });
  addReasons(packet, { ...verdict.finding, data: { ...verdict.finding.data, nodeIP } });
  addWarnings(packet, ...(verdict.warnings ?? []));
}

/** With no layer in the packet's way, the reasons are why each one on the node stood aside. */
function keepPodIP(packet: Packet, verdicts: LayerResult[], onNode: LayerResult[]): void {
  if (verdicts.length === 0) {
    const finding = { code: 'NO_SNAT_LAYER_ON_NODE' as const, data: {} };
    record(packet, LAYER, 'exempt', finding);
    addReasons(packet, ...(onNode.length > 0 ? onNode.map((r) => r.verdict.finding) : [finding]));
    return;
  }
  record(packet, LAYER, 'exempt', { code: 'ALL_LAYERS_EXEMPT', data: { layers: verdicts.map((v) => v.layer.mechanism).join(', ') } });
  packet.via = verdicts.map((v) => v.layer.mechanism).join('+');
  addReasons(packet, ...verdicts.map((v) => v.verdict.finding));
  addWarnings(packet, ...verdicts.flatMap((v) => v.verdict.warnings ?? []));
}
