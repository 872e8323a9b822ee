/**
 * What the datapath does to a pod's packets on its node: the node-SNAT layers that are active,
 * in the order the packet meets them in nat POSTROUTING. Built by config/datapath.ts.
 */
import type { ObjectRef } from './objects.ts';
import type { CloudProvider } from './cloud.ts';
import type { ReasonCode } from './reasons.ts';
import type { CiliumConfig, CiliumEgressPolicy, CiliumNodeInfo } from './cilium.ts';

/** Which nodes a layer is active on, and how we know. */
export type NodeScope =
  | { basis: 'all-nodes' }
  | { basis: 'cloud-nodes'; cloud: CloudProvider }
  | { basis: 'agent-pods'; nodes: string[] }
  | { basis: 'node-selector'; selector: Record<string, string> };

/** The rules an ip-masq-agent writes into its chain (kubernetes-sigs/ip-masq-agent MasqConfig). */
export interface MasqRules {
  nonMasqueradeCIDRs: string[];
  masqLinkLocal: boolean;
  masqLinkLocalIPv6: boolean;
  /** The upstream agent's limit; Cilium's agent has none. */
  cidrLimit?: number;
}

/** Why the agent rejects a config file, for lint's fix; absent for YAML and type errors. */
export type AgentConfigIssue =
  | { kind: 'cidr-limit'; count: number; limit: number }
  | { kind: 'unparsable-cidr'; cidr: string }
  | { kind: 'misaligned-cidr'; cidr: string; aligned: string }
  | { kind: 'ipv6-disabled'; cidr: string };

/**
 * `otherKeys`: the ConfigMap the agent reads exists but lacks the key it reads; these are the keys
 * it has instead (a config written under the wrong name).
 */
export type AgentConfig =
  | { status: 'valid'; origin: 'defaults'; because: ReasonCode; rules: MasqRules; source: ObjectRef; otherKeys?: string[] }
  | { status: 'valid'; origin: 'file'; rules: MasqRules; ignoredKeys: string[]; source: ObjectRef }
  | { status: 'invalid'; because: ReasonCode; detail: string; source: ObjectRef; issue?: AgentConfigIssue; otherKeys?: string[] };

export interface IpMasqAgentLayer {
  mechanism: 'ip-masq-agent';
  daemonSet: ObjectRef;
  chain: string;
  nomasqAllReservedRanges: boolean;
  enableIPv6: boolean;
  config: AgentConfig;
  scope: NodeScope;
}

export interface GkeDefaultSnatLayer {
  mechanism: 'gke-default-snat';
  chain: string;
  /** false when the cluster was created with --disable-default-snat (flag --no-default-snat). */
  enabled: boolean;
  nonMasqueradeCIDRs: string[];
  scope: NodeScope;
}

export interface AssumedDefaultLayer {
  mechanism: 'assumed-default';
  podCIDRs: string[];
  scope: NodeScope;
}

/**
 * The datapath's agents could not be read (RBAC): any chain could be on the node, so no node-SNAT
 * answer can be given except where none applies (hostNetwork pods, the node's own addresses).
 */
export interface UnreadableDatapathLayer {
  mechanism: 'unreadable-datapath';
  resource: string;
  namespace: string;
  scope: NodeScope;
}

/** Cilium's masquerading (BPF or iptables) on the nodes its agent runs on; settings in Datapath.cilium. */
export interface CiliumMasqueradeLayer {
  mechanism: 'cilium';
  daemonSet?: ObjectRef;
  mode: 'bpf' | 'iptables';
  /** Cilium's BPF ip-masq-agent map, when enable-ip-masq-agent is on (it has no effect in iptables mode). */
  ipMasqAgent?: AgentConfig;
  scope: NodeScope;
}

/** Azure's ip-masq-agent-v2: every matching file merged (reference/snat-mechanisms.md §3.1). */
export interface AzureIpMasqAgentLayer {
  mechanism: 'azure-ip-masq-agent';
  daemonSet: ObjectRef;
  chain: string;
  enableIPv6: boolean;
  config: AgentConfig;
  /** The files merged, as ConfigMap refs with their keys. */
  files: ObjectRef[];
  scope: NodeScope;
}

/** GKE EgressNATPolicy (Autopilot, Dataplane V2): NoSNAT destinations keep the pod IP (§2.4). */
export interface GkeEgressNatPolicyLayer {
  mechanism: 'gke-egress-nat-policy';
  policies: { name: string; destinations: string[] }[];
  /** The cluster's own pod and node ranges, which the GKE-managed policy always keeps. */
  clusterRanges: string[];
  scope: NodeScope;
}

/** Amazon VPC CNI SNAT (aws-node DaemonSet env; §4). */
export interface AwsVpcCniLayer {
  mechanism: 'aws-vpc-cni';
  daemonSet: ObjectRef;
  externalSNAT: boolean;
  excludeSnatCIDRs: string[];
  /** POD_SECURITY_GROUP_ENFORCING_MODE: strict (default) or standard. */
  podSecurityGroupMode: 'strict' | 'standard';
  ipv6: boolean;
  scope: NodeScope;
}

export interface CalicoPool {
  name: string;
  cidr: string;
  natOutgoing: boolean;
  disabled: boolean;
  /** Pools only for LoadBalancer addresses are not in Felix's all-pools set. */
  loadBalancerOnly: boolean;
}

export interface CalicoFelixSettings {
  natOutgoingExclusions: 'IPPoolsOnly' | 'IPPoolsAndHostIPs';
  natOutgoingAddress?: string;
  source?: ObjectRef;
}

/** A Calico Enterprise EgressGatewayPolicy rule (projectcalico.org/v3): no destination = default, no gateway = none. */
export interface CalicoEgressRule {
  cidr?: string;
  gateway?: { selector: string; namespaceSelector?: string };
}

/** Calico natOutgoing (Felix cali-nat-outgoing; §5.2), and Calico Enterprise egress gateways (§5.3). */
export interface CalicoLayer {
  mechanism: 'calico';
  pools: CalicoPool[];
  /** FelixConfiguration egressIPSupport. */
  egressIPSupport: 'Disabled' | 'EnabledPerNamespace' | 'EnabledPerNamespaceOrPerPod';
  egressGatewayPolicies: { name: string; rules: CalicoEgressRule[] }[];
  felix: CalicoFelixSettings;
  /** FelixConfiguration node.<name> overrides, by node name. */
  perNode: Record<string, CalicoFelixSettings>;
  scope: NodeScope;
}

/** flannel --ip-masq, or without it the CNI bridge plugin's per-container rule (§6.1, §6.2). */
export interface FlannelLayer {
  mechanism: 'flannel';
  daemonSet?: ObjectRef;
  ipMasq: boolean;
  /** net-conf.json Network / IPv6Network; undefined when kube-flannel-cfg could not be read. */
  network?: string;
  ipv6Network?: string;
  configSource: ObjectRef;
  scope: NodeScope;
}

/** The CNI bridge plugin's own ipMasq (only from --datapath cni-bridge: the CNI config is not in the API). */
export interface CniBridgeLayer {
  mechanism: 'cni-bridge';
  scope: NodeScope;
}

/** Legacy kubenet (< 1.24): `! -d <--non-masquerade-cidr> -j MASQUERADE` (§6.3). */
export interface KubenetLayer {
  mechanism: 'kubenet';
  nonMasqueradeCIDR: string;
  scope: NodeScope;
}

export type SnatLayer = IpMasqAgentLayer | GkeDefaultSnatLayer | AssumedDefaultLayer | UnreadableDatapathLayer | CiliumMasqueradeLayer
  | AzureIpMasqAgentLayer | GkeEgressNatPolicyLayer | AwsVpcCniLayer | CalicoLayer | FlannelLayer | KubenetLayer | CniBridgeLayer;
export type SnatMechanismId = SnatLayer['mechanism'];

export interface CiliumDatapath {
  namespace: string;
  config: CiliumConfig;
  nodes: CiliumNodeInfo[];
  egressPolicies: CiliumEgressPolicy[];
  /** CiliumEndpoint UIDs by `namespace/name`: multi-gateway policies hash them to pick a gateway. */
  endpointUIDs: Record<string, string>;
}

/** CiliumEgressGatewayPolicies, decided with the Cilium settings and nodes they refer to (reference/cilium-egress.md §3). */
export interface CiliumEgressGatewayLayer {
  mechanism: 'cilium-egress-gateway';
  cilium: CiliumDatapath;
}

/** Calico Enterprise egress gateways, selected by Namespace or Pod annotations (§5.3). */
export interface CalicoEgressGatewayLayer {
  mechanism: 'calico-egress-gateway';
  pools: CalicoPool[];
  egressIPSupport: CalicoLayer['egressIPSupport'];
  egressGatewayPolicies: CalicoLayer['egressGatewayPolicies'];
}

/** The egress gateways that may reroute a packet before node SNAT, in the order they are asked. */
export type GatewayLayer = CiliumEgressGatewayLayer | CalicoEgressGatewayLayer;

export interface Datapath {
  /** Names of the recognised mechanisms, for the report's datapath block. */
  mechanisms: string[];
  layers: SnatLayer[];
  gateways: GatewayLayer[];
  cilium?: CiliumDatapath;
}
