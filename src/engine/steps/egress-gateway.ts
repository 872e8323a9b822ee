/**
 * Step 2, egress gateways: Cilium's CiliumEgressGatewayPolicy and Calico Enterprise's annotations.
 * A cluster runs one CNI, so at most one of them finds anything to do.
 */
import { calicoEgressGateway } from '../gateways/calico.ts';
import { ciliumEgressGateway } from '../gateways/cilium.ts';
import type { Packet, PacketContext } from '../packet.ts';

export function egressGateway(ctx: PacketContext, packet: Packet): void {
  ciliumEgressGateway(ctx, packet);
  if (!packet.settled && !packet.gateway) calicoEgressGateway(ctx, packet);
}
