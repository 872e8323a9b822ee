/**
 * Antrea: the agent's node SNAT (ANTREA-POSTROUTING) and its Egress CRD (crd.antrea.io/v1beta1).
 * Its layer types join the datapath's by declaration merging (below).
 */
import type { NodeScope } from '../datapath.ts';
import type { ReadGap } from '../gaps.ts';
import type { ObjectRef } from '../objects.ts';
import type { LabelSelector } from '../selector.ts';

/** antrea-agent.conf `trafficEncapMode` (pkg/config/agent/config.go). */
export type AntreaEncapMode = 'encap' | 'noEncap' | 'hybrid' | 'networkPolicyOnly';

/** What antrea-agent.conf (ConfigMap antrea-config) says about egress traffic; defaults from the agent. */
export interface AntreaAgentConfig {
  trafficEncapMode: AntreaEncapMode;
  /** `noSNAT` (only honoured with noEncap; networkPolicyOnly forces it on). */
  noSNAT: boolean;
  /** featureGates.Egress (beta since v1.6, on by default). */
  egressEnabled: boolean;
  /** featureGates.Multicast (on by default) and multicast.enable (off by default): multicast is not masqueraded in noEncap and hybrid. */
  multicast: boolean;
  /** egress.exceptCIDRs: destinations Egresses never SNAT. */
  exceptCIDRs: string[];
  source: ObjectRef;
  /** The agent refuses this configuration and exits: its datapath is unknown. */
  agentRefuses?: string;
  /** The ConfigMap (or its key) was not among the objects read: the values above are the defaults. */
  notFound?: true;
}

/** Antrea's masquerade rule in ANTREA-POSTROUTING (pkg/agent/route/route_linux.go). */
export interface AntreaLayer {
  mechanism: 'antrea';
  daemonSet?: ObjectRef;
  config: AntreaAgentConfig;
  scope: NodeScope;
  /** The ConfigMap could not be read (RBAC): the encap mode and noSNAT are unknown. */
  unreadConfig?: ReadGap;
  /** The Windows agent (antrea-agent-windows), which SNATs in OVS rather than with iptables: not modelled. */
  windows?: true;
}

/** spec.appliedTo: podSelector and/or namespaceSelector; a ClusterGroup name the tool does not resolve. */
export interface AntreaAppliedTo {
  podSelector?: LabelSelector;
  namespaceSelector?: LabelSelector;
  group?: string;
}

export interface AntreaEgress {
  name: string;
  /** undefined: appliedTo is empty or not a valid selector, so the Egress selects nothing. */
  appliedTo?: AntreaAppliedTo;
  /** spec.egressIP: written by the user, or by antrea-controller once it allocated one from the pool. */
  egressIP?: string;
  /** spec.externalIPPool: the pool the IP comes from and whose nodes may hold it (HA Egress). */
  externalIPPool?: string;
  /** Why the agent installs nothing for it (spec.egressIPs / externalIPPools, which upstream rejects). */
  ignored?: string;
  /** status: the node that holds the IP and the IP in effect, empty until a node claims it. */
  status: { egressIP?: string; egressNode?: string };
}

export interface AntreaIPRange {
  cidr?: string;
  start?: string;
  end?: string;
}

export interface AntreaExternalIPPool {
  name: string;
  ipRanges: AntreaIPRange[];
  /** undefined when the selector is malformed. */
  nodeSelector?: LabelSelector;
}

/** Antrea Egresses, asked before node SNAT. */
export interface AntreaEgressLayer {
  mechanism: 'antrea-egress';
  config: AntreaAgentConfig;
  /** The nodes the Linux agent runs on: pods elsewhere (Windows nodes) have no Egress flows. */
  scope: NodeScope;
  egresses: AntreaEgress[];
  pools: AntreaExternalIPPool[];
  /** Egresses could not be read (RBAC, an unknown version): any pod may be selected. */
  unreadEgresses?: ReadGap;
  /** antrea-config could not be read: whether the feature is on and the encap mode are unknown. */
  unreadConfig?: ReadGap;
  /** ExternalIPPools could not be read: only lint reads them. */
  unreadPools?: ReadGap;
  /** Namespaces could not be read: namespaceSelectors cannot be evaluated. */
  unreadNamespaces?: ReadGap;
}

declare module '../datapath.ts' {
  interface SnatLayers {
    antrea: AntreaLayer;
  }
  interface GatewayLayers {
    'antrea-egress': AntreaEgressLayer;
  }
}
