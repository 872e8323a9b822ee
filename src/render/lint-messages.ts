/**
 * The only place lint codes become sentences: what is wrong and how to fix it, one line each.
 * Keyed by LintCode, so a check's new code does not compile without its sentences.
 */
import type { LintCode } from '../engine/lint/index.ts';
import type { LintFinding } from '../model/lint.ts';

type Data = Record<string, string>;

interface LintText {
  message: (d: Data) => string;
  fix: (d: Data) => string;
}

const AGENTS: Record<string, string> = {
  'ip-masq-agent': 'ip-masq-agent',
  'azure-ip-masq-agent': 'azure-ip-masq-agent',
  cilium: "Cilium's ip-masq-agent",
};

const KEEPS: Record<string, string> = {
  // kubernetes-sigs/ip-masq-agent `Run`: a failed sync returns before the chain and the jump exist.
  'ip-masq-agent':
    'where it never synced a valid config it has written no chain and no jump, so it masquerades nothing; elsewhere it keeps the rules of the last valid config, which the cluster does not show',
  // Its detail already says so (config/azure-ip-masq-agent.ts).
  'azure-ip-masq-agent': '',
  cilium: 'it keeps its BPF map as it was',
};

const CONFIG_FIXES: Record<string, (d: Data) => string> = {
  'misaligned-cidr': (d) => `write ${d['aligned']} instead of ${d['cidr']}`,
  'unparsable-cidr': (d) => `correct or remove "${d['cidr']}" in nonMasqueradeCIDRs`,
  'cidr-limit': (d) =>
    `list at most ${d['limit']} CIDRs (there are ${d['count']}): merge adjacent ranges, or raise cidrLimit`,
  'ipv6-disabled': (d) => `add --enable-ipv6 to the agent's args, or remove ${d['cidr']}`,
  'octal-prefix-rejected': (d) =>
    `write ${d['decimal']} instead of ${d['cidr']} (no leading zero in the prefix length)`,
  'ipv4-mapped-cidr': (d) =>
    d['ipv4']
      ? `write the IPv4 block ${d['ipv4']} instead of ${d['cidr']}`
      : `remove ${d['cidr']}: the agent cannot install an IPv4-mapped IPv6 block`,
  syntax: () => 'write YAML or JSON with nonMasqueradeCIDRs (a list of CIDRs) and masqLinkLocal (true or false)',
};

/** Who writes each address field, so the fix names where to correct it. */
const WRITERS: Record<string, string> = {
  InternalIP: 'the kubelet (--node-ip) or the cloud controller manager',
  ExternalIP: 'the cloud controller manager',
  podCIDR: 'the node IPAM controller, or whoever created the Node',
  podIP: "the kubelet, from the CNI plugin's result",
  CiliumInternalIP: 'the Cilium agent',
  'EgressNATPolicy cidr': 'whoever applied the EgressNATPolicy',
  'flannel Network CIDR': 'the kube-flannel-cfg ConfigMap',
  'flannel IPv6Network CIDR': 'the kube-flannel-cfg ConfigMap',
  natOutgoingAddress: 'whoever applied the FelixConfiguration',
  'EgressGatewayPolicy cidr': 'whoever applied the EgressGatewayPolicy',
  'Egress IP': 'whoever applied the Egress (antrea-controller validates spec.egressIP, a -f file is not checked)',
  'ExternalIPPool cidr': 'whoever applied the ExternalIPPool',
  'IPPool cidr':
    'whoever applied the IPPool: calicoctl and the projectcalico.org API validate it, a crd.projectcalico.org object written directly is not',
};

const HELD_BY: Record<string, { message: (d: Data) => string; fix: (d: Data) => string }> = {
  node: {
    message: (d) =>
      `egressIP ${d['egressIP']} of ${d['field']} is an address of node ${d['holder']}, but the gateway is ${d['gatewayNode']} (the first node by name matching ${d['nodeSelector']}), which lacks it and drops the traffic`,
    fix: (d) =>
      `set egressIP to an address on ${d['gatewayNode']}, or narrow the nodeSelector so that ${d['holder']} is the gateway`,
  },
  'pod-network': {
    message: (d) =>
      `egressIP ${d['egressIP']} of ${d['field']} is in the pod CIDR ${d['holder']}, not on gateway node ${d['gatewayNode']}, which lacks it and drops the traffic`,
    fix: (d) => `set egressIP to an address on a network interface of ${d['gatewayNode']}`,
  },
  'cloud-nat': {
    message: (d) =>
      `egressIP ${d['egressIP']} of ${d['field']} is the ExternalIP of gateway node ${d['gatewayNode']}, held by the ${d['holder']} 1:1 NAT and on no interface of the node, which drops the traffic`,
    fix: (d) =>
      `set egressIP to the InternalIP of ${d['gatewayNode']}: the 1:1 NAT then shows ${d['egressIP']} to the internet`,
  },
};

export const LINT_TEXT: Record<LintCode, LintText> = {
  IP_MASQ_AGENT_CONFIGMAP_WRONG_KEY: {
    message: (d) =>
      d['effect'] === 'defaults'
        ? `${agent(d)} reads key "${d['expectedKey']}", but this ConfigMap has only ${quoted(d['keys'])}: it ignores ${d['keys']?.includes(', ') ? 'them' : 'it'} and uses its defaults`
        : `${agent(d)} reads key "${d['expectedKey']}", which this ConfigMap lacks (it has ${quoted(d['keys'])}): the agent's pod cannot start`,
    fix: (d) =>
      d['keys']?.includes(', ')
        ? `put the config under key "${d['expectedKey']}"`
        : `rename key "${d['keys']}" to "${d['expectedKey']}"`,
  },
  IP_MASQ_AGENT_CONFIG_INVALID: {
    message: (d) => {
      const keeps = KEEPS[d['agent'] ?? ''] ?? 'its rules are unknown';
      return `${agent(d)} rejects this config (${d['detail']})${keeps ? `: ${keeps}` : ''}`;
    },
    fix: (d) => (CONFIG_FIXES[d['issue'] ?? ''] ?? CONFIG_FIXES['syntax']!)(d),
  },
  IP_MASQ_AGENT_RESYNC_TIGHT_LOOP: {
    message: (d) =>
      `${agent(d)}'s resyncInterval is ${d['resyncInterval']}: it sleeps that long between syncs, so it re-reads its config and rewrites its iptables rules in a tight loop (egress is unchanged, a CPU core and the xtables lock are not)`,
    fix: () => 'set resyncInterval to a positive duration such as "60s" (the default), or remove the key',
  },
  POD_CIDRS_NOT_IN_NON_MASQ_CIDRS: {
    message: (d) =>
      `${agent(d)}'s nonMasqueradeCIDRs (${d['origin'] === 'defaults' ? 'its defaults: ' : ''}${listOf(d['nonMasqueradeCIDRs'] || 'none')}) leave out pod CIDRs ${listOf(d['podCIDRs'])}: pod-to-pod traffic to them leaves with the node IP`,
    fix: (d) =>
      `add the cluster's pod range (covering ${listOf(d['podCIDRs'])}) to nonMasqueradeCIDRs${d['origin'] === 'defaults' ? ' in the config the agent reads' : ''}`,
  },
  CILIUM_CONFIG_CIDR_INVALID: {
    message: (d) =>
      `${JSON.stringify(d['value'])} is not an ${d['family']} CIDR: the Cilium agent exits at start (cidr.MustParseCIDR), so what its nodes masquerade is unknown`,
    fix: (d) =>
      `write an ${d['family']} CIDR such as ${d['family'] === 'IPv4' ? '10.0.0.0/8' : 'fd00::/104'} (the pod network the nodes route natively) and restart the agents`,
  },
  EKS_NODEPOOL_NODECLASS_MISSING: {
    message: (d) =>
      `NodePool ${d['nodePool']} names NodeClass ${d['nodeClass']}, which does not exist: EKS Auto Mode launches no node from it, so its pods run on other pools' nodes, with their egress, or stay pending`,
    fix: (d) =>
      `create NodeClass ${d['nodeClass']} (eks.amazonaws.com/v1), or point spec.template.spec.nodeClassRef at an existing one`,
  },
  EKS_NODECLASS_SNAT_DISABLED_PUBLIC_IP: {
    message: (d) =>
      `NodeClass ${d['nodeClass']} has snatPolicy Disabled and associatePublicIPAddress true: public node addresses mean public subnets (routed to an internet gateway), where the pod IPs, which have no public address, cannot reach the internet`,
    fix: () =>
      'set snatPolicy to Random, or put the nodes in private subnets with a NAT gateway (associatePublicIPAddress false)',
  },
  CILIUM_EGW_POLICIES_WHILE_DISABLED: {
    message: (d) =>
      `${d['count']} egress gateway ${plural(d['count'], 'policy', 'policies')} (${listOf(d['policies'])}) ${plural(d['count'], 'exists', 'exist')}, but enable-egress-gateway is off: Cilium ignores them and their pods leave with their usual address`,
    fix: () =>
      'set enable-egress-gateway to "true" (it needs enable-bpf-masquerade and kube-proxy-replacement) and restart the agents, or delete the policies',
  },
  CILIUM_EGW_EGRESS_IP_AND_INTERFACE: {
    message: (d) =>
      `${d['field']} sets both egressIP ${d['egressIP']} and interface ${d['interface']}: Cilium rejects the policy, so the pods it selects leave with their usual address`,
    fix: (d) => `keep only one in ${d['field']}: egressIP ${d['egressIP']} or interface ${d['interface']}`,
  },
  CILIUM_EGW_POLICY_INVALID: {
    message: (d) =>
      `Cilium rejects the policy (${d['detail']}) and installs nothing, so the pods it was meant for leave with their usual address, not through a gateway`,
    fix: () =>
      'correct the policy (valid CIDRs in destinationCIDRs and excludedCIDRs, an IP in egressIP, selectors with podSelector or namespaceSelector, an egressGateway with a nodeSelector) and apply it again',
  },
  ADDRESS_INVALID: {
    message: (d) =>
      `${d['field']} is ${JSON.stringify(d['value'])}, which is not ${/cidr/i.test(d['kind'] ?? '') ? 'a CIDR' : 'an IP address'} (${d['kind']}): answers that need it are unknown`,
    fix: (d) =>
      `write ${/cidr/i.test(d['kind'] ?? '') ? 'a CIDR' : 'an IP address'} in ${d['field']}, or correct what writes it (${WRITERS[d['kind'] ?? ''] ?? 'the controller that owns the field'})`,
  },
  CILIUM_EGW_GATEWAY_MATCHES_NO_NODE: {
    message: (d) =>
      `no node with an IPv4 node address matches the nodeSelector ${d['nodeSelector']} of ${d['field']}: Cilium drops the traffic the policy selects`,
    fix: (d) => `label the intended gateway node ${d['nodeSelector']}, or correct the nodeSelector`,
  },
  CILIUM_EGW_EGRESS_IP_NOT_ON_GATEWAY: {
    message: (d) =>
      HELD_BY[d['heldBy'] ?? '']?.message(d) ?? `egressIP ${d['egressIP']} is not on gateway node ${d['gatewayNode']}`,
    fix: (d) => HELD_BY[d['heldBy'] ?? '']?.fix(d) ?? `set egressIP to an address on ${d['gatewayNode']}`,
  },
  CILIUM_EGW_DUPLICATE_MATCH: {
    message: (d) =>
      `policies ${d['policies']} both match ${d['cidr']} for ${pods(d)} and send that traffic different ways: Cilium keeps whichever it wrote last, so the egress IP can change`,
    fix: () => 'narrow the selectors or destinationCIDRs so that each pod matches one policy per CIDR',
  },
  CILIUM_EGW_DUPLICATE_MATCH_SAME_GATEWAY: {
    message: (d) =>
      `policies ${d['policies']} both match ${d['cidr']} for ${pods(d)} with the same gateway and address: the same result until one of them changes`,
    fix: () => 'keep one policy per pod and CIDR',
  },
  ANTREA_EGRESS_NOT_ASSIGNED: {
    message: (d) =>
      d['pool']
        ? `status shows no node holding ${d['egressIP'] ? `egress IP ${d['egressIP']}` : 'an egress IP'} from pool ${d['pool']}: Antrea installs no SNAT for this Egress, so the pods it selects leave with their node's IP`
        : `status shows no node holding egress IP ${d['egressIP']}: Antrea tunnels the selected pods' traffic to that address, which no node has claimed, so it is lost`,
    fix: (d) =>
      d['pool']
        ? `free addresses in pool ${d['pool']} or label nodes its nodeSelector matches, and check the Egress's IPAssigned condition (kubectl describe egress)`
        : `configure ${d['egressIP']} on an interface of one node, or give the Egress an externalIPPool so that Antrea assigns it`,
  },
  ANTREA_EGRESS_DUPLICATE_MATCH: {
    message: (d) =>
      `Egresses ${listOf(d['egresses'])} all select ${pods(d)} with different addresses (${listOf(d['addresses'])}): Antrea binds each pod to whichever it processed first, so the egress IP is not predictable and can change when an agent restarts`,
    fix: () => 'narrow the appliedTo selectors so that each pod is selected by one Egress',
  },
  ANTREA_EGRESS_DUPLICATE_MATCH_SAME_IP: {
    message: (d) =>
      `Egresses ${listOf(d['egresses'])} all select ${pods(d)} with the same address ${d['addresses']}: the same result until one of them changes`,
    fix: () => 'keep one Egress per pod',
  },
  ANTREA_EGRESS_POOL_NOT_FOUND: {
    message: (d) =>
      `the Egress names ExternalIPPool ${d['pool']}, which does not exist: no IP is allocated, so the pods it selects leave with their node's IP`,
    fix: (d) => `create ExternalIPPool ${d['pool']}, or correct spec.externalIPPool`,
  },
  ANTREA_EXTERNAL_IP_POOL_MATCHES_NO_NODE: {
    message: (d) =>
      `no node matches the nodeSelector ${d['nodeSelector']} of this pool, so Antrea can assign its IPs to no node: the pods of ${listOf(d['egresses'])} leave with their node's IP`,
    fix: (d) => `label the nodes meant to hold the egress IPs ${d['nodeSelector']}, or correct the pool's nodeSelector`,
  },
  OVN_EGRESSIP_NOT_ASSIGNED: {
    message: (d) =>
      `EgressIP ${d['egressIP']} has none of its IPs (${d['ips']}) assigned to a node (status.items is empty): the pods it selects leave with their node's address`,
    fix: () =>
      "label nodes that can hold the IPs k8s.ovn.org/egress-assignable, and use IPs in those nodes' subnet (or, on a cloud, free addresses of their subnet)",
  },
  OVN_EGRESSIP_OVERLAP: {
    message: (d) =>
      `EgressIPs ${d['egressIPs']} all select ${pods(d)}: OVN-Kubernetes serves each pod with whichever it processed first, so the egress IP is undefined`,
    fix: () => 'narrow the namespaceSelector or podSelector so that each pod is selected by one EgressIP',
  },
  OVN_EGRESS_ASSIGNABLE_NO_NODE: {
    message: (d) =>
      `no node carries the label ${d['label']}, so EgressIPs ${listOf(d['egressIPs'])} can never be assigned: their pods leave with their node's address`,
    fix: (d) => `label the nodes that should hold egress IPs: kubectl label node NODE ${d['label']}=""`,
  },
  EGRESS_GATEWAY_POLICY_DENIED: {
    message: (d) =>
      `${d['object']} sends the traffic of ${d['pods']} ${plural(d['pods'], 'pod', 'pods')} to ${d['destinations'] === '0.0.0.0/0, ::/0' ? 'anywhere outside the cluster' : d['destinations']} through its egress address, but egress policy (${listOf(d['policies'])}) denies all of it at the pod: none ever reaches the gateway`,
    fix: (d) => `allow that egress in ${listOf(d['policies'])} if the traffic is wanted, or delete ${d['object']}`,
  },
  ALLOWLIST_POLICY_DENIED: {
    message: (d) =>
      `the allowlist of ${d['allowed']} ${plural(d['allowed'], 'entry', 'entries')} for ${d['destination']} admits traffic that egress policy (${listOf(d['policies'])}) denies for every selected pod (${d['pods']} ${plural(d['pods'], 'pod', 'pods')}): it never arrives`,
    fix: (d) =>
      `allow ${d['destination']} in ${listOf(d['policies'])} if the traffic is wanted, or drop the allowlist entries kept for these pods`,
  },
  NETPOL_IPBLOCK_SNATED: {
    message: (d) =>
      `NetworkPolicy ${d['policy']} admits ingress from ipBlock ${d['cidr']}, which holds the addresses of ${d['pods']} ${plural(d['pods'], 'pod', 'pods')}, but their traffic to the pods it selects is SNATed on the way and arrives from ${listOf(d['seen'])}: the rule never sees the pod IPs it names`,
    fix: (d) =>
      `select those pods with podSelector/namespaceSelector instead of ipBlock ${d['cidr']}, or stop the SNAT of pod-to-pod traffic (e.g. add the pod CIDRs to nonMasqueradeCIDRs)`,
  },
  NETPOL_IPBLOCK_SERVICE_CIDR: {
    message: (d) =>
      `NetworkPolicy ${d['policy']} ${d['rule']} allows egress to ipBlock ${d['cidr']}, inside ServiceCIDR ${d['serviceCIDR']}: a Service's virtual IP is translated to an endpoint, and enforcers such as Cilium and kube-router judge the endpoint, so the rule lets no Service traffic out`,
    fix: () =>
      "allow the Service's endpoints instead: a podSelector/namespaceSelector peer for pods behind it, an ipBlock of their addresses for endpoints outside the cluster",
  },
  EFW_CIDR_IN_CLUSTER_SUBNET: {
    message: (d) =>
      `EgressFirewall ${d['firewall']} ${d['rule']} (${d['type']}) names ${d['cidr']}, inside the cluster subnet (${listOf(d['clusterSubnets'])}), which OVN-Kubernetes excludes from every EgressFirewall rule: it matches nothing`,
    fix: () => 'remove the rule; to filter traffic between pods, use a NetworkPolicy',
  },
  ALLOWLIST_MISSES_NODES: {
    message: (d) =>
      `the allowlist for ${d['destination']} admits this workload's traffic from some nodes but not from ${d['missing']}, where it may also run`,
    fix: (d) =>
      `allow ${d['missing']} too, or keep the workload off those nodes (node selector or affinity), or send it through a NAT or an egress gateway with a fixed address`,
  },
  CILIUM_EGW_SELECTS_HOST_NETWORK_POD: {
    message: (d) =>
      `policy ${d['policy']} selects ${d['pods']} hostNetwork ${plural(d['pods'], 'pod', 'pods')} of this workload, but egress gateway policies never apply to hostNetwork pods: they leave with their node's address`,
    fix: (d) =>
      `run the workload without hostNetwork if it must use the gateway, or exclude it from the selectors of policy ${d['policy']}`,
  },
  AKS_SGW_CONFIGURATION_NOT_FOUND: {
    message: (d) =>
      `${d['pods']} ${plural(d['pods'], 'pod', 'pods')} of this workload ${plural(d['pods'], 'names', 'name')} StaticGatewayConfiguration ${d['name']}, which namespace ${d['namespace']} does not hold${d['elsewhere'] ? ` (${d['elsewhere']} does; a pod uses only its own namespace's)` : ''}: the CNI plugin refuses to start new ones`,
    fix: (d) =>
      `create StaticGatewayConfiguration ${d['name']} in ${d['namespace']}, or correct the annotation kubernetes.azure.com/static-gateway-configuration`,
  },
  AKS_SGW_NO_EGRESS_PREFIX: {
    message: (d) =>
      `StaticGatewayConfiguration ${d['configuration']} has no status.egressIpPrefix: the gateway is not provisioned, and the CNI plugin refuses to start pods that name it (${d['pods']} now)`,
    fix: (d) =>
      `look for error events with kubectl describe staticgatewayconfiguration -n ${d['configuration']!.split('/')[0]} ${d['configuration']!.split('/')[1]} (gateway node pool, public IP prefix), and let the controller reconcile it`,
  },
  AKS_SGW_HOST_NETWORK_ANNOTATED: {
    message: (d) =>
      `${d['pods']} hostNetwork ${plural(d['pods'], 'pod', 'pods')} of this workload ${plural(d['pods'], 'names', 'name')} StaticGatewayConfiguration ${d['name']}, but the gateway's CNI plugin never runs for hostNetwork pods: they leave with their node's address`,
    fix: () => 'run the workload without hostNetwork if it must use the gateway, or remove the annotation',
  },
};

export function lintMessage(finding: LintFinding<LintCode>): string {
  return LINT_TEXT[finding.code].message(finding.data);
}

export function lintFix(finding: LintFinding<LintCode>): string {
  return LINT_TEXT[finding.code].fix(finding.data);
}

function agent(d: Data): string {
  return AGENTS[d['agent'] ?? ''] ?? 'the agent';
}

function pods(d: Data): string {
  return `${d['pods']} ${plural(d['pods'], 'pod', 'pods')} (${listOf(d['workloads'])})`;
}

function plural(count: string | undefined, one: string, many: string): string {
  return count === '1' ? one : many;
}

function quoted(list: string | undefined): string {
  return (list ?? '')
    .split(', ')
    .map((k) => `"${k}"`)
    .join(', ');
}

/** A comma-separated list cut to its first three, so a message stays one line. */
function listOf(list: string | undefined, max = 3): string {
  const items = (list ?? '').split(', ');
  return items.length <= max ? items.join(', ') : `${items.slice(0, max).join(', ')} and ${items.length - max} more`;
}
