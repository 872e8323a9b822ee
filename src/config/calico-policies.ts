/**
 * Calico NetworkPolicy (indexed as CalicoNetworkPolicy) and GlobalNetworkPolicy → which endpoints
 * they select for egress. The endpoint selector is built as Calico's syncer builds the one felix
 * evaluates (libcalico-go/lib/backend/syncersv1/updateprocessors: networkpolicyprocessor.go adds
 * `projectcalico.org/namespace == '<ns>'` to a NetworkPolicy's selector; globalnetworkpolicyprocessor.go
 * adds the namespaceSelector on the `pcns.` labels; both add the serviceAccountSelector on the
 * `pcsa.` labels, selectors.go). A selector that does not parse is one the API server's validator
 * refuses (libcalico-go/lib/validator/v3 validateSelector): the policy is then invalid.
 */
import type { CalicoPolicyInfo, CalicoPolicyKind, CalicoSelector, CalicoTier } from '../model/calico-policy.ts';
import type { KubeObject } from '../model/objects.ts';
import { calicoRule, prefixed } from './calico-rules.ts';
import { parseCalicoSelectorText } from './calico-selector.ts';
import { Refused } from './network-policies.ts';
import { getArray, getRecord, getString, type ObjectIndex } from './objects.ts';

/** conversion/constants.go: the prefixes of namespace and service account labels on a workload endpoint. */
export const NAMESPACE_LABEL_PREFIX = 'pcns.';
export const SERVICE_ACCOUNT_LABEL_PREFIX = 'pcsa.';
/** api/pkg/apis/projectcalico/v3/constants.go LabelNamespace. */
export const NAMESPACE_LABEL = 'projectcalico.org/namespace';

export function calicoPolicies(index: ObjectIndex): CalicoPolicyInfo[] {
  return (['CalicoNetworkPolicy', 'GlobalNetworkPolicy'] as const).flatMap((kind) =>
    index.all(kind).map((obj) => toCalicoPolicy(kind, obj)),
  );
}

/** A field Calico refuses, with the parser's or validator's complaint. */
class Invalid extends Refused {
  readonly reason: string;
  constructor(field: string, value: string, reason: string) {
    super(field, value);
    this.reason = reason;
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
    if (namespace === undefined && nonEmpty(spec['namespaceSelector']))
      parts.push(selectorAt(spec, 'namespaceSelector', NAMESPACE_LABEL_PREFIX));
    if (nonEmpty(spec['serviceAccountSelector']))
      parts.push(selectorAt(spec, 'serviceAccountSelector', SERVICE_ACCOUNT_LABEL_PREFIX));
    const rules = getArray(spec, 'egress').map((rule, i) => calicoRule(rule, `spec.egress[${i}]`, namespace));
    const hostChains = ['doNotTrack', 'preDNAT'].find((f) => spec[f] === true);
    return {
      ...head,
      ...placement(spec),
      ...(hostChains && { hostChains }),
      endpoints: parts.length === 1 ? parts[0]! : { op: 'and', operands: parts },
      egress,
      rules,
    };
  } catch (error) {
    if (!(error instanceof Refused)) throw error;
    const value = typeof error.value === 'string' ? error.value : (JSON.stringify(error.value) ?? 'null');
    const reason = error instanceof Invalid ? error.reason : 'refused by the validator';
    // What it selects is unknown; whether it applies to egress is too when `types` is what was
    // refused (`types` is read first: when something else was refused, it was read fine).
    return {
      ...head,
      tier: 'default',
      rules: [],
      egress: error.field === 'spec.types' || egressType(spec),
      invalid: { field: error.field, value, error: reason },
    };
  }
}

/** spec.tier (`default` when not written) and spec.order (none: applied last). */
function placement(spec: Record<string, unknown>): { tier: string; order?: number } {
  const tier = spec['tier'] ?? 'default';
  if (typeof tier !== 'string' || tier === '') throw new Invalid('spec.tier', JSON.stringify(tier), 'not a tier name');
  const order = spec['order'];
  if (order !== undefined && order !== null && (typeof order !== 'number' || !Number.isFinite(order)))
    throw new Invalid('spec.order', JSON.stringify(order), 'not a number');
  return { tier, ...(typeof order === 'number' && { order }) };
}

/** Tiers (crd.projectcalico.org/v1): `order` (none: last) and `defaultAction`, Deny unless Pass (tier.go). */
export function calicoTiers(index: ObjectIndex): CalicoTier[] {
  return index.all('CalicoTier').map((obj) => {
    const spec = getRecord(obj, 'spec') ?? {};
    const order = spec['order'];
    return {
      name: obj.metadata.name,
      ...(typeof order === 'number' && { order }),
      defaultAction: getString(spec, 'defaultAction') === 'Pass' ? 'Pass' : 'Deny',
    };
  });
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

/**
 * Whether the policy applies to egress. Without `types`, felix applies it to both directions
 * (felix/calc/policy_sorter.go ExtractPolicyMetadata); the Calico API server and calicoctl write the
 * default into the object (api/pkg/defaults/networkpolicy.go), so a stored object without it was
 * written to the CRD directly. A type other than Ingress or Egress is refused (the CRD's enum).
 */
function egressType(spec: Record<string, unknown>): boolean {
  const types = spec['types'];
  if (types === undefined || types === null) return true;
  if (!Array.isArray(types) || types.some((t) => t !== 'Ingress' && t !== 'Egress'))
    throw new Invalid('spec.types', JSON.stringify(types), 'not a list of Ingress and Egress');
  return types.length === 0 || types.includes('Egress');
}
