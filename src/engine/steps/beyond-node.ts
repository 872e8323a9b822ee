/**
 * Step 4, beyond the node (design §4), for public destinations only. A cloud's 1:1 NAT maps only a
 * node's primary address to its ExternalIP, so node-IP packets leave with the ExternalIP; pod-IP
 * packets, and nodes without one, leave through a NAT whose address the cluster does not show.
 */
import { familyOf, nodeExternalIP, nodeInternalIP } from '../node-address.ts';
import { coverage } from '../../config/ip.ts';
import { nonPublicCoverage } from '../address-space.ts';
import { inClusterRanges } from '../cluster-addresses.ts';
import { byName, perObject } from '../memo.ts';
import type { Finding } from '../../model/reasons.ts';
import type { NodeInfo } from '../../model/snapshot.ts';
import { addWarnings, addReasons, record, settleUnknown, type Packet, type PacketContext } from '../packet.ts';

const LAYER = 'beyond-node';

/** One finding per node, shared by the decisions of all its pods (each public destination has one). */
const noNatAssumed = perObject((node: NodeInfo): Finding => ({ code: 'NO_NAT_ASSUMED_OFF_CLOUD', data: { node: node.name }, source: { kind: 'Node', name: node.name } }));

export function beyondNode(ctx: PacketContext, packet: Packet): void {
  // Gateway traffic leaves the cluster from the gateway node, not the pod's.
  const node = (packet.gateway && byName(ctx.snapshot.nodes).get(packet.gateway.node)) || ctx.node!;
  const nodeRef = { kind: 'Node', name: node.name };
  const covered = nonPublicCoverage(ctx.destination.range);
  if (covered === 'all') return record(packet, LAYER, 'not-applicable', { code: 'DST_NOT_PUBLIC', data: {} });
  if (coverage(ctx.destination.range, inClusterRanges(ctx.snapshot)) === 'all') {
    return record(packet, LAYER, 'not-applicable', { code: 'DST_IN_CLUSTER', data: {} });
  }
  if (covered === 'some') return settleUnknown(packet, LAYER, { code: 'DST_RANGE_MIXED_PUBLIC', data: {} });
  if (!node.cloud) {
    const finding = noNatAssumed(node);
    record(packet, LAYER, 'applied', finding);
    addWarnings(packet, finding);
    return;
  }
  const family = ctx.destination.range.family;
  const externalIP = nodeExternalIP(node, family);
  const primary = nodeInternalIP(node, family);
  if (externalIP && packet.sourceIP !== null && packet.sourceIP === primary && packet.identity !== 'pod-ip') {
    const finding = { code: 'NODE_EXTERNAL_IP' as const, data: { cloud: node.cloud, externalIP, internalIP: packet.sourceIP ?? '' }, source: nodeRef };
    record(packet, LAYER, 'applied', finding);
    addReasons(packet, finding);
    packet.sourceIP = externalIP;
    return;
  }
  const natIP = ctx.query.natIP;
  const data = { cloud: node.cloud, from: packet.identity, hasExternalIP: externalIP ? 'true' : 'false' };
  if (natIP && familyOf(natIP) === family) {
    const finding = { code: 'NAT_IP_GIVEN' as const, data: { ...data, natIP } };
    record(packet, LAYER, 'applied', finding);
    addReasons(packet, finding);
    Object.assign(packet, { sourceIP: natIP, identity: 'nat' });
    return;
  }
  settleUnknown(packet, LAYER, { code: 'NAT_IP_UNKNOWN', data: { ...data, missing: '--nat-ip' }, source: nodeRef });
}
