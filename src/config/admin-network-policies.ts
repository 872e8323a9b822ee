/**
 * AdminNetworkPolicy, BaselineAdminNetworkPolicy (policy.networking.k8s.io/v1alpha1) and
 * ClusterNetworkPolicy (v1alpha2) objects → AdminPolicyInfo, egress side only. The CRDs' schema
 * validates live objects; `-f` input may hold anything, so a field the schema refuses makes the
 * policy `invalid` (its verdicts unknown where it may select the pod) instead of being guessed at.
 * Sources: kubernetes-sigs/network-policy-api apis/v1alpha1/{adminnetworkpolicy,
 * baselineadminnetworkpolicy,shared}_types.go and apis/v1alpha2/clusternetworkpolicy_types.go
 * (the kubebuilder markers: enums, Minimum/Maximum, MinProperties/MaxProperties, XValidation).
 */
import type {
  AdminAction,
  AdminEgressRule,
  AdminPeer,
  AdminPolicyInfo,
  AdminPolicyKind,
  AdminTier,
} from '../model/admin-policy.ts';
import type { KubeObject } from '../model/objects.ts';
import type { CidrRange, NetworkPolicyPort } from '../model/policy.ts';
import type { LabelSelector } from '../model/selector.ts';
import { parseCidr } from '../net/ip.ts';
import { adminPorts, only } from './admin-policy-ports.ts';
import { toLabelSelector } from './label-selector.ts';
import { Refused } from './network-policies.ts';
import { getArray, getRecord, getString, isRecord } from './objects.ts';

/** Each kind's actions as written → the engine's. */
const ACTIONS: Record<AdminPolicyKind, Readonly<Record<string, AdminAction>>> = {
  AdminNetworkPolicy: { Allow: 'allow', Deny: 'deny', Pass: 'pass' },
  BaselineAdminNetworkPolicy: { Allow: 'allow', Deny: 'deny' },
  ClusterNetworkPolicy: { Accept: 'allow', Deny: 'deny', Pass: 'pass' },
};

export function toAdminPolicy(obj: KubeObject): AdminPolicyInfo {
  const kind = obj.kind as AdminPolicyKind;
  const name = obj.metadata.name ?? '';
  const spec = getRecord(obj, 'spec') ?? {};
  let tier: AdminTier = kind === 'BaselineAdminNetworkPolicy' ? 'baseline' : 'admin';
  let priority = 0;
  try {
    // baselineadminnetworkpolicy_types.go: the singleton must be named `default`.
    if (kind === 'BaselineAdminNetworkPolicy' && name !== 'default') throw new Refused('metadata.name', name);
    if (kind === 'ClusterNetworkPolicy') tier = tierOf(spec['tier']);
    if (kind !== 'BaselineAdminNetworkPolicy') priority = priorityOf(spec['priority']);
    const subject = subjectOf(spec['subject']);
    const egress = getArray(spec, 'egress').map((rule, i) => egressRule(kind, rule, `spec.egress[${i}]`));
    return { kind, name, tier, priority, subject, egress };
  } catch (error) {
    if (!(error instanceof Refused)) throw error;
    return {
      kind,
      name,
      tier,
      priority,
      subject: { namespaceSelector: [] },
      egress: [],
      invalid: {
        field: error.field,
        value: typeof error.value === 'string' ? error.value : (JSON.stringify(error.value) ?? 'null'),
      },
    };
  }
}

function tierOf(value: unknown): AdminTier {
  if (value === 'Admin') return 'admin';
  if (value === 'Baseline') return 'baseline';
  throw new Refused('spec.tier', value);
}

function priorityOf(value: unknown): number {
  if (typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= 1000) return value;
  throw new Refused('spec.priority', value);
}

/** shared_types.go AdminNetworkPolicySubject: exactly one of `namespaces` and `pods`. */
function subjectOf(value: unknown): AdminPolicyInfo['subject'] {
  const [key, peer] = only(value, 'spec.subject', ['namespaces', 'pods']);
  if (key === 'namespaces') return { namespaceSelector: selector(peer, 'spec.subject.namespaces') };
  return namespacedPod(peer, 'spec.subject.pods');
}

function egressRule(kind: AdminPolicyKind, rule: unknown, field: string): AdminEgressRule {
  if (!isRecord(rule)) throw new Refused(field, rule);
  const action = ACTIONS[kind][getString(rule, 'action') ?? ''];
  if (!action) throw new Refused(`${field}.action`, rule['action']);
  const to = getArray(rule, 'to');
  if (to.length === 0) throw new Refused(`${field}.to`, rule['to'] ?? null);
  const peers = to.map((peer, i) => toPeer(peer, `${field}.to[${i}]`));
  const ports: NetworkPolicyPort[] = adminPorts(kind, rule, field);
  // The XValidation rules on the egress rule: a named port only towards pods.
  if (ports.some((p) => typeof p.port === 'string') && peers.some((p) => p.kind !== 'pods'))
    throw new Refused(`${field}.to`, 'a named port with a networks, nodes or domainNames peer');
  const name = getString(rule, 'name');
  return {
    ref: name ? `${field.replace(/^spec\./, '')} ${name}` : field.replace(/^spec\./, ''),
    action,
    to: peers,
    ports,
  };
}

/** An egress peer: exactly one field; one the schema lacks (a newer CRD's) is refused too — what the enforcer makes of it is unknown. */
function toPeer(value: unknown, field: string): AdminPeer {
  const [key, peer] = only(value, field, ['namespaces', 'pods', 'nodes', 'networks', 'domainNames']);
  const at = `${field}.${key}`;
  switch (key) {
    case 'namespaces':
      return { kind: 'pods', namespaceSelector: selector(peer, at) };
    case 'pods':
      return { kind: 'pods', ...namespacedPod(peer, at) };
    case 'nodes':
      return { kind: 'nodes', nodeSelector: selector(peer, at) };
    case 'networks':
      return { kind: 'networks', cidrs: nonEmpty(peer, at).map((c, i) => cidr(c, `${at}[${i}]`)) };
    default:
      return { kind: 'domainNames', names: nonEmpty(peer, at).map((n) => String(n)) };
  }
}

function namespacedPod(
  value: unknown,
  field: string,
): { namespaceSelector: LabelSelector; podSelector: LabelSelector } {
  if (!isRecord(value)) throw new Refused(field, value);
  return {
    namespaceSelector: selector(value['namespaceSelector'], `${field}.namespaceSelector`),
    podSelector: selector(value['podSelector'], `${field}.podSelector`),
  };
}

function selector(value: unknown, field: string): LabelSelector {
  const parsed = toLabelSelector(value ?? {});
  if (!parsed || !isRecord(value ?? {})) throw new Refused(field, value);
  return parsed;
}

function nonEmpty(value: unknown, field: string): unknown[] {
  if (!Array.isArray(value) || value.length === 0) throw new Refused(field, value);
  return value;
}

function cidr(value: unknown, field: string): CidrRange {
  const parsed = typeof value === 'string' ? parseCidr(value)?.cidr : undefined;
  if (!parsed) throw new Refused(field, value);
  return parsed;
}
