/**
 * The ordered walk of one packet from the pod to the destination (design §4). The order is the
 * packet's own path; each step records one trace line per layer it looks at.
 */
import type { Decision } from '../model/decision.ts';
import { newPacket, toDecision, type Packet, type PacketContext } from './packet.ts';
import { beyondNode } from './steps/beyond-node.ts';
import { egressGateway } from './steps/egress-gateway.ts';
import { nodeSnat } from './steps/node-snat.ts';
import { podNetwork } from './steps/pod-network.ts';

type Step = (ctx: PacketContext, packet: Packet) => void;

const STEPS: readonly Step[] = [
  // 1. The pod network comes first: it fixes the address every later layer rewrites (or not),
  //    and settles `unknown` early when the pod has no node or no IP yet.
  podNetwork,
  // 2. Egress gateways (Cilium, Calico Enterprise): a matching policy reroutes the packet before
  //    node SNAT sees it — bpf/lib/nat.h checks the gateway map before the exclusion CIDR.
  egressGateway,
  // 3. Node SNAT: the nat POSTROUTING chains on the pod's node, composed in chain order.
  nodeSnat,
  // 4. Beyond the node: cloud 1:1 NAT or a NAT gateway acts on whatever left the node.
  beyondNode,
];

export function runPipeline(ctx: PacketContext): Decision {
  const packet = newPacket(ctx.query);
  for (const step of STEPS) {
    if (packet.settled) break;
    step(ctx, packet);
  }
  return toDecision(ctx, packet);
}
