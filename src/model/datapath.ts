/**
 * What the datapath does to a pod's packets on its node: the node-SNAT layers that are active,
 * in the order the packet meets them in nat POSTROUTING. Built by config/datapath.ts.
 */
import type { ObjectRef } from './objects.ts';
import type { CloudProvider } from './cloud.ts';
import type { ReasonCode } from './reasons.ts';
import type { CiliumConfig, CiliumEgressPolicy, CiliumNodeInfo } from './cilium.ts';
import type { ReadGap } from './gaps.ts';

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
  | { kind: 'ipv6-disabled'; cidr: string }
  /** Go accepts it, iptables-restore does not, so the agent's whole rule set fails to install. */
  | { kind: 'octal-prefix-rejected'; cidr: string; decimal: string }
  | { kind: 'ipv4-mapped-cidr'; cidr: string; ipv4?: string };

/** A CIDR the agent installs other than as written: iptables reads a prefix length with a leading zero as octal. */
export interface RewrittenCidr {
  written: string;
  installed: string;
}

/**
 * `otherKeys`: the ConfigMap the agent reads exists but lacks the key it reads; these are the keys
 * it has instead (a config written under the wrong name).
 */
export type AgentConfig =
  | {
      status: 'valid';
      origin: 'defaults';
      because: ReasonCode;
      rules: MasqRules;
      source: ObjectRef;
      otherKeys?: string[];
    }
  | {
      status: 'valid';
      origin: 'file';
      rules: MasqRules;
      ignoredKeys: string[];
      source: ObjectRef;
      resyncInterval?: string;
      rewritten?: RewrittenCidr[];
    }
  | {
      status: 'invalid';
      because: ReasonCode;
      detail: string;
      source: ObjectRef;
      issue?: AgentConfigIssue;
      otherKeys?: string[];
    };

/**
 * Every node-SNAT layer type, by mechanism id. Each mechanism's own model file (model/layers/)
 * adds its entry by declaration merging, so adding a mechanism does not touch this file.
 */
export interface SnatLayers {}

/** Every egress gateway layer type, by mechanism id, added the same way. */
export interface GatewayLayers {}

export type SnatLayer = SnatLayers[keyof SnatLayers];
export type SnatMechanismId = SnatLayer['mechanism'];

export interface CiliumDatapath {
  namespace: string;
  config: CiliumConfig;
  nodes: CiliumNodeInfo[];
  egressPolicies: CiliumEgressPolicy[];
  /** CiliumEndpoint UIDs by `namespace/name`: multi-gateway policies hash them to pick a gateway. */
  endpointUIDs: Record<string, string>;
  /**
   * The inputs Cilium's answers depend on that could not be read (RBAC, a version the tool does not
   * know): cilium-config, the egress gateway policies, CiliumNodes, CiliumEndpoints. Answers that
   * depend on one are unknown with its gap; nothing is read as its default instead.
   */
  unread?: CiliumUnread;
}

export interface CiliumUnread {
  config?: ReadGap;
  policies?: ReadGap;
  nodes?: ReadGap;
  endpoints?: ReadGap;
}

/** The egress gateways that may reroute a packet before node SNAT, in the order they are asked. */
export type GatewayLayer = GatewayLayers[keyof GatewayLayers];

export interface Datapath {
  /** Names of the recognised mechanisms, for the report's datapath block. */
  mechanisms: string[];
  layers: SnatLayer[];
  gateways: GatewayLayer[];
  cilium?: CiliumDatapath;
}
