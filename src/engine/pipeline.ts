/**
 * The ordered walk of one packet from the pod to the destination (design §4). The order is the
 * packet's own path; each step records one trace line per layer it looks at. A step with a key
 * runs once per key within a predict call and is replayed for the other packets (replay.ts).
 */
import type { Decision } from '../model/decision.ts';
import { newPacket, toDecision, type PacketContext } from './packet.ts';
import type { Replay, Step } from './replay.ts';
import { beyondNode } from './steps/beyond-node.ts';
import { egressGateway, egressGatewayReplay } from './steps/egress-gateway.ts';
import { nodeSnat, nodeSnatReplay } from './steps/node-snat.ts';
import { podNetwork } from './steps/pod-network.ts';

const STEPS: readonly { run: Step; replay?: Replay }[] = [
  // 1. The pod network comes first: it fixes the address every later layer rewrites (or not),
  //    and settles `unknown` early when the pod has no node or no IP yet.
  { run: podNetwork },
  // 2. Egress gateways (Cilium, Calico Enterprise): a matching policy reroutes the packet before
  //    node SNAT sees it — bpf/lib/nat.h checks the gateway map before the exclusion CIDR.
  { run: egressGateway, replay: egressGatewayReplay },
  // 3. Node SNAT: the nat POSTROUTING chains on the pod's node, composed in chain order.
  { run: nodeSnat, replay: nodeSnatReplay },
  // 4. Beyond the node: cloud 1:1 NAT or a NAT gateway acts on whatever left the node.
  { run: beyondNode },
];

export function runPipeline(ctx: PacketContext): Decision {
  const packet = newPacket(ctx.query);
  for (const step of STEPS) {
    if (packet.settled) break;
    if (ctx.memo && step.replay) ctx.memo.run(step.run, step.replay, ctx, packet);
    else step.run(ctx, packet);
  }
  return toDecision(ctx, packet);
}
