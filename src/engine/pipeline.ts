/**
 * The ordered walk of one packet from the pod to the destination (design §4). The order is the
 * packet's own path. Each step returns its effect as a value and the walk applies it; a step that
 * settles the packet (unknown, dropped) ends the walk.
 */
import type { Decision, Destination } from '../model/decision.ts';
import type { NodeInfo, PodInfo } from '../model/snapshot.ts';
import type { EngineContext } from './core/context.ts';
import { applyEffect, newPacket, resetPacket, toDecision, type Step } from './core/packet.ts';
import { beyondNode } from './steps/beyond-node.ts';
import { egressGateway } from './steps/egress-gateway.ts';
import { nodeSnat } from './steps/node-snat.ts';
import { podNetwork } from './steps/pod-network.ts';

const AFTER_POD_NETWORK: readonly Step[] = [
  // 2. Egress gateways (Cilium, Calico Enterprise): a matching policy reroutes the packet before
  //    node SNAT sees it — bpf/lib/nat.h checks the gateway map before the exclusion CIDR.
  egressGateway,
  // 3. Node SNAT: the nat POSTROUTING chains on the pod's node, composed in chain order.
  nodeSnat,
  // 4. Beyond the node: cloud 1:1 NAT or a NAT gateway acts on whatever left the node.
  beyondNode,
];

/**
 * The decision for the pod on this node (where it runs, or where allowlist places it) and
 * destination. packet: the state to walk with, reset first (predict walks every packet in one).
 */
export function decidePacket(ctx: EngineContext, pod: PodInfo, node: NodeInfo | undefined, destination: Destination, packet = newPacket(ctx.trace)): Decision {
  resetPacket(packet, ctx.trace);
  // 1. The pod network comes first: it fixes the address every later layer rewrites (or not),
  //    and settles `unknown` when the pod has no node or no IP yet — so later steps have a node.
  applyEffect(packet, podNetwork(ctx, pod, node, destination));
  if (node) {
    for (const step of AFTER_POD_NETWORK) {
      if (packet.settled) break;
      applyEffect(packet, step(ctx, pod, node, destination, packet));
    }
  }
  return toDecision(pod, node, destination, packet);
}
