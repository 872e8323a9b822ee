/**
 * Calico's own policies (crd.projectcalico.org/v1 NetworkPolicy, indexed as CalicoNetworkPolicy,
 * and GlobalNetworkPolicy), as far as which workloads they select for egress: the selector language
 * (projectcalico/calico libcalico-go/lib/selector/parser ast.go) and the endpoint selector felix
 * evaluates (libcalico-go/lib/backend/syncersv1/updateprocessors networkpolicyprocessor.go,
 * globalnetworkpolicyprocessor.go).
 */

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
  /** Why the API server (or felix) refuses the policy: a field, its value, the parser's complaint. */
  invalid?: { field: string; value: string; error: string };
}
