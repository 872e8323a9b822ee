/**
 * The verdict where Calico enforces and Calico policies select the pod, as felix renders a
 * workload endpoint's egress chain (felix/rules/endpoints.go): tiers in order (Tier `order`, none
 * last, then name: felix/calc/policy_sorter.go TierLess), each tier that has a policy applying to
 * the pod for egress in turn; in a tier its policies by `order` (none last), then by
 * name/namespace/kind (PolKVLess), and in a policy its egress rules in order: the first that
 * matches decides — Allow and Deny are final, Pass goes on to the next tier, Log goes on to the
 * next rule. A tier whose policies match nothing ends in its `defaultAction`: Deny (the default)
 * drops the packet, Pass goes on. After the last tier the namespace's profile (kns.<namespace>,
 * conversion.go NamespaceToProfile) allows all egress. Kubernetes NetworkPolicies sit in the
 * default tier at order 1000 with allow rules only (conversion.go K8sNetworkPolicyToCalico); the
 * default tier has order 1000000 and defaultAction Deny (tier.go).
 */
import type { CalicoPolicyInfo, CalicoTier } from '../../model/calico-policy.ts';
import type { NetworkPolicyInfo, PolicyAnswer, PolicyInputs, PolicyRef, PolicyTarget } from '../../model/policy.ts';
import type { CodesOf, Finding } from '../../model/reasons.ts';
import type { Findings } from '../core/mechanism.ts';
import { matchesSelector } from '../core/label-selector.ts';
import { calicoRuleMatches, type CalicoRuleContext } from './calico-rules.ts';
import type { CalicoEndpoint } from './calico-selection.ts';
import { networkPolicyVerdict } from './network-policy.ts';
import type { ClusterView } from './network-policy-rules.ts';

export const CALICO_POLICY_FINDINGS = {
  CALICO_ALLOWED: (d) => `Calico ${d['policy']} allows it (${d['rule']}, tier ${d['tier']})`,
  CALICO_DENIED: (d) => `Calico ${d['policy']} denies it (${d['rule']}, tier ${d['tier']})`,
  CALICO_END_OF_TIER: (d) =>
    `policies of tier ${d['tier']} (${d['policies']}) apply to the pod and none of their rules matches: the tier drops it`,
  CALICO_PROFILE_ALLOWS: (d) => `no tier decides (${d['passed']}): the namespace's profile allows all egress`,
  CALICO_TIER_UNKNOWN: (d) =>
    `Calico ${d['policy']} is in tier ${d['tier']}, which ${d['why']}: where it applies is unknown`,
  CALICO_ORDER_TIE: (d) =>
    `a Calico policy and NetworkPolicy ${d['policy']} share order ${d['order']} in the default tier, and which goes first depends on the Calico release`,
} satisfies Findings;

declare module '../../model/reasons.ts' {
  interface MechanismReasonCodes extends CodesOf<typeof CALICO_POLICY_FINDINGS> {}
}

const DEFAULT_TIER: CalicoTier = { name: 'default', order: 1_000_000, defaultAction: 'Deny' };
const NETWORK_POLICY_ORDER = 1000;

type Action = 'Allow' | 'Deny' | 'Pass';

/** What a policy does with the packet: the rules that may match before the first that surely does (with their actions), and that one. */
interface Outcome {
  maybe: { action: Action; why: Finding }[];
  decided?: { action: Action; at: string };
}

/** One policy applying to the pod for egress, as felix orders them. */
interface Entry {
  order: number;
  /** How the trace names it. */
  key: string;
  /** What felix sorts policies of one order by. */
  sortKey: string;
  ref: Omit<PolicyRef, 'rule'>;
  decide: () => Outcome;
}

export interface CalicoAsk {
  tiers: readonly CalicoTier[];
  /** Why Tiers could not be read; absent when they were. */
  tiersUnread?: string;
  /** The Calico policies that select the pod for egress. */
  selected: readonly CalicoPolicyInfo[];
  /** The NetworkPolicies of the pod's namespace. */
  networkPolicies: readonly NetworkPolicyInfo[];
  view: ClusterView;
}

/**
 * Why the Calico verdict is not worked out for a pod Calico policies select, or undefined when it is:
 * it needs calico-node to enforce them, and no other enforcer beside it; admin network policies
 * sit in tiers whose names and orders changed between Calico releases.
 */
export function calicoBlocker(inputs: PolicyInputs): string | undefined {
  if (!inputs.enforcers.some((e) => e.id === 'calico'))
    return 'calico-node, which enforces them, was not found among the DaemonSets read';
  const others = [...new Set(inputs.enforcers.filter((e) => e.id !== 'calico').map((e) => e.id))];
  if (others.length > 0) return `${others.join(', ')} enforces policies beside Calico`;
  if (inputs.adminPolicies.length > 0)
    return 'admin network policies exist, and where Calico puts their tiers depends on its release';
  return undefined;
}

export function calicoVerdict(ask: CalicoAsk, pod: CalicoEndpoint, target: PolicyTarget): PolicyAnswer {
  const byTier = new Map<string, Entry[]>();
  const ctx: CalicoRuleContext = { target, pod, view: ask.view };
  for (const policy of ask.selected) add(byTier, policy.tier, calicoEntry(policy, ctx));
  for (const np of ask.networkPolicies) {
    if (np.namespace === pod.namespace && np.isolatesEgress && matchesSelector(pod.labels, np.podSelector))
      add(byTier, 'default', networkPolicyEntry(np, pod, target, ask.view));
  }
  const tiers: CalicoTier[] = [];
  for (const [name, entries] of byTier) {
    const tier =
      name === 'default'
        ? (ask.tiers.find((t) => t.name === name) ?? DEFAULT_TIER)
        : ask.tiers.find((t) => t.name === name);
    if (!tier)
      return unknownAnswer([
        {
          code: 'CALICO_TIER_UNKNOWN',
          data: {
            policy: entries[0]!.key,
            tier: name,
            why: ask.tiersUnread ? `could not be read (${ask.tiersUnread})` : 'was not found',
          },
        },
      ]);
    tiers.push(tier);
  }
  tiers.sort(tierLess);
  const passed: string[] = [];
  for (const tier of tiers) {
    const answer = tierVerdict(tier, byTier.get(tier.name)!.sort(entryLess));
    if (answer) return answer;
    passed.push(tier.name);
  }
  return {
    verdict: 'allowed',
    decidedBy: [],
    reasons: [{ code: 'CALICO_PROFILE_ALLOWS', data: { passed: `tiers passed: ${passed.join(', ')}` } }],
  };
}

function add(byTier: Map<string, Entry[]>, tier: string, entry: Entry): void {
  const list = byTier.get(tier);
  if (list) list.push(entry);
  else byTier.set(tier, [entry]);
}

/**
 * The tier's answer, or undefined when the packet goes on to the next tier. A rule that may match
 * before the deciding one leaves the answer unknown unless it would do the same.
 */
function tierVerdict(tier: CalicoTier, entries: readonly Entry[]): PolicyAnswer | undefined {
  const tie = orderTie(entries);
  if (tie) return unknownAnswer([tie]);
  const maybe: Outcome['maybe'] = [];
  for (const entry of entries) {
    const outcome = entry.decide();
    maybe.push(...outcome.maybe);
    if (!outcome.decided) continue;
    const { action, at } = outcome.decided;
    if (maybe.some((m) => m.action !== action)) return unknownAnswer(maybe.map((m) => m.why));
    if (action === 'Pass') return undefined;
    const data = { policy: entry.key, rule: at, tier: tier.name };
    return {
      verdict: action === 'Allow' ? 'allowed' : 'denied',
      decidedBy: [{ ...entry.ref, rule: at }],
      reasons: [{ code: action === 'Allow' ? 'CALICO_ALLOWED' : 'CALICO_DENIED', data, source: entry.ref }],
    };
  }
  if (maybe.some((m) => m.action !== tier.defaultAction)) return unknownAnswer(maybe.map((m) => m.why));
  if (tier.defaultAction === 'Pass') return undefined;
  return {
    verdict: 'denied',
    decidedBy: entries.map((e) => ({ ...e.ref, rule: `end of tier ${tier.name}` })),
    reasons: [
      { code: 'CALICO_END_OF_TIER', data: { tier: tier.name, policies: entries.map((e) => e.key).join(', ') } },
    ],
  };
}

function calicoEntry(policy: CalicoPolicyInfo, ctx: CalicoRuleContext): Entry {
  const kind = policy.kind === 'GlobalNetworkPolicy' ? 'GlobalNetworkPolicy' : 'NetworkPolicy';
  const ref = { kind: policy.kind, ...(policy.namespace && { namespace: policy.namespace }), name: policy.name };
  return {
    order: policy.order ?? Infinity,
    key: `${policy.namespace ? `${policy.namespace}/` : ''}${policy.name}`,
    ref,
    // felix's tie-break key (PolKVLess): name, namespace, kind.
    sortKey: `${policy.name}/${policy.namespace ?? ''}/${kind}`,
    decide: () => {
      const maybe: Outcome['maybe'] = [];
      for (const [i, rule] of policy.rules.entries()) {
        // Log records the packet and goes on: it never decides.
        if (rule.action === 'Log') continue;
        const match = calicoRuleMatches(rule, ctx);
        if (match.match === 'yes') return { maybe, decided: { action: rule.action, at: `egress[${i}]` } };
        if (match.match === 'unknown') maybe.push({ action: rule.action, why: { ...match.why, source: ref } });
      }
      return { maybe };
    },
  };
}

/** A NetworkPolicy isolating the pod: its rules allow, else it matches nothing (the tier's end decides). */
function networkPolicyEntry(
  np: NetworkPolicyInfo,
  pod: CalicoEndpoint,
  target: PolicyTarget,
  view: ClusterView,
): Entry {
  return {
    order: NETWORK_POLICY_ORDER,
    key: `${np.namespace}/${np.name}`,
    sortKey: `${np.name}/${np.namespace}/KubernetesNetworkPolicy`,
    ref: { kind: 'NetworkPolicy', namespace: np.namespace, name: np.name },
    decide: () => {
      const answer = networkPolicyVerdict([np], pod, target, view);
      if (answer.verdict === 'unknown')
        return { maybe: answer.reasons.map((why) => ({ action: 'Allow' as const, why })) };
      return answer.verdict === 'allowed'
        ? { maybe: [], decided: { action: 'Allow', at: answer.decidedBy[0]!.rule } }
        : { maybe: [] };
    },
  };
}

/** Felix breaks order ties by name/namespace/kind, and NetworkPolicies' names in that key changed between releases. */
function orderTie(entries: readonly Entry[]): Finding | undefined {
  const np = entries.find((e) => e.ref.kind === 'NetworkPolicy');
  if (!np || !entries.some((e) => e.ref.kind !== 'NetworkPolicy' && e.order === np.order)) return undefined;
  return { code: 'CALICO_ORDER_TIE', data: { policy: np.key, order: String(np.order) } };
}

function tierLess(a: CalicoTier, b: CalicoTier): number {
  const ao = a.order ?? Infinity;
  const bo = b.order ?? Infinity;
  if (ao !== bo) return ao < bo ? -1 : 1;
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

function entryLess(a: Entry, b: Entry): number {
  if (a.order !== b.order) return a.order < b.order ? -1 : 1;
  return a.sortKey < b.sortKey ? -1 : a.sortKey > b.sortKey ? 1 : 0;
}

function unknownAnswer(reasons: Finding[]): PolicyAnswer {
  return { verdict: 'unknown', decidedBy: [], reasons };
}
