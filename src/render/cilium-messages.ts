/** Sentences for the Cilium reason codes (render/messages.ts merges them). */
import type { ReasonCode } from '../model/reasons.ts';

type Data = Record<string, string>;
type CiliumCode = Extract<ReasonCode, `CILIUM_${string}`>;

export const CILIUM_MESSAGES: Record<CiliumCode, (d: Data) => string> = {
  CILIUM_AGENT_REFUSES_CONFIG: (d) => `the Cilium agent refuses this cilium-config (${d['detail']}) and does not start, so its datapath is unknown`,
  CILIUM_MASQUERADE_DISABLED: (d) => `Cilium does not masquerade ${d['family']} (enable-${d['family']?.toLowerCase()}-masquerade is false)`,
  CILIUM_DST_LOCAL_POD: () => 'the destination is a pod on the same node: delivered locally, never masqueraded',
  CILIUM_DST_REMOTE_POD_TUNNEL: () => 'the destination is a pod on another node, reached through the tunnel, where no masquerading runs',
  CILIUM_DST_IN_EXCLUSION_CIDR: (d) => `the destination is in Cilium's SNAT exclusion CIDR (native-routing CIDR, or the node's pod CIDR) (${d['routingMode']} routing)`,
  CILIUM_NATIVE_ROUTING_CIDR_AUTODETECTED: (d) => `Cilium autodetects its native-routing CIDR from the VPC with ipam ${d['ipam']}, which the cluster does not show; pass --vpc-cidr`,
  CILIUM_DST_REMOTE_NODE_NATIVE: () => 'the destination is another node (remote-node identity): not masqueraded in native routing',
  CILIUM_DST_REMOTE_NODE_TUNNEL: () => 'the destination is another node (remote-node identity): masqueraded in tunnel mode (Cilium #12624)',
  CILIUM_REMOTE_NODE_MASQUERADE: () => 'the destination is another node and enable-remote-node-masquerade is on: masqueraded',
  CILIUM_BPF_MASQUERADE: () => 'Cilium\'s BPF masquerading SNATs it to the node\'s address',
  CILIUM_IPTABLES_MASQUERADE: (d) => d['interfaces']
    ? `Cilium's iptables rule masquerades traffic leaving ${d['interfaces']} outside the exclusion CIDR`
    : 'Cilium\'s iptables rule masquerades pod traffic outside the exclusion CIDR',
  CILIUM_DST_NODE_INTERNAL_IP_NATIVE: () => 'the destination is a node InternalIP in the native-routing node ipset: accepted without masquerade',
  CILIUM_POD_IP_OUTSIDE_ALLOC_CIDR: (d) => `the pod IP ${d['podIP']} is outside the node's allocation CIDR, which Cilium's iptables rule matches (-s)`,
  CILIUM_EGRESS_INTERFACE_ASSUMED: (d) => `assumes the traffic leaves through an interface matching ${d['interfaces']} (egress-masquerade-interfaces)`,
  CILIUM_IP_MASQ_AGENT_NO_EFFECT: () => 'enable-ip-masq-agent has no effect with iptables masquerading (it needs enable-bpf-masquerade)',
  CILIUM_EGW_DISABLED: (d) => `egress gateway policies ${d['policies']} select the pod, but the egress gateway is disabled in cilium-config`,
  CILIUM_EGW_POLICY_INVALID: (d) => `policy ${d['policy']} is ignored by Cilium: ${d['detail']}`,
  CILIUM_EGW_HOST_NETWORK: () => 'hostNetwork pods have no Cilium endpoint, so no egress gateway policy applies',
  CILIUM_EGW_NODE_NOT_SELECTED: (d) => `policy ${d['policy']} selects the pod but not its node ${d['node']} (selectors' nodeSelector)`,
  CILIUM_EGW_DST_NOT_IN_POLICY: (d) => `policy ${d['policy']} selects the pod but not this destination`,
  CILIUM_EGW_LOST_TO_LONGER_PREFIX: (d) => `policy ${d['policy']} (${d['cidr']}) loses to the longer prefix ${d['winner']} of policy ${d['winnerPolicy']}`,
  CILIUM_EGW_EXCLUDED_CIDR: (d) => `the destination is in excludedCIDR ${d['cidr']} of policy ${d['policy']}: normal masquerading applies`,
  CILIUM_EGW_DST_IN_CLUSTER: (d) => `the destination is inside the cluster, which egress gateways never take (policies ${d['policies']})`,
  CILIUM_EGW_RANGE_SPLIT: (d) => `egress gateway entries (${d['by']}) decide parts of the destination range differently; ask about a narrower --to`,
  CILIUM_EGW_AMBIGUOUS_POLICIES: (d) => `policies ${d['policies']} both match ${d['cidr']} for this pod; Cilium keeps whichever it wrote last (${d['candidates']})`,
  CILIUM_EGW_NO_GATEWAY_NODE: (d) => `no CiliumNode matches the gateway nodeSelector of policy ${d['policy']}: Cilium drops the traffic`,
  CILIUM_EGW_EGRESS_IP: (d) => `policy ${d['policy']} (${d['cidr']}) sends it through gateway node ${d['gatewayNode']}, which SNATs it to ${d['egressIP']}`,
  CILIUM_EGW_INTERFACE_IP_NOT_VISIBLE: (d) => `policy ${d['policy']} sends it through gateway node ${d['gatewayNode']} with the address of interface ${d['interface']}, which the API does not show`,
  CILIUM_EGW_DEFAULT_ROUTE_ASSUMED: (d) => `policy ${d['policy']} names neither egressIP nor interface: assumes the default-route interface of ${d['gatewayNode']} holds its InternalIP ${d['egressIP']}`,
  CILIUM_EGW_GATEWAY_BY_ENDPOINT_HASH: (d) => `one of ${d['gateways']} gateways, chosen by the FNV-1a hash of CiliumEndpoint UID ${d['uid']}`,
  CILIUM_EGW_GATEWAY_SET: (d) => `policy ${d['policy']} spreads pods over gateways (${d['candidates']}); which one depends on ${d['missing']}, which was not read`,
  CILIUM_EGW_IPV6_EGRESS_IP_UNKNOWN: (d) => `egressIP ${d['egressIP']} is not ${d['family']}: Cilium 1.19 drops this traffic, 1.20 uses another address of the same device`,
  CILIUM_EGW_NAMESPACE_LABELS_UNKNOWN: (d) => `a policy selects on namespace labels, but Namespace ${d['namespace']} was not read`,
};
