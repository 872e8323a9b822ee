/** Sentences for the AWS, Azure, Calico, flannel, GKE EgressNATPolicy and kubenet codes. */
import type { ReasonCode } from '../model/reasons.ts';

type Data = Record<string, string>;
type Code = Extract<ReasonCode, `${'AWS' | 'CALICO' | 'FLANNEL' | 'BRIDGE' | 'GKE_EGRESS' | 'GKE_CLUSTER' | 'AZURE' | 'KUBENET' | 'DATAPATH_OVERRIDDEN'}${string}`>;

export const DATAPATH_MESSAGES: Record<Code, (d: Data) => string> = {
  AWS_NO_IPV6_SNAT: () => 'the VPC CNI does not translate IPv6 addresses',
  AWS_EXTERNAL_SNAT: () => 'AWS_VPC_K8S_CNI_EXTERNALSNAT is true: the VPC CNI writes no SNAT rule, the pod IP leaves the node',
  AWS_BRANCH_ENI_STRICT: () => 'the pod has its own branch ENI (security groups for pods, strict mode): it leaves through vlan+, which the SNAT rule skips',
  AWS_DST_IN_EXCLUDE_SNAT_CIDRS: (d) => `the destination is in AWS_VPC_K8S_CNI_EXCLUDE_SNAT_CIDRS (${d['cidrs']})`,
  AWS_DST_IN_VPC: (d) => `the destination is inside the VPC (${d['cidrs']}): not SNATed`,
  AWS_DST_IN_VPC_INFERRED: () => 'the destination is a node or pod address of the cluster, so it is inside the VPC: not SNATed',
  AWS_SNAT_TO_PRIMARY_IP: () => 'the destination is outside the VPC: SNATed to the node\'s primary ENI address',
  AWS_VPC_ASSUMED_PRIVATE: () => 'assumes the VPC uses no public ranges (the cluster does not show its CIDRs); pass --vpc-cidr to be sure',
  AWS_VPC_CIDRS_UNKNOWN: () => 'whether the destination is inside the VPC decides it, and the VPC CIDRs are not visible in the cluster; pass --vpc-cidr',
  CALICO_POD_IP_NOT_IN_POOL: (d) => `the pod IP ${d['podIP']} is in no Calico IP pool, so natOutgoing does not apply (policy-only Calico)`,
  CALICO_POOLS_UNKNOWN: () => 'calico-node runs but no IPPool was read, so which pods Calico NATs is unknown',
  CALICO_POOL_NAT_OUTGOING_OFF: (d) => `the pod's IP pool ${d['pool']} has natOutgoing false`,
  CALICO_DST_IN_IP_POOL: () => 'the destination is inside a Calico IP pool (disabled pools count too): not NATed',
  CALICO_DST_HOST_IP_EXCLUDED: () => 'the destination is a node address and natOutgoingExclusions is IPPoolsAndHostIPs: not NATed',
  CALICO_NAT_OUTGOING: (d) => d['natOutgoingAddress']
    ? `pool ${d['pool']} has natOutgoing: SNATed to FelixConfiguration natOutgoingAddress ${d['natOutgoingAddress']}`
    : `pool ${d['pool']} has natOutgoing and the destination is outside every pool (host IPs included): masqueraded`,
  CALICO_EGW_DISABLED: (d) => `egress gateway annotations (selector ${d['selector'] ?? d['egressGatewayPolicy']}) have no effect: FelixConfiguration egressIPSupport is Disabled`,
  CALICO_EGW_DST_IN_CLUSTER: () => 'the destination is inside a Calico IP pool: not sent to an egress gateway',
  CALICO_EGW_POLICY_NOT_FOUND: (d) => `EgressGatewayPolicy ${d['policy']} named by the annotation was not read`,
  CALICO_EGW_RULE_NO_GATEWAY: (d) => `EgressGatewayPolicy ${d['policy']} rule ${d['cidr']} names no gateway: normal routing`,
  CALICO_EGW_NO_GATEWAY_PODS: (d) => `no egress gateway pod matching ${d['selector']} was read (read the gateways' namespace, e.g. with -A)`,
  CALICO_EGW_GATEWAY: (d) => `Calico egress gateway ${d['gateways']} (selector ${d['selector']}) carries the traffic: the destination sees ${d['sourceIP']}`,
  CALICO_EGW_GATEWAY_SET: (d) => `traffic is spread over several egress gateways (${d['candidates']}); any of them may be seen`,
  CALICO_SELECTOR_UNSUPPORTED: (d) => `the Calico selector ${d['selector']} uses syntax this tool does not evaluate`,
  FLANNEL_DST_IN_NETWORK: (d) => `the destination is inside the flannel network ${d['network']}`,
  FLANNEL_DST_MULTICAST: () => 'multicast destinations are not masqueraded',
  FLANNEL_IP_MASQ: (d) => `flannel --ip-masq masquerades everything outside its network ${d['network']} (there is no RFC 1918 exemption)`,
  FLANNEL_SOURCE_OUTSIDE_NETWORK: (d) => `the source is outside the flannel network ${d['network']}, which flannel's rules match`,
  FLANNEL_NETWORK_UNKNOWN: () => 'the flannel network (net-conf.json in kube-flannel-cfg) could not be read',
  BRIDGE_DST_IN_NODE_SUBNET: () => 'the destination is in the node\'s own pod subnet',
  BRIDGE_IP_MASQ: () => 'the CNI bridge plugin (ipMasq) masquerades everything outside the node\'s own pod subnet',
  GKE_EGRESS_NAT_POLICY_NO_SNAT: (d) => `an EgressNATPolicy (${d['policies']}) lists the destination as NoSNAT (${d['cidr']})`,
  GKE_CLUSTER_RANGE_NO_SNAT: (d) => `the destination is in the cluster's own ranges (${d['cidr']}), which GKE never SNATs`,
  GKE_EGRESS_NAT_POLICY_SNAT: (d) => `no EgressNATPolicy (${d['policies']}) exempts the destination: SNATed to the node IP`,
  GKE_EGRESS_NAT_POLICY_OTHER_ACTION: (d) => `EgressNATPolicy ${d['policy']} has action ${d['action']} (Google Distributed Cloud's kind of the same name), which is not modelled`,
  AZURE_AGENT_CONFIG_MERGED: (d) => `azure-ip-masq-agent merges ${d['files']}`,
  KUBENET_ASSUMED: (d) => `no CNI was recognised and the kubelets are older than 1.24: assuming kubenet with --non-masquerade-cidr ${d['cidr']}`,
  DATAPATH_OVERRIDDEN: (d) => `the datapath was given with --datapath ${d['datapath']} instead of detected`,
};
