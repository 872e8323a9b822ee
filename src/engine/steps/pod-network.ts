/**
 * Step 1, the pod network: the address the packet starts with. hostNetwork pods share the node's
 * network namespace, so they start from the node's address (kubelet `generateAPIPodStatus`).
 */
import type { Family } from '../../model/net.ts';
import type { NodeInfo, PodInfo } from '../../model/snapshot.ts';
import type { EngineContext } from '../core/context.ts';
import { EffectBuilder, NONE, type Effect } from '../core/effect.ts';
import { familyOf, hiddenAddress, invalidNodeAddress, nodeInternalIP } from '../core/node-address.ts';
import { v4EgressLayerOn } from '../snat/aws-vpc-cni.ts';

const LAYER = 'pod-network';

/** The address a packet of the family starts with: it reads the destination only for its family. */
export function podNetwork(ctx: EngineContext, pod: PodInfo, node: NodeInfo | undefined, family: Family): Effect {
  if (!pod.nodeName)
    return new EffectBuilder(ctx.trace).unknown(LAYER, { code: 'POD_NOT_SCHEDULED', data: { pod: pod.name } }).build();
  if (!node) {
    const unreadable = ctx.snapshot.gaps.some((g) => g.resource === 'nodes' && g.reason === 'forbidden');
    return new EffectBuilder(ctx.trace)
      .unknown(LAYER, { code: unreadable ? 'NODES_UNREADABLE' : 'NODE_NOT_FOUND', data: { node: pod.nodeName } })
      .build();
  }
  if (pod.hostNetwork) {
    const nodeRef = { kind: 'Node', name: node.name };
    const invalid = invalidNodeAddress(node, 'InternalIP', family);
    if (invalid) return new EffectBuilder(ctx.trace).unknown(LAYER, invalid).build();
    const nodeIP = nodeInternalIP(node, family);
    if (!nodeIP)
      return new EffectBuilder(ctx.trace)
        .unknown(LAYER, {
          code: 'NODE_HAS_NO_INTERNAL_IP',
          data: { node: node.name, family: `IPv${family}` },
          source: nodeRef,
        })
        .build();
    const finding = { code: 'HOST_NETWORK_NODE_IP' as const, data: { node: node.name, nodeIP }, source: nodeRef };
    return new EffectBuilder(ctx.trace)
      .note(LAYER, 'applied', finding)
      .set({ sourceIP: nodeIP, identity: 'node-ip', via: 'host-network' })
      .reason(finding)
      .build();
  }
  const invalid = hiddenAddress(pod.invalidAddresses, 'podIP', family);
  if (invalid) {
    const data = { pod: pod.name, field: invalid.field, value: invalid.value, family: `IPv${family}` };
    return new EffectBuilder(ctx.trace)
      .unknown(LAYER, { code: 'POD_ADDRESS_INVALID', data, source: podRef(pod) })
      .build();
  }
  const podIP = addressOf(pod.podIPs, family);
  if (!podIP && family === 4 && addressOf(pod.podIPs, 6)) {
    // EKS IPv6: the egress-v4 plugin gives the pod an IPv4 address the API does not show; the VPC CNI's rule SNATs it.
    const layer = v4EgressLayerOn(ctx.snapshot.datapath.layers, node);
    if (layer) {
      const finding = { code: 'AWS_V4_EGRESS_INTERFACE' as const, data: { pod: pod.name }, source: layer.daemonSet };
      return new EffectBuilder(ctx.trace)
        .note(LAYER, 'applied', finding)
        .set({ sourceIP: null, identity: 'pod-ip', via: 'pod-network' })
        .reason(finding)
        .build();
    }
  }
  if (!podIP) {
    const code = pod.podIPs.length === 0 ? 'POD_HAS_NO_IP' : 'POD_HAS_NO_IP_OF_FAMILY';
    return new EffectBuilder(ctx.trace)
      .unknown(LAYER, { code, data: { pod: pod.name, family: `IPv${family}` }, source: podRef(pod) })
      .build();
  }
  // Every packet passes here: its effect is made in one piece, its trace line only when there is a trace.
  const trace = ctx.trace
    ? [{ layer: LAYER, outcome: 'applied' as const, code: 'POD_IP' as const, data: { podIP }, source: podRef(pod) }]
    : NONE;
  return { trace, reasons: NONE, warnings: NONE, sourceIP: podIP, identity: 'pod-ip', via: 'pod-network' };
}

/** The first address of the family; a loop, since every packet asks. */
function addressOf(addresses: readonly string[], family: 4 | 6): string | undefined {
  for (const ip of addresses) if (familyOf(ip) === family) return ip;
  return undefined;
}

function podRef(pod: PodInfo) {
  return { kind: 'Pod', namespace: pod.namespace, name: pod.name };
}
