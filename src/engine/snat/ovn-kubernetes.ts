/**
 * OVN-Kubernetes default SNAT: each node's gateway router SNATs the cluster subnet to its external
 * address (go-controller/pkg/ovn/gateway.go, "Default SNAT rules": BuildSNATWithMatch(externalIP,
 * clusterSubnet) unless disable-snat-multiple-gws or the pod network is advertised by BGP). Pod to
 * pod traffic stays in ovn_cluster_router and is not SNATed; traffic to the pod's own node enters
 * the host through the management port (the core rule for node addresses covers it). The external
 * address is the node's primary interface address (k8s.ovn.org/node-primary-ifaddr), which is
 * what the gateway router's l3-gateway-config carries in shared gateway mode.
 */
import type { OvnKubernetesLayer } from '../../model/layers/ovn-kubernetes.ts';
import { ovnKubernetesDetection } from '../../config/ovn-kubernetes.ts';
import type { CodesOf } from '../../model/reasons.ts';
import { byNode, type Findings, type SnatMechanism } from '../core/mechanism.ts';
import { cidrBlocks } from '../../net/ip.ts';
import { aggregate } from '../../net/aggregate.ts';
import { derivation } from '../core/context.ts';
import { evaluateExemptions, exemptBlocks, type ExemptBlock } from './exemption-list.ts';

/**
 * The nodes' subnets merged into the fewest blocks (a cluster network of /23 node subnets reads as
 * its /14): the same addresses, which every finding names, and a short list to check against.
 */
function merged(layer: OvnKubernetesLayer): string[] {
  return aggregate(cidrBlocks(layer.clusterSubnets));
}

const clusterBlocks = derivation((layer: OvnKubernetesLayer): ExemptBlock[] =>
  exemptBlocks(merged(layer), 'OVN_DST_IN_CLUSTER_SUBNET'),
);

/** The sentence for each code this mechanism reports (render/messages.ts reads them through the registry). */
const FINDINGS = {
  OVN_DST_IN_CLUSTER_SUBNET: (d) =>
    `the destination is in the OVN-Kubernetes cluster subnet (${d['cidr']}): routed pod to pod, not SNATed`,
  OVN_GATEWAY_ROUTER_SNAT: (d) =>
    `the destination is outside the cluster subnet (${d['cidrs']}): the node's OVN gateway router SNATs it to the node's primary address`,
  OVN_NODE_SUBNETS_UNKNOWN: () =>
    'no node shows its OVN-Kubernetes subnet (annotation k8s.ovn.org/node-subnets): which destinations are pods, and so not SNATed, is unknown',
} satisfies Findings;

declare module '../../model/reasons.ts' {
  interface MechanismReasonCodes extends CodesOf<typeof FINDINGS> {}
}

export const ovnKubernetes: SnatMechanism<OvnKubernetesLayer> = {
  id: 'ovn-kubernetes',
  upstream:
    'ovn-org/ovn-kubernetes go-controller/pkg/ovn/gateway.go (default SNAT rules), pkg/util/node_annotations.go',
  describe: (layer) => `ovn-kubernetes (${merged(layer).join(', ') || 'node subnets unknown'})`,
  stage: 'node-snat',
  findings: FINDINGS,
  detection: ovnKubernetesDetection,
  rule: (layer) =>
    byNode(({ ctx, node, destination }) => {
      if (layer.clusterSubnets.length === 0)
        return { outcome: 'unknown', finding: { code: 'OVN_NODE_SUBNETS_UNKNOWN', data: {}, source: layer.source } };
      const verdict = evaluateExemptions(
        destination.range,
        ctx.of(clusterBlocks, layer),
        { exempt: 'OVN_DST_IN_CLUSTER_SUBNET', masquerade: 'OVN_GATEWAY_ROUTER_SNAT' },
        {},
        layer.source,
      );
      // The gateway router's address; without the annotation, the node's InternalIP (the core default).
      const primary = layer.nodes[node.name]?.primaryIPs[destination.range.family];
      return verdict.outcome === 'masquerade' && primary ? { ...verdict, snatTo: primary } : verdict;
    }),
};
