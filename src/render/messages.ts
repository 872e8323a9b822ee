/**
 * The only place reason codes become sentences. Tests and scripts use the codes; wording may change.
 */
import type { CoreReasonCode, Finding, ReasonCode } from '../model/reasons.ts';
import { MECHANISMS } from '../engine/registry/mechanisms.ts';
import { EGRESS_FIREWALL_FINDINGS } from '../engine/policy/egress-firewall.ts';
import { CILIUM_POLICY_FINDINGS } from '../engine/policy/cilium-policy.ts';
import { NETWORK_POLICY_FINDINGS } from '../engine/policy/network-policy.ts';
import { DEFAULT_DENY_FINDINGS } from '../engine/policy/default-deny.ts';
import { SERVICE_ADDRESS_FINDINGS } from '../engine/core/service-addresses.ts';
import { ADMIN_POLICY_FINDINGS } from '../engine/policy/admin-network-policy.ts';
import { TIER_FINDINGS } from '../engine/policy/tiers.ts';
import { CALICO_SELECTION_FINDINGS } from '../engine/policy/calico-selection.ts';
import { CALICO_POLICY_FINDINGS } from '../engine/policy/calico-policy.ts';
import { CALICO_RULE_FINDINGS } from '../engine/policy/calico-rules.ts';
import { POLICY_FINDINGS } from '../engine/steps/egress-policy.ts';

type Data = Record<string, string>;

const DEFAULTS_BECAUSE: Partial<Record<string, string>> = {
  AGENT_DEFAULTS_NO_CONFIG_VOLUME: 'no config file is mounted',
  AGENT_DEFAULTS_CONFIGMAP_MISSING: 'the ConfigMap does not exist',
  AGENT_DEFAULTS_KEY_MISSING: 'the ConfigMap has no key the agent reads',
  AGENT_DEFAULTS_EMPTY_FILE: 'the config file is empty',
};

function configOrigin(d: Data): string {
  if (d['config'] !== 'defaults') return 'from its config file';
  return `defaults: ${DEFAULTS_BECAUSE[d['defaultsBecause'] ?? ''] ?? 'no config'}`;
}

/** The pipeline's own codes and those several mechanisms share; each mechanism's own are in its module. */
const MESSAGES: Record<CoreReasonCode, (d: Data) => string> = {
  NODE_SNAT_SKIPPED_BY_EGRESS_GATEWAY: (d) =>
    `the egress gateway ${d['gatewayNode']} SNATs the packet; node SNAT does not apply`,
  POD_IP: (d) => `the packet starts with the pod IP ${d['podIP']}`,
  HOST_NETWORK_NODE_IP: (d) => `hostNetwork pod: it uses node ${d['node']}'s address ${d['nodeIP']}`,
  POD_NOT_SCHEDULED: () => 'the pod is not scheduled to a node yet',
  POD_HAS_NO_IP: () => 'the pod has no IP yet (status.podIPs is empty)',
  POD_HAS_NO_IP_OF_FAMILY: (d) => `the pod has no ${d['family']} address for this destination`,
  NODE_NOT_FOUND: (d) => `node ${d['node']} is not among the objects read; include the Node to decide`,
  NODES_UNREADABLE: (d) =>
    `node ${d['node']} could not be read (listing nodes is forbidden), so its addresses are unknown`,
  NODE_HAS_NO_INTERNAL_IP: (d) => `node ${d['node']} reports no ${d['family']} InternalIP in status.addresses`,
  NODE_ADDRESS_INVALID: (d) =>
    `node ${d['node']}'s ${d['kind']} ${JSON.stringify(d['value'])} (${d['field']}) is not an IP address, and it comes before any valid ${d['family']} ${d['kind']}: which address the node uses is unknown; fix the Node's address (kubelet --node-ip, the cloud controller manager) to decide`,
  POD_ADDRESS_INVALID: (d) =>
    `pod ${d['pod']}'s IP ${JSON.stringify(d['value'])} (${d['field']}) is not an IP address, and it comes before any valid ${d['family']} address: the pod's address is unknown`,
  NODE_SNAT_NOT_APPLICABLE_HOST_NETWORK: () => 'the packet already carries a node address',
  DST_IS_NODE_ADDRESS: (d) => `the destination is an address of node ${d['node']} (addrtype LOCAL), never masqueraded`,
  POD_SOURCE_ADDRESS_NOT_VISIBLE: () =>
    "the packet keeps a pod address the API does not show (e.g. an EKS IPv6 pod's 169.254.172.0/22 egress-v4 address), so its source is unknown",
  NO_SNAT_LAYER_ON_NODE: () => 'no masquerading layer runs on this node',
  LAYER_NOT_ON_NODE: (d) => `does not run on node ${d['node']}`,
  DST_IN_NON_MASQ_CIDRS: (d) =>
    `the destination is in non-masquerade CIDR ${d['cidr']} (${chainOf(d)}${d['config'] ? `, ${configOrigin(d)}` : ''})`,
  DST_NOT_IN_NON_MASQ_CIDRS: (d) =>
    `the destination is outside every non-masquerade CIDR (${chainOf(d)}${d['config'] ? `, ${configOrigin(d)}` : ''}): masqueraded${d['nodeIP'] ? ` to node IP ${d['nodeIP']}` : ''}`,
  DST_LINK_LOCAL_NOT_MASQUERADED: (d) =>
    `link-local destinations are not masqueraded (${d['cidr']}; masqLinkLocal is false)`,
  DST_RANGE_PARTIALLY_EXEMPT: (d) =>
    `only part of the destination range is exempt (${d['cidrs'] || 'none'}); ask about a narrower --to`,
  AGENT_IPV6_DISABLED: (d) => `the agent writes no IPv6 rules without --enable-ipv6 (DaemonSet ${d['daemonSet']})`,
  AGENT_CONFIG_INVALID: (d) =>
    d['layer'] === 'cilium ip-masq-agent'
      ? `Cilium's ip-masq-agent rejects its config (${d['detail']}) and leaves its BPF map as it was, which the cluster does not show; fix the ConfigMap to decide`
      : // kubernetes-sigs/ip-masq-agent `Run`: a sync error returns before EnsureChain and the POSTROUTING
        // jump; Azure's v2 exits at the same point. Only a sync that succeeded once left rules behind.
        // (When only iptables-restore fails, EnsureChain and the jump ran first: an empty chain, same effect.)
        `the agent rejects its config (${d['detail']}); until it has synced a valid config once it writes no chain and no POSTROUTING jump${String(d['detail']).startsWith('iptables-restore') ? ' (here: an empty chain)' : ''}, so on a node where it never did it masquerades nothing, and where it did it keeps the rules of the last valid config; which one holds is history the cluster does not show; fix the ConfigMap to decide`,
  AGENT_CONFIGMAP_REQUIRED_MISSING: (d) =>
    `the agent's pod cannot start (${d['detail']}, volume not optional), so its rules are unknown`,
  AGENT_CONFIGMAP_UNREADABLE: (d) =>
    `the agent's ConfigMap could not be read (${d['detail']}, forbidden), so its rules are unknown; ${grant('configmaps', d['namespace'] || namespaceIn(d['detail']))}`,
  AGENT_CONFIG_DIR_NOT_MOUNTED: (d) =>
    `the agent does not run: ${d['detail']}; the rules it wrote before, if any, are not visible, so the answer is unknown`,
  AGENT_CONFIG_DIR_UNSURE: (d) =>
    `what the agent's config directory holds cannot be told (${d['detail']}), so its rules are unknown`,
  DATAPATH_UNREADABLE: (d) =>
    `the datapath agents could not be read (listing ${d['resource']} in ${d['namespace']} is forbidden), so node SNAT is unknown; ${grant(d['resource']!, d['namespace'])}`,
  AGENT_DEFAULTS_NO_CONFIG_VOLUME: () => 'no config file is mounted: the agent uses its defaults',
  AGENT_DEFAULTS_CONFIGMAP_MISSING: () => 'the ConfigMap does not exist: the agent uses its defaults',
  AGENT_DEFAULTS_KEY_MISSING: () => 'the ConfigMap has no key the agent reads: the agent uses its defaults',
  AGENT_DEFAULTS_EMPTY_FILE: () => 'the config file is empty: the agent uses its defaults',
  AGENT_CONFIG_FROM_FILE: () => 'the agent uses its config file',
  LAYER_IPV4_ONLY: () => 'this layer only has IPv4 rules',
  DST_IN_POD_CIDRS: (d) => `the destination is in the pod network ${d['cidr']}`,
  DST_OUTSIDE_POD_CIDRS: (d) =>
    `the destination is outside the pod network (${d['cidrs']}): masqueraded${d['nodeIP'] ? ` to node IP ${d['nodeIP']}` : ''}`,
  POD_CIDRS_UNKNOWN: () =>
    'the datapath is not recognised and no Node has spec.podCIDRs, so the pod network is unknown',
  MASQUERADED_TO_NODE_IP: (d) => `masqueraded by ${d['layer']} to ${d['nodeIP']}`,
  ALL_LAYERS_EXEMPT: (d) => `every active layer exempts the destination (${d['layers']}): the pod IP is kept`,
  UNKNOWN_LAYER_IRRELEVANT: (d) =>
    `the rules of ${d['layers']} are unknown, but any outcome there still ends with the node IP`,
  SNAT_LAYER_UNKNOWN: (d) => `no layer masquerades for sure and ${d['layers']} cannot be decided`,
  DST_IN_CLUSTER: () =>
    'the destination is inside the cluster (a node, a pod, or a cluster range): no NAT beyond the node',
  DST_NOT_PUBLIC: () => 'the destination is not a public address: no NAT beyond the node',
  DST_RANGE_MIXED_PUBLIC: () => 'the destination range mixes public and private addresses; ask about a narrower --to',
  NODE_EXTERNAL_IP: (d) =>
    `the ${d['cloud']} 1:1 NAT maps the node's InternalIP ${d['internalIP']} to its ExternalIP ${d['externalIP']}`,
  NAT_IP_OTHER_FAMILY: (d) =>
    `--nat-ip ${d['natIP']} is not ${d['family']}, and a NAT does not translate between families: the ${d['family']} address this traffic leaves with is unknown`,
  NAT_IP_GIVEN: (d) => `leaves through the NAT given with --nat-ip (${d['natIP']})`,
  NAT_IP_UNKNOWN: (d) =>
    d['from'] === 'pod-ip'
      ? `pod-IP packets to the internet leave through a ${d['cloud']} NAT the cluster does not show; pass --nat-ip`
      : `the node has no ExternalIP, so traffic leaves through a ${d['cloud']} NAT the cluster does not show; pass --nat-ip`,
  AWS_IPV6_NOT_TRANSLATED: (d) =>
    `AWS translates no IPv6 address: the packet leaves node ${d['node']}'s VPC through the internet or egress-only internet gateway as it is`,
  EGRESS_PREFIX_NOT_LISTED: (d) =>
    `the egress prefix ${d['prefix']} is not a CIDR block of at most ${d['limit']} addresses: which of its addresses the destination sees is not listed`,
  NO_NAT_ASSUMED_OFF_CLOUD: (d) => `node ${d['node']} has no cloud providerID: assuming no NAT beyond the node`,
  DATAPATH_NOT_RECOGNISED: () =>
    'no known datapath was recognised: assuming masquerade to the node IP outside the pod network',
  AGENT_CONFIGMAP_KEY_IGNORED: (d) =>
    `the agent reads key "${d['expectedKey']}" but the ConfigMap only has ${d['keys']}: it uses its defaults`,
  AGENT_CONFIG_KEYS_IGNORED: (d) => `the agent ignores unknown config keys: ${d['keys']}`,
  AWS_ENV_BOOL_INVALID: (d) =>
    `${d['name']}=${JSON.stringify(d['value'])} is not a Go boolean (strconv.ParseBool: 1, t, T, TRUE, true, True, 0, f, F, FALSE, false, False): the VPC CNI logs an error and uses its default, ${d['fallback']}`,
  AWS_EXCLUDE_SNAT_CIDR_SKIPPED: (d) =>
    `AWS_VPC_K8S_CNI_EXCLUDE_SNAT_CIDRS entry ${JSON.stringify(d['cidr'])} is not a CIDR: the VPC CNI logs it and skips it (parseCIDRString), so traffic to that range is SNATed as if it were not listed`,
  AGENT_CIDR_PREFIX_OCTAL: (d) =>
    `nonMasqueradeCIDR ${d['written']} is installed as ${d['installed']}: iptables reads a prefix length with a leading zero as octal (the agent checked it as decimal); write ${d['installed']} or drop the zero`,
  READ_UNKNOWN_VERSION: (d) =>
    `the server serves ${d['resource']} only at ${d['served']}, which this version of kubectl-egress does not read: answers that depend on it are unknown`,
  CILIUM_CONFIG_UNREADABLE: (d) =>
    `${couldNotRead(d)}, so Cilium's masquerading and egress gateway settings are unknown`,
  CILIUM_EGW_POLICIES_UNREADABLE: (d) =>
    `${couldNotRead(d)}, and the egress gateway ${d['gateway'] === 'unknown' ? 'may be' : 'is'} enabled: a policy may send this traffic through a gateway`,
  CILIUM_NODES_UNREADABLE: (d) =>
    `${couldNotRead(d)}, so the node addresses and pod CIDRs Cilium decides with are unknown`,
  CALICO_CONFIG_UNREADABLE: (d) =>
    `${couldNotRead(d)}, so Calico's natOutgoing and egress gateway settings are unknown`,
  NAMESPACES_UNREADABLE: (d) =>
    `${couldNotRead(d)}, so the Namespace annotations that may send the pod to an egress gateway are unknown`,
  ANTREA_CONFIG_UNREADABLE: (d) =>
    `${couldNotRead(d)}, so Antrea's traffic mode, noSNAT and Egress settings (antrea-agent.conf in antrea-config) are unknown`,
  ANTREA_EGRESSES_UNREADABLE: (d) => `${couldNotRead(d)}: an Antrea Egress may send this traffic through its egress IP`,
  AKS_SGW_CONFIGURATIONS_UNREADABLE: (d) =>
    `${couldNotRead(d)}, so StaticGatewayConfiguration ${d['configuration']}, which the pod's annotation names, is unknown: whether its traffic goes through the gateway, and with which address`,
  AKS_SGW_GATEWAY_ADDRESSES_UNREADABLE: (d) =>
    `${couldNotRead(d)}, so the gateway nodes' secondary private IPs, which a private destination sees through StaticGatewayConfiguration ${d['configuration']}, are unknown`,
  GKE_EGRESS_NAT_POLICIES_UNREADABLE: (d) =>
    `${couldNotRead(d)}, so which destinations GKE leaves unSNATed on this node is unknown`,
  EKS_AUTO_NODECLASSES_UNREADABLE: (d) =>
    `${couldNotRead(d)}, so the SNAT policy of EKS Auto Mode node ${d['node']}'s NodeClass is unknown`,
  EKS_AUTO_NODEPOOLS_UNREADABLE: (d) =>
    `${couldNotRead(d)}, and node ${d['node']} has no eks.amazonaws.com/nodeclass label: which NodeClass its NodePool ${d['nodePool']} names, and so its SNAT policy, is unknown`,
  OVN_EGRESSIPS_UNREADABLE: (d) =>
    `${couldNotRead(d)}, so whether an OVN-Kubernetes EgressIP selects the pod is unknown`,
  OVN_EGRESS_SERVICES_UNREADABLE: (d) =>
    `${couldNotRead(d)}, so whether an OVN-Kubernetes EgressService sends the pod's traffic out with a load-balancer IP is unknown`,
  OVN_EGRESS_SERVICE_TARGET_UNREADABLE: (d) =>
    `${couldNotRead(d)}, so whether EgressService ${d['egressService']}'s Service has a load-balancer IP, and so the address its endpoints leave with, is unknown`,
  OVN_EGRESS_SERVICE_ENDPOINTS_UNREADABLE: (d) =>
    `${couldNotRead(d)}, so whether the pod is an endpoint of EgressService ${d['egressService']}'s Service, rerouted through node ${d['host']}, is unknown`,
  OVN_EGRESSIP_NAMESPACES_UNREADABLE: (d) =>
    `${couldNotRead(d)}, so which namespaces the EgressIPs' namespaceSelector selects is unknown`,
  READ_FORBIDDEN: (d) =>
    OWNERS.has(d['resource']!)
      ? `cannot get ${d['resource']} in ${d['namespace']}: pods are grouped by the owner they name, not its Deployment or CronJob`
      : `cannot ${GETS.has(d['resource']!) ? 'get' : 'list'} ${d['resource']}${d['namespace'] ? ` in ${d['namespace']}` : ''}: results may be incomplete`,
  ADDRESS_INVALID: (d) =>
    `${d['object']}: ${d['field']} ${JSON.stringify(d['value'])} (${d['kind']}) is not ${/cidr/i.test(d['kind'] ?? '') ? 'a CIDR' : 'an IP address'}: ignored, and answers that would need it are unknown`,
  DATAPATH_OVERRIDDEN: (d) => `the datapath was given with --datapath ${d['datapath']} instead of detected`,
  AGENT_SCOPE_FROM_NODE_SELECTOR: (d) =>
    `no pods of DaemonSet ${d['daemonSet']} were read: assuming it runs on every node its nodeSelector allows`,
  OBJECT_VERSION_UNKNOWN: (d) =>
    `${d['kind']} ${d['object']} is ${d['apiVersion']}, a version kubectl egress does not read (it reads ${d['known']}): it was not read; answers it could change are unknown`,
  DATAPATH_VERSION_UNKNOWN: (d) =>
    `DaemonSet ${d['daemonSet']} is ${d['apiVersion']}, a version kubectl egress does not read: it may be a datapath agent, so node SNAT is unknown`,
};

/** The owners fetched one by one (GET) to group pods into workloads. */
const OWNERS = new Set(['replicasets.apps', 'jobs.batch']);
/** Resources read by GET only: owners, and the Services EgressServices name. */
const GETS = new Set([...OWNERS, 'services']);

/** "X in NS could not be read (why; what to do)". */
function couldNotRead(d: Data): string {
  const what = `${d['resource']}${d['namespace'] ? ` in ${d['namespace']}` : ''}`;
  if (d['reason'] === 'unknown-version' && d['object'])
    return `${what} could not be read (${d['object']} is ${d['served']}, which this version of kubectl-egress does not read)`;
  if (d['reason'] === 'unknown-version')
    return `${what} could not be read (the server serves it only at ${d['served']}, which this version of kubectl-egress does not read)`;
  return `${what} could not be read (${GETS.has(d['resource']!) ? 'getting' : 'listing'} it is forbidden; ${grant(d['resource']!, d['namespace'])})`;
}

/** The RBAC rule that makes the read possible, from rbac/who.yaml. */
function grant(resource: string, namespace: string | undefined): string {
  const [plural, group = ''] = resource.split(/\.(.*)/);
  if (namespace && (resource === 'configmaps' || resource === 'daemonsets.apps')) {
    return `allow it with: kubectl -n ${namespace} create rolebinding kubectl-egress-datapath --clusterrole=kubectl-egress-datapath --user=<you> (rbac/who.yaml)`;
  }
  return `allow it with a rule {apiGroups: ["${group}"], resources: [${plural}], verbs: [${GETS.has(resource) ? 'get' : 'list'}]}${namespace ? ` in ${namespace}` : ''}, as the kubectl-egress-who ClusterRole in rbac/who.yaml has`;
}

/** The namespace in an agent detail "cannot list configmaps in NS". */
function namespaceIn(detail: string | undefined): string | undefined {
  return /\bin (\S+)$/.exec(detail ?? '')?.[1];
}

function chainOf(d: Data): string {
  return d['chain'] ? `chain ${d['chain']}` : 'pod network';
}

const MECHANISM_MESSAGES: Readonly<Record<string, (d: Data) => string>> = Object.assign(
  {},
  ...MECHANISMS.map((m) => m.findings),
  NETWORK_POLICY_FINDINGS,
  EGRESS_FIREWALL_FINDINGS,
  POLICY_FINDINGS,
  ADMIN_POLICY_FINDINGS,
  TIER_FINDINGS,
  CILIUM_POLICY_FINDINGS,
  DEFAULT_DENY_FINDINGS,
  SERVICE_ADDRESS_FINDINGS,
  CALICO_SELECTION_FINDINGS,
  CALICO_POLICY_FINDINGS,
  CALICO_RULE_FINDINGS,
);

export function messageOf(finding: Finding): string {
  const message =
    (MESSAGES as Partial<Record<ReasonCode, (d: Data) => string>>)[finding.code] ?? MECHANISM_MESSAGES[finding.code];
  return message!(finding.data);
}
