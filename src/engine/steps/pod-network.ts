/**
 * Step 1, the pod network: the address the packet starts with. hostNetwork pods share the node's
 * network namespace, so they start from the node's address (kubelet `generateAPIPodStatus`).
 */
import type { PodInfo } from '../../model/snapshot.ts';
import { familyOf, nodeInternalIP } from '../node-address.ts';
import { addReasons, record, settleUnknown, type Packet, type PacketContext } from '../packet.ts';

const LAYER = 'pod-network';

export function podNetwork(ctx: PacketContext, packet: Packet): void {
  const { pod, node, destination } = ctx;
  const family = destination.range.family;
  if (!pod.nodeName) return settleUnknown(packet, LAYER, { code: 'POD_NOT_SCHEDULED', data: { pod: pod.name } });
  if (!node) {
    const unreadable = ctx.snapshot.gaps.some((g) => g.resource === 'nodes' && g.reason === 'forbidden');
    return settleUnknown(packet, LAYER, { code: unreadable ? 'NODES_UNREADABLE' : 'NODE_NOT_FOUND', data: { node: pod.nodeName } });
  }
  const nodeRef = { kind: 'Node', name: node.name };
  if (pod.hostNetwork) {
    const nodeIP = nodeInternalIP(node, family);
    if (!nodeIP) return settleUnknown(packet, LAYER, { code: 'NODE_HAS_NO_INTERNAL_IP', data: { node: node.name, family: `IPv${family}` }, source: nodeRef });
    const finding = { code: 'HOST_NETWORK_NODE_IP' as const, data: { node: node.name, nodeIP }, source: nodeRef };
    record(packet, LAYER, 'applied', finding);
    Object.assign(packet, { sourceIP: nodeIP, identity: 'node-ip', via: 'host-network' });
    addReasons(packet, finding);
    return;
  }
  const podIP = pod.podIPs.find((ip) => familyOf(ip) === family);
  if (!podIP) {
    const code = pod.podIPs.length === 0 ? 'POD_HAS_NO_IP' : 'POD_HAS_NO_IP_OF_FAMILY';
    return settleUnknown(packet, LAYER, { code, data: { pod: pod.name, family: `IPv${family}` }, source: podRef(pod) });
  }
  // Every packet passes here: its trace line is built only when there is a trace.
  if (packet.trace) record(packet, LAYER, 'applied', { code: 'POD_IP', data: { podIP }, source: podRef(pod) });
  packet.sourceIP = podIP;
  packet.identity = 'pod-ip';
  packet.via = 'pod-network';
}

function podRef(pod: PodInfo) {
  return { kind: 'Pod', namespace: pod.namespace, name: pod.name };
}
