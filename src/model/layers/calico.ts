/**
 * Calico natOutgoing and Calico Enterprise egress gateways. Its layer types join the datapath's by
 * declaration merging (below).
 */
import type { NodeScope } from '../datapath.ts';
import type { ObjectRef } from '../objects.ts';
import type { ReadGap } from '../gaps.ts';

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
  /** IP pools could not be read (RBAC, an unknown version): which pods Calico NATs is unknown. */
  unreadPools?: ReadGap;
  /** FelixConfigurations could not be read: natOutgoingAddress and natOutgoingExclusions are unknown. */
  unreadFelix?: ReadGap;
}

/** Calico Enterprise egress gateways, selected by Namespace or Pod annotations (§5.3). */
export interface CalicoEgressGatewayLayer {
  mechanism: 'calico-egress-gateway';
  pools: CalicoPool[];
  egressIPSupport: CalicoLayer['egressIPSupport'];
  egressGatewayPolicies: CalicoLayer['egressGatewayPolicies'];
  /** FelixConfigurations (egressIPSupport) or EgressGatewayPolicies could not be read. */
  unreadFelix?: ReadGap;
  unreadPolicies?: ReadGap;
  /** Namespaces could not be read: their egress annotations are unknown. */
  unreadNamespaces?: ReadGap;
}

declare module '../datapath.ts' {
  interface SnatLayers {
    calico: CalicoLayer;
  }
  interface GatewayLayers {
    'calico-egress-gateway': CalicoEgressGatewayLayer;
  }
}
