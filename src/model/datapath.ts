/**
 * What the datapath does to a pod's packets on its node: the node-SNAT layers that are active,
 * in the order the packet meets them in nat POSTROUTING. Built by config/datapath.ts.
 */
import type { ObjectRef } from './objects.ts';
import type { CloudProvider } from './snapshot.ts';
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

export type AgentConfig =
  | { status: 'valid'; origin: 'defaults'; because: ReasonCode; rules: MasqRules; source: ObjectRef }
  | { status: 'valid'; origin: 'file'; rules: MasqRules; ignoredKeys: string[]; source: ObjectRef }
  | { status: 'invalid'; because: ReasonCode; detail: string; source: ObjectRef };

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
  mode: 'bpf' | 'iptables';
  /** Cilium's BPF ip-masq-agent map, when enable-ip-masq-agent is on (it has no effect in iptables mode). */
  ipMasqAgent?: AgentConfig;
  scope: NodeScope;
}

export type SnatLayer = IpMasqAgentLayer | GkeDefaultSnatLayer | AssumedDefaultLayer | UnreadableDatapathLayer | CiliumMasqueradeLayer;
export type SnatMechanismId = SnatLayer['mechanism'];

export interface CiliumDatapath {
  namespace: string;
  config: CiliumConfig;
  nodes: CiliumNodeInfo[];
  egressPolicies: CiliumEgressPolicy[];
  /** CiliumEndpoint UIDs by `namespace/name`: multi-gateway policies hash them to pick a gateway. */
  endpointUIDs: Record<string, string>;
}

export interface Datapath {
  /** Names of the recognised mechanisms, for the report's datapath block. */
  mechanisms: string[];
  layers: SnatLayer[];
  cilium?: CiliumDatapath;
}
