/**
 * Calico NetworkPolicy (indexed as CalicoNetworkPolicy) and GlobalNetworkPolicy → which endpoints
 * they select for egress. The endpoint selector is built as Calico's syncer builds the one felix
 * evaluates (libcalico-go/lib/backend/syncersv1/updateprocessors: networkpolicyprocessor.go adds
 * `projectcalico.org/namespace == '<ns>'` to a NetworkPolicy's selector; globalnetworkpolicyprocessor.go
 * adds the namespaceSelector on the `pcns.` labels; both add the serviceAccountSelector on the
 * `pcsa.` labels, selectors.go). A selector that does not parse is one the API server's validator
 * refuses (libcalico-go/lib/validator/v3 validateSelector): the policy is then invalid.
 */
import type { CalicoPolicyInfo, CalicoPolicyKind, CalicoSelector } from '../model/calico-policy.ts';
import type { KubeObject } from '../model/objects.ts';
import { parseCalicoSelectorText } from './calico-selector.ts';
import { getRecord, type ObjectIndex } from './objects.ts';

/** conversion/constants.go: the prefixes of namespace and service account labels on a workload endpoint. */
export const NAMESPACE_LABEL_PREFIX = 'pcns.';
export const SERVICE_ACCOUNT_LABEL_PREFIX = 'pcsa.';
/** api/pkg/apis/projectcalico/v3/constants.go LabelNamespace. */
export const NAMESPACE_LABEL = 'projectcalico.org/namespace';

export function calicoPolicies(index: ObjectIndex): CalicoPolicyInfo[] {
  return (['CalicoNetworkPolicy', 'GlobalNetworkPolicy'] as const).flatMap((kind) => index.all(kind).map((obj) => toCalicoPolicy(kind, obj)));
}

class Invalid extends Error {
  readonly field: string;
  readonly value: string;
  readonly error: string;
  constructor(field: string, value: string, error: string) {
    super(field);
    this.field = field;
    this.value = value;
    this.error = error;
  }
}

export function toCalicoPolicy(kind: CalicoPolicyKind, obj: KubeObject): CalicoPolicyInfo {
  const namespace = kind === 'CalicoNetworkPolicy' ? (obj.metadata.namespace ?? 'default') : undefined;
  const head = { kind, ...(namespace !== undefined && { namespace }), name: obj.metadata.name };
  const spec = getRecord(obj, 'spec') ?? {};
  try {
    const egress = egressType(spec);
    const parts = [selectorAt(spec, 'selector', '')];
    if (namespace !== undefined) parts.push({ op: '==', key: NAMESPACE_LABEL, value: namespace });
    // namespaceSelector exists on GlobalNetworkPolicy only (a NetworkPolicy's namespace is its own).
    if (namespace === undefined && nonEmpty(spec['namespaceSelector'])) parts.push(selectorAt(spec, 'namespaceSelector', NAMESPACE_LABEL_PREFIX));
    if (nonEmpty(spec['serviceAccountSelector'])) parts.push(selectorAt(spec, 'serviceAccountSelector', SERVICE_ACCOUNT_LABEL_PREFIX));
    return { ...head, endpoints: parts.length === 1 ? parts[0]! : { op: 'and', operands: parts }, egress };
  } catch (error) {
    if (!(error instanceof Invalid)) throw error;
    // What it selects is unknown; whether it applies to egress is too when `types` is what was refused.
    // `types` is read first: when something else was refused, it was read fine.
    return { ...head, egress: error.field === 'spec.types' || egressType(spec), invalid: { field: error.field, value: error.value, error: error.error } };
  }
}

function nonEmpty(value: unknown): boolean {
  return value !== undefined && value !== null && value !== '';
}

/** The selector at `spec.<field>`, its labels prefixed as selectors.go parseSelectorAttachPrefix does (PrefixVisitor). */
function selectorAt(spec: Record<string, unknown>, field: string, prefix: string): CalicoSelector {
  const value = spec[field] ?? '';
  if (typeof value !== 'string') throw new Invalid(`spec.${field}`, JSON.stringify(value), 'not a string');
  const parsed = parseCalicoSelectorText(value);
  if ('error' in parsed) throw new Invalid(`spec.${field}`, value, parsed.error);
  return prefix ? prefixed(parsed.selector, prefix) : parsed.selector;
}

function prefixed(selector: CalicoSelector, prefix: string): CalicoSelector {
  switch (selector.op) {
    case 'all': case 'global': return selector;
    case 'not': return { op: 'not', operand: prefixed(selector.operand, prefix) };
    case 'and': case 'or': return { op: selector.op, operands: selector.operands.map((s) => prefixed(s, prefix)) };
    default: return { ...selector, key: prefix + selector.key };
  }
}

/**
 * Whether the policy applies to egress. Without `types`, felix applies it to both directions
 * (felix/calc/policy_sorter.go ExtractPolicyMetadata); the Calico API server and calicoctl write the
 * default into the object (api/pkg/defaults/networkpolicy.go), so a stored object without it was
 * written to the CRD directly. A type other than Ingress or Egress is refused (the CRD's enum).
 */
function egressType(spec: Record<string, unknown>): boolean {
  const types = spec['types'];
  if (types === undefined || types === null) return true;
  if (!Array.isArray(types) || types.some((t) => t !== 'Ingress' && t !== 'Egress')) throw new Invalid('spec.types', JSON.stringify(types), 'not a list of Ingress and Egress');
  return types.length === 0 || types.includes('Egress');
}

