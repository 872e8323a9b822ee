/**
 * CiliumNetworkPolicy and CiliumClusterwideNetworkPolicy (cilium.io/v2), egress side, as the
 * engine reads them: one entry per rule (`spec` and each of `specs`). Field meanings from
 * cilium/cilium pkg/policy/api (rule.go, egress.go, cidr.go, entity.go, l4.go).
 */
import type { CiliumConfig } from './cilium.ts';
import type { CidrRange, Protocol } from './policy.ts';
import type { LabelSelector } from './selector.ts';

/** toEntities values this tool decides (entity.go); any other entity makes a rule's match unknown. */
export type CiliumEntity =
  | 'world'
  | 'world-ipv4'
  | 'world-ipv6'
  | 'cluster'
  | 'host'
  | 'remote-node'
  | 'all'
  | 'kube-apiserver';

/** toCIDR entries and toCIDRSet entries alike: a CIDR and the ranges cut out of it. */
export interface CiliumCidrPeer {
  cidr: CidrRange;
  except: CidrRange[];
}

/** A PortProtocol: protocol ANY when not given; no port is every port; endPort a range; OTHER: ICMP, VRRP, IGMP. */
export interface CiliumPort {
  protocol: Protocol | 'ANY' | 'OTHER';
  port?: number;
  endPort?: number;
  /** A named port (the destination pod's container port of that name), which is not read. */
  named?: string;
}

/**
 * One egress or egressDeny rule. The L3 part is every peer listed (any of them); with none, a rule
 * that has toPorts matches every destination on those ports and one without matches nothing.
 */
export interface CiliumEgressRule {
  /** Selectors on destination endpoints' identity labels (source prefixes removed). */
  toEndpoints: LabelSelector[];
  toCIDR: CiliumCidrPeer[];
  toEntities: string[];
  /** toFQDNs matchName / matchPattern values as written. */
  toFQDNs: string[];
  /** Peers this tool does not model (toServices, toGroups, toNodes, toRequires, a selector on a reserved: or other source label). */
  unmodelledPeers: string[];
  /** toPorts[].ports of every entry; empty: any port. */
  ports: CiliumPort[];
  /** toPorts carries L7 rules (rules, listener, serverNames, …): the proxy decides per request. */
  l7: boolean;
  /** icmps is set: only ICMP is allowed, which no TCP/UDP/SCTP packet is. */
  icmpOnly: boolean;
}

export interface CiliumPolicyRule {
  kind: 'CiliumNetworkPolicy' | 'CiliumClusterwideNetworkPolicy';
  /** The CNP's namespace; undefined for a CCNP. */
  namespace?: string;
  name: string;
  /** `spec` or `specs[i]`. */
  at: string;
  /** endpointSelector in identity-label form; undefined when the rule has a nodeSelector (a host policy). */
  endpointSelector?: LabelSelector;
  /** nodeSelector is set: the rule selects nodes (host firewall), not pods. */
  hostPolicy: boolean;
  egress: CiliumEgressRule[];
  egressDeny: CiliumEgressRule[];
  /** enableDefaultDeny.egress as written; undefined when absent. */
  enableDefaultDenyEgress?: boolean;
  /** Why the API server or the agent refuses the rule: what it does is then unknown. */
  invalid?: { field: string; value: string };
}

/** cilium-config's policy settings (option.Config: enable-policy, policy-cidr-match-mode, enable-non-default-deny-policies, policy-audit-mode). */
export interface CiliumPolicySettings {
  enforcement: 'default' | 'always' | 'never';
  /** policy-cidr-match-mode holds `nodes`: CIDR rules select node addresses too. */
  cidrMatchesNodes: boolean;
  /** enable-non-default-deny-policies is false: enableDefaultDeny is ignored (every rule with an egress section isolates). */
  defaultDenyForced: boolean;
  /** policy-audit-mode: verdicts are logged, nothing is dropped. */
  auditMode: boolean;
  /** enable-policy holds a value the agent refuses. */
  invalidEnforcement?: string;
}

/** What the policy step reads for Cilium: the rules, the agent's policy settings, and cilium-config for the identity labels. */
export interface CiliumPolicyInputs {
  rules: CiliumPolicyRule[];
  settings: CiliumPolicySettings;
  config: CiliumConfig;
}
