/**
 * The ordered walk of one packet from the pod to the destination (design §4). The order is the
 * packet's own path; each step returns its effect as a value and the walk applies it, and a step
 * that settles the packet (unknown, dropped) ends the walk.
 * What every packet of a pod shares (its route) is worked out once per pod.
 */
import type { Decision, Destination } from '../model/decision.ts';
import type { NodeInfo, PodInfo } from '../model/snapshot.ts';
import type { EngineContext } from './core/context.ts';
import { EffectBuilder, type Effect } from './core/effect.ts';
import { applyEffect, newPacket, resetPacket, toDecision, type Packet } from './core/packet.ts';
import { beyondNode } from './steps/beyond-node.ts';
import { egressGateway, gatewayRoute, type GatewayRoute } from './steps/egress-gateway.ts';
import { podSubjects, type PodSubjects } from './policy/subject.ts';
import { egressPolicy } from './steps/egress-policy.ts';
import { nodeSnat, snatRoute, type SnatRoute } from './steps/node-snat.ts';
import { podNetwork } from './steps/pod-network.ts';
import { serviceDestination } from './steps/service-destination.ts';

/** What every packet of one pod on its node shares. */
export interface Route {
  pod: PodInfo;
  node: NodeInfo;
  gateways: GatewayRoute;
  snat: SnatRoute;
  /** The pod network's effect by address family, worked out for the first destination of each. */
  podNetwork: { 4?: Effect; 6?: Effect };
  /** What of the pod the egress policy verdict reads. */
  policy: PodSubjects;
}

export function routeOf(ctx: EngineContext, pod: PodInfo, node: NodeInfo): Route {
  return {
    pod,
    node,
    gateways: gatewayRoute(ctx, pod, node),
    snat: ctx.of(snatRoute, node),
    podNetwork: {},
    policy: podSubjects(ctx, pod),
  };
}

/**
 * The decision for the pod on this node (where it runs, or where allowlist places it) and
 * destination. packet: the state to walk with, reset first (predict walks every packet in one).
 */
export function decidePacket(
  ctx: EngineContext,
  pod: PodInfo,
  node: NodeInfo | undefined,
  destination: Destination,
  packet = newPacket(ctx.trace),
): Decision {
  return decideOnRoute(ctx, pod, node && routeOf(ctx, pod, node), destination, packet);
}

export function decideOnRoute(
  ctx: EngineContext,
  pod: PodInfo,
  route: Route | undefined,
  destination: Destination,
  packet: Packet,
): Decision {
  resetPacket(packet, ctx.trace);
  // 1. The pod network comes first: it fixes the address every later layer rewrites (or not),
  //    and settles `unknown` when the pod has no node or no IP yet — so later steps have a node.
  const family = destination.range.family;
  applyEffect(
    packet,
    route
      ? (route.podNetwork[family] ??= podNetwork(ctx, pod, route.node, family))
      : podNetwork(ctx, pod, undefined, family),
  );
  // 1a. A Service's virtual IP is translated to an endpoint before policy and SNAT see the packet
  //     (kube-proxy's DNAT, Cilium's socket load balancer): its answer is the endpoint's, unknown here.
  if (!packet.settled) applyEffect(packet, serviceDestination(ctx, destination));
  // 1b. Egress policy, on every walk (each decision carries its verdict): the datapath applies it
  //     at the source pod to the pod's own address, before a gateway or SNAT rewrites anything —
  //     Cilium's bpf_lxc egress policy, iptables FORWARD filtering before nat POSTROUTING. A denied
  //     packet never leaves, whatever else is known about it, so `denied` settles it.
  applyEffect(packet, egressPolicy(ctx, pod, destination, route?.policy));
  if (route) afterPodNetwork(ctx, route, destination, packet);
  return toDecision(pod, route?.node, destination, packet, ctx.addressList);
}

function afterPodNetwork(ctx: EngineContext, route: Route, destination: Destination, packet: Packet): void {
  const { pod, node } = route;
  if (packet.settled) return;
  // 2. Egress gateways (Cilium, Calico Enterprise): a matching policy reroutes the packet before
  //    node SNAT sees it — bpf/lib/nat.h checks the gateway map before the exclusion CIDR.
  applyEffect(packet, egressGateway(ctx, route.gateways, destination));
  if (packet.settled) return;
  // 3. Node SNAT: the nat POSTROUTING chains on the pod's node, composed in chain order; the pod
  //    and its address are handed over only where a chain there reads them.
  const fromPod = route.snat.byNode ? undefined : { pod, sourceIP: packet.sourceIP ?? '' };
  applyEffect(packet, nodeSnat(ctx, route.snat, destination, pod.hostNetwork, packet.gateway, fromPod));
  if (packet.settled) return;
  // A pod address the API does not show (EKS IPv6 pods' egress-v4 address) that no layer rewrote.
  if (packet.identity === 'pod-ip' && packet.sourceIP === null) {
    applyEffect(
      packet,
      new EffectBuilder(ctx.trace).unknown('node-snat', { code: 'POD_SOURCE_ADDRESS_NOT_VISIBLE', data: {} }).build(),
    );
    return;
  }
  // 4. Beyond the node: cloud 1:1 NAT or a NAT gateway acts on whatever left the node.
  applyEffect(packet, beyondNode(ctx, node, destination, packet));
}
