/**
 * Amazon VPC CNI (aws/amazon-vpc-cni-k8s pkg/networkutils/network.go `buildIptablesSNATRules`):
 * AWS-SNAT-CHAIN-0 RETURNs for every VPC CIDR and AWS_VPC_K8S_CNI_EXCLUDE_SNAT_CIDRS entry, then
 * `! -o vlan+ -m addrtype ! --dst-type LOCAL -j SNAT --to-source <primary ENI IP>`. No chain with
 * EXTERNALSNAT=true or in IPv6 clusters; branch-ENI pods leave through vlan+ (reference §4). In IPv6
 * clusters the egress-v4 plugin SNATs IPv6 pods' IPv4 traffic to the node's primary IPv4.
 */
import type { AwsVpcCniLayer } from '../../model/layers/aws-vpc-cni.ts';
import { cidrBlocks, coverage } from '../../net/ip.ts';
import { clusterAddresses } from '../core/cluster-addresses.ts';
import { nonPublicCoverage } from '../core/address-space.ts';
import { byPod, type LayerVerdict, type PodFacts, type SnatMechanism } from '../core/mechanism.ts';
import { awsVpcCniDetection } from '../../config/aws-vpc-cni.ts';
import type { SnatLayer } from '../../model/datapath.ts';
import type { NodeInfo } from '../../model/snapshot.ts';
import { isActiveOn } from '../core/scope.ts';
import type { CodesOf } from '../../model/reasons.ts';
import type { Findings, NodeFacts } from '../core/mechanism.ts';
import { isAutoModeNode } from '../../config/eks-auto-mode.ts';

/** The pod annotation the VPC resource controller sets on security-groups-for-pods pods. */
const BRANCH_ENI_ANNOTATION = 'vpc.amazonaws.com/pod-eni';

/** The sentence for each code this mechanism reports (render/messages.ts reads them through the registry). */
const FINDINGS = {
  AWS_NO_IPV6_SNAT: () => 'the VPC CNI does not translate IPv6 addresses',
  AWS_EXTERNAL_SNAT: () =>
    'AWS_VPC_K8S_CNI_EXTERNALSNAT is true: the VPC CNI writes no SNAT rule, the pod IP leaves the node',
  AWS_BRANCH_ENI_STRICT: () =>
    'the pod has its own branch ENI (security groups for pods, strict mode): it leaves through vlan+, which the SNAT rule skips',
  AWS_DST_IN_EXCLUDE_SNAT_CIDRS: (d) => `the destination is in AWS_VPC_K8S_CNI_EXCLUDE_SNAT_CIDRS (${d['cidrs']})`,
  AWS_DST_IN_VPC: (d) => `the destination is inside the VPC (${d['cidrs']}): not SNATed`,
  AWS_DST_IN_VPC_INFERRED: () =>
    'the destination is a node or pod address of the cluster, so it is inside the VPC: not SNATed',
  AWS_SNAT_TO_PRIMARY_IP: () => "the destination is outside the VPC: SNATed to the node's primary ENI address",
  AWS_VPC_ASSUMED_PRIVATE: () =>
    'assumes the VPC uses no public ranges (the cluster does not show its CIDRs); pass --vpc-cidr to be sure',
  AWS_VPC_CIDRS_UNKNOWN: () =>
    'whether the destination is inside the VPC decides it, and the VPC CIDRs are not visible in the cluster; pass --vpc-cidr',
  AWS_V4_EGRESS_INTERFACE: () =>
    'IPv6 cluster (ENABLE_V4_EGRESS): the pod reaches IPv4 through its egress-v4 interface, an address from 169.254.172.0/22 that the API does not show',
  AWS_V4_EGRESS_SNAT_TO_NODE_IPV4: () =>
    "the egress-v4 plugin SNATs the pod's IPv4 traffic (169.254.172.0/22) to the node's primary IPv4 address, VPC destinations included",
  AWS_V4_EGRESS_MULTICAST: () =>
    "the egress-v4 chain ACCEPTs multicast (224.0.0.0/4) without SNAT: it leaves with the pod's 169.254.172.0/22 address, which the API does not show",
  AWS_V4_EGRESS_DISABLED: () => 'ENABLE_V4_EGRESS is false: IPv6 pods get no IPv4 interface',
  AWS_V4_EGRESS_NOT_VISIBLE: () =>
    'ENABLE_V4_EGRESS is set through valueFrom, so whether IPv6 pods have an IPv4 interface is not known',
  AWS_V4_EGRESS_BRANCH_ENI: () =>
    'the pod has its own branch ENI (security groups for pods) in an IPv6 cluster; how its IPv4 egress leaves is not modelled',
  AWS_NODE_NOT_ON_AUTO_MODE_NODE: (d) =>
    `aws-node does not run on EKS Auto Mode node ${d['node']} (its affinity excludes eks.amazonaws.com/compute-type=auto): Auto Mode's own networking decides there`,
} satisfies Findings;

declare module '../../model/reasons.ts' {
  interface MechanismReasonCodes extends CodesOf<typeof FINDINGS> {}
}

export const awsVpcCni: SnatMechanism<AwsVpcCniLayer> = {
  id: 'aws-vpc-cni',
  upstream: 'aws/amazon-vpc-cni-k8s pkg/networkutils/network.go',
  describe: (layer) => `aws-vpc-cni (${layer.externalSNAT ? 'external SNAT' : 'SNAT to the primary ENI'})`,
  stage: 'node-snat',
  findings: FINDINGS,
  detection: awsVpcCniDetection,
  // Branch-ENI pods are told apart by their annotation.
  rule: (layer) =>
    byPod((packet) => {
      const source = layer.daemonSet;
      const say = (
        outcome: LayerVerdict['outcome'],
        code: LayerVerdict['finding']['code'],
        data: Record<string, string> = {},
      ): LayerVerdict => ({ outcome, finding: { code, data, source } });
      // charts/aws-vpc-cni/values.yaml: the DaemonSet's nodeAffinity has compute-type NotIn [fargate, hybrid, auto].
      if (isAutoModeNode(packet.node))
        return say('not-applicable', 'AWS_NODE_NOT_ON_AUTO_MODE_NODE', { node: packet.node.name });
      if (packet.destination.range.family === 6) return say('not-applicable', 'AWS_NO_IPV6_SNAT');
      if (layer.ipv6) return v4EgressVerdict(layer, packet, say);
      if (layer.externalSNAT) return say('not-applicable', 'AWS_EXTERNAL_SNAT');
      if (packet.pod.annotations[BRANCH_ENI_ANNOTATION] && layer.podSecurityGroupMode === 'strict')
        return say('not-applicable', 'AWS_BRANCH_ENI_STRICT');
      const range = packet.destination.range;
      const excluded = coverage(range, cidrBlocks(layer.excludeSnatCIDRs));
      if (excluded === 'all')
        return say('exempt', 'AWS_DST_IN_EXCLUDE_SNAT_CIDRS', { cidrs: layer.excludeSnatCIDRs.join(', ') });
      return vpcVerdict(packet, say, excluded === 'some');
    }),
};

/** IPv4 multicast, which the egress-v4 chain ACCEPTs before its SNAT rule. */
const MULTICAST_V4 = cidrBlocks(['224.0.0.0/4']);

/**
 * IPv4 from an IPv6 pod: cmd/egress-cni-plugin/snat/snat.go `iptRules` writes, per pod,
 * `POSTROUTING -s <169.254.172.x> -j <chain>`, then in the chain `-d 224.0.0.0/4 -j ACCEPT` and
 * `-j SNAT --to-source <node IP>`, the node IP being IMDS `local-ipv4` (cmd/aws-vpc-cni/main.go
 * `getPrimaryIP(true)`). No VPC exemption: every other IPv4 destination gets the node's address.
 */
function v4EgressVerdict(
  layer: AwsVpcCniLayer,
  packet: PodFacts,
  say: (o: LayerVerdict['outcome'], c: LayerVerdict['finding']['code'], d?: Record<string, string>) => LayerVerdict,
): LayerVerdict {
  if (!layer.v4Egress) return say('not-applicable', 'AWS_V4_EGRESS_DISABLED');
  // Opaque: whether the packet exists at all is unknown, so no other layer's masquerade decides it.
  if (layer.v4Egress === 'not-visible')
    return { ...say('unknown', 'AWS_V4_EGRESS_NOT_VISIBLE', { missing: 'ENABLE_V4_EGRESS' }), opaque: true };
  if (packet.pod.annotations[BRANCH_ENI_ANNOTATION]) return say('unknown', 'AWS_V4_EGRESS_BRANCH_ENI');
  const multicast = coverage(packet.destination.range, MULTICAST_V4);
  if (multicast === 'all') return say('unknown', 'AWS_V4_EGRESS_MULTICAST');
  if (multicast === 'some') return say('unknown', 'DST_RANGE_PARTIALLY_EXEMPT', { cidrs: '224.0.0.0/4' });
  return say('masquerade', 'AWS_V4_EGRESS_SNAT_TO_NODE_IPV4');
}

/** The VPC CNI layer that gives IPv6 pods on the node an egress-v4 interface, if one is active there. */
export function v4EgressLayerOn(layers: readonly SnatLayer[], node: NodeInfo): AwsVpcCniLayer | undefined {
  if (isAutoModeNode(node)) return undefined;
  for (const l of layers)
    if (l.mechanism === 'aws-vpc-cni' && l.ipv6 && l.v4Egress !== false && isActiveOn(l.scope, node)) return l;
  return undefined;
}

/**
 * Inside the VPC or not, for the VPC CNI's SNAT rule and EKS Auto Mode's `snatPolicy: Random`: the
 * VPC CIDRs from --vpc-cidr, else inferred from the cluster's own addresses (reference §4.3).
 */
export function vpcVerdict(
  packet: NodeFacts,
  say: (o: LayerVerdict['outcome'], c: LayerVerdict['finding']['code'], d?: Record<string, string>) => LayerVerdict,
  partlyExcluded: boolean,
): LayerVerdict {
  const range = packet.destination.range;
  const vpc = packet.ctx.query.vpcCIDRs;
  if (vpc?.length) {
    const inVpc = coverage(range, cidrBlocks(vpc));
    if (inVpc === 'all') return say('exempt', 'AWS_DST_IN_VPC', { cidrs: vpc.join(', ') });
    if (inVpc === 'some' || partlyExcluded)
      return say('unknown', 'DST_RANGE_PARTIALLY_EXEMPT', { cidrs: vpc.join(', ') });
    return say('masquerade', 'AWS_SNAT_TO_PRIMARY_IP');
  }
  // Without --vpc-cidr: node and pod addresses are VPC addresses; a public destination is assumed outside.
  const known = packet.ctx.of(clusterAddresses, packet.ctx.snapshot);
  if (coverage(range, known) === 'all') return say('exempt', 'AWS_DST_IN_VPC_INFERRED');
  if (nonPublicCoverage(range) === 'none' && !partlyExcluded) {
    return {
      ...say('masquerade', 'AWS_SNAT_TO_PRIMARY_IP'),
      warnings: [{ code: 'AWS_VPC_ASSUMED_PRIVATE', data: { missing: '--vpc-cidr' } }],
    };
  }
  return say('unknown', 'AWS_VPC_CIDRS_UNKNOWN', { missing: '--vpc-cidr' });
}
