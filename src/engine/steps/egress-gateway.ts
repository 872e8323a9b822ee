/**
 * Step 2, egress gateways: Cilium's CiliumEgressGatewayPolicy and Calico Enterprise's annotations.
 * A cluster runs one CNI, so at most one of them finds anything to do.
 */
import { calicoEgressGateway } from '../gateways/calico.ts';
import { ciliumEgressGateway, ciliumEgressGatewayKey } from '../gateways/cilium.ts';
import type { Packet, PacketContext } from '../packet.ts';
import type { Replay } from '../replay.ts';

export function egressGateway(ctx: PacketContext, packet: Packet): void {
  ciliumEgressGateway(ctx, packet);
  if (!packet.settled && !packet.gateway) calicoEgressGateway(ctx, packet);
}

/** Cilium's result is shared by pods with the same policies; Calico's reads each pod's annotations. */
export const egressGatewayReplay: Replay = {
  podKey(ctx, memo) {
    if (ctx.snapshot.datapath.layers.some((l) => l.mechanism === 'calico')) return undefined;
    return ciliumEgressGatewayKey(ctx, memo);
  },
};
