/**
 * Step 4, beyond the node (design §4), for public destinations only. A cloud's 1:1 NAT maps only a
 * node's primary address to its ExternalIP, so node-IP packets leave with the ExternalIP; pod-IP
 * packets, and nodes without one, leave through a NAT whose address the cluster does not show.
 */
import type { Destination, Identity } from '../../model/decision.ts';
import type { NodeInfo } from '../../model/snapshot.ts';
import { cidr, coverage } from '../../net/ip.ts';
import { nonPublicCoverage } from '../core/address-space.ts';
import { inClusterRanges } from '../core/cluster-addresses.ts';
import { derivation, tableKind, type EngineContext } from '../core/context.ts';
import { Table3 } from '../core/keyed.ts';
import { EffectBuilder, type Effect } from '../core/effect.ts';
import { familyOf, invalidNodeAddress, nodeExternalIP, nodeInternalIP } from '../core/node-address.ts';
import type { PacketState } from '../core/packet.ts';

const LAYER = 'beyond-node';
/** The well-known NAT64 prefix (RFC 6052), which AWS routes to a NAT gateway (DNS64). */
const NAT64 = [cidr('64:ff9b::/96')];
/** By the node the packet leaves from, the destination, and what the packet is so far. */
const LEAVING = tableKind(() => new Table3<NodeInfo, Destination, string, Effect>());

/** What this step reads: the node the packet leaves from, the destination, and what the packet is so far. */
interface Leaving {
  node: NodeInfo;
  destination: Destination;
  from: Identity;
  /** The packet carries the node's primary (InternalIP) address, the one cloud 1:1 NAT maps. */
  fromPrimary: boolean;
}

/**
 * What leaves the pod's node for the destination. packet.sourceIP is read only once a layer has set
 * it (not for a pod-IP packet, whose address 1:1 NAT never maps), so it may stand for the pod's.
 */
export function beyondNode(
  ctx: EngineContext,
  podNode: NodeInfo,
  destination: Destination,
  packet: PacketState,
): Effect {
  const inside = ctx.of(staysInside, destination);
  if (inside) return inside;
  // Gateway traffic leaves the cluster from the gateway node, not the pod's.
  const node = (packet.gateway && ctx.node(packet.gateway.node)) || podNode;
  const from = packet.identity;
  const fromPrimary =
    from !== 'pod-ip' && packet.sourceIP !== null && packet.sourceIP === nodeInternalIP(node, destination.range.family);
  const key = fromPrimary ? PRIMARY[from] : from;
  const leaving = ctx.table(LEAVING);
  return (
    leaving.find(node, destination, key) ??
    leaving.put(node, destination, key, leave(ctx, { node, destination, from, fromPrimary }))
  );
}

/** The identity with a mark for "carries the node's primary address": one string key, made once. */
const PRIMARY: Record<Identity, string> = {
  'pod-ip': 'pod-ip*',
  'node-ip': 'node-ip*',
  'egress-gateway': 'egress-gateway*',
  'egress-ip': 'egress-ip*',
  nat: 'nat*',
  dropped: 'dropped*',
  denied: 'denied*',
  unknown: 'unknown*',
};

/** What the destination alone decides: no NAT beyond the node for a private or in-cluster one; undefined: it depends on the node. */
const staysInside = derivation((destination: Destination, ctx): Effect | undefined => {
  const effect = new EffectBuilder(ctx.trace);
  const covered = nonPublicCoverage(destination.range);
  if (covered === 'all') return effect.note(LAYER, 'not-applicable', { code: 'DST_NOT_PUBLIC', data: {} }).build();
  if (coverage(destination.range, ctx.of(inClusterRanges, ctx.snapshot)) === 'all') {
    return effect.note(LAYER, 'not-applicable', { code: 'DST_IN_CLUSTER', data: {} }).build();
  }
  if (covered === 'some') return effect.unknown(LAYER, { code: 'DST_RANGE_MIXED_PUBLIC', data: {} }).build();
  return undefined;
});

function leave(ctx: EngineContext, { node, destination, from, fromPrimary }: Leaving): Effect {
  const effect = new EffectBuilder(ctx.trace);
  const nodeRef = { kind: 'Node', name: node.name };
  if (!node.cloud) {
    const finding = { code: 'NO_NAT_ASSUMED_OFF_CLOUD' as const, data: { node: node.name }, source: nodeRef };
    return effect.note(LAYER, 'applied', finding).warn(finding).build();
  }
  const family = destination.range.family;
  // AWS translates no IPv6 address: "IPv6 addresses are not network translated" (EKS user guide,
  // external-snat.html); they leave through the internet or egress-only internet gateway as they
  // are. Only the NAT64 prefix goes to a NAT gateway, whose address the cluster does not show.
  if (node.cloud === 'aws' && family === 6 && coverage(destination.range, NAT64) === 'none') {
    const finding = { code: 'AWS_IPV6_NOT_TRANSLATED' as const, data: { node: node.name }, source: nodeRef };
    return effect.note(LAYER, 'applied', finding).reason(finding).build();
  }
  const externalIP = nodeExternalIP(node, family);
  // An invalid ExternalIP before any valid one of the family could be the one 1:1 NAT maps.
  const invalid = fromPrimary ? invalidNodeAddress(node, 'ExternalIP', family) : undefined;
  if (invalid) return effect.unknown(LAYER, invalid).build();
  const primary = nodeInternalIP(node, family);
  if (externalIP && fromPrimary) {
    const finding = {
      code: 'NODE_EXTERNAL_IP' as const,
      data: { cloud: node.cloud, externalIP, internalIP: primary ?? '' },
      source: nodeRef,
    };
    return effect.note(LAYER, 'applied', finding).reason(finding).set({ sourceIP: externalIP }).build();
  }
  const natIP = ctx.query.natIP;
  const data = { cloud: node.cloud, from, hasExternalIP: externalIP ? 'true' : 'false' };
  if (natIP && familyOf(natIP) === family) {
    const finding = { code: 'NAT_IP_GIVEN' as const, data: { ...data, natIP } };
    return effect.note(LAYER, 'applied', finding).reason(finding).set({ sourceIP: natIP, identity: 'nat' }).build();
  }
  // A NAT translates within a family: an IPv4 --nat-ip says nothing about IPv6 traffic, or the reverse.
  if (natIP)
    return effect
      .unknown(LAYER, {
        code: 'NAT_IP_OTHER_FAMILY',
        data: { ...data, natIP, family: `IPv${family}`, missing: `--nat-ip of IPv${family}` },
        source: nodeRef,
      })
      .build();
  return effect
    .unknown(LAYER, { code: 'NAT_IP_UNKNOWN', data: { ...data, missing: '--nat-ip' }, source: nodeRef })
    .build();
}
