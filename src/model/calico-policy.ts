/**
 * Calico's own policies (crd.projectcalico.org/v1 NetworkPolicy, indexed as CalicoNetworkPolicy,
 * and GlobalNetworkPolicy), as far as which workloads they select for egress: the selector language
 * (projectcalico/calico libcalico-go/lib/selector/parser ast.go) and the endpoint selector felix
 * evaluates (libcalico-go/lib/backend/syncersv1/updateprocessors networkpolicyprocessor.go,
 * globalnetworkpolicyprocessor.go).
 */

import type { CidrRange } from './policy.ts';

/** A parsed Calico selector expression: one node of its syntax tree (ast.go). */
export type CalicoSelector =
  | { op: 'all' }
  | { op: 'global' }
  | { op: 'has'; key: string }
  | { op: '==' | '!=' | 'contains' | 'starts with' | 'ends with'; key: string; value: string }
  | { op: 'in' | 'not in'; key: string; values: readonly string[] }
  | { op: 'not'; operand: CalicoSelector }
  | { op: 'and' | 'or'; operands: readonly CalicoSelector[] };

export type CalicoPolicyKind = 'CalicoNetworkPolicy' | 'GlobalNetworkPolicy';

/** A rule's action (api projectcalico/v3 policy_common.go): Log records the packet and goes on to the next rule. */
export type CalicoAction = 'Allow' | 'Deny' | 'Pass' | 'Log';

/** A port, a range `first:last` (numorstring.Port), or a named port (the endpoint's port of that name). */
export type CalicoPort = { first: number; last: number } | { name: string };

/** An EntityRule (source or destination) as felix matches it (libcalico-go updateprocessors/rules.go). */
export interface CalicoEntity {
  nets: CidrRange[];
  notNets: CidrRange[];
  /** selector, namespaceSelector and serviceAccounts combined as rules.go getEndpointSelector does; absent: any. */
  selector?: CalicoSelector;
  /** notSelector as written (rules.go leaves it unscoped). */
  notSelector?: CalicoSelector;
  ports: CalicoPort[];
  notPorts: CalicoPort[];
  /** Fields this tool does not decide (services, domains), by name. */
  unmodelled: string[];
}

/** An egress rule; protocols as their IP protocol numbers. */
export interface CalicoRule {
  action: CalicoAction;
  ipVersion?: 4 | 6;
  protocol?: number;
  notProtocol?: number;
  /** icmp or notICMP is set. */
  icmp: boolean;
  /** http is set: only the L7 proxy can match it. */
  http: boolean;
  source: CalicoEntity;
  destination: CalicoEntity;
}

/** A Tier (crd.projectcalico.org/v1, api projectcalico/v3 tier.go): no order is applied last. */
export interface CalicoTier {
  name: string;
  order?: number;
  defaultAction: 'Deny' | 'Pass';
}

export interface CalicoPolicyInfo {
  kind: CalicoPolicyKind;
  /** The NetworkPolicy's namespace; undefined for a GlobalNetworkPolicy. */
  namespace?: string;
  name: string;
  /**
   * The endpoint selector felix evaluates: `selector`, for a NetworkPolicy limited to its namespace,
   * and the namespaceSelector and serviceAccountSelector on the `pcns.` and `pcsa.` labels.
   * Undefined when the policy is invalid.
   */
  endpoints?: CalicoSelector;
  /** `types` holds Egress, or is absent (felix calc/policy_sorter.go: no types is Ingress and Egress). */
  egress: boolean;
  /** spec.tier, `default` when not written. */
  tier: string;
  /** spec.order; absent is applied last (felix policy_sorter.go: +Inf). */
  order?: number;
  /** spec.egress, in order. */
  rules: CalicoRule[];
  /** doNotTrack or preDNAT: a policy for host endpoints' raw and mangle chains, which this tool does not work out. */
  hostChains?: string;
  /** Why the API server (or felix) refuses the policy: a field, its value, the parser's complaint. */
  invalid?: { field: string; value: string; error: string };
}
