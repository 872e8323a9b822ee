/**
 * The policy tiers in the order the datapath applies them (network-policy-api
 * apis/v1alpha2/clusternetworkpolicy_types.go `Tier`, apis/v1alpha1 `Action`): the Admin tier
 * first — Allow and Deny are final, Pass (or no match) hands the packet to NetworkPolicy; a pod a
 * NetworkPolicy isolates for egress gets its verdict there; only for a pod none isolates does the
 * Baseline tier decide, and where it does not either, the packet leaves (Kubernetes' default).
 * Which kinds count depends on the enforcer (config/admin-policy-support.ts): a kind no enforcer
 * found implements changes nothing, and says so; one whose support is unknown is worked out both
 * ways, and the verdict is known only where both agree.
 */
import {
  ADMIN_POLICY_KINDS,
  type AdminPolicyInfo,
  type AdminPolicyKind,
  type AdminSupport,
} from '../../model/admin-policy.ts';
import type { PolicyAnswer, PolicyEnforcer, PolicyTarget } from '../../model/policy.ts';
import type { CodesOf, Finding } from '../../model/reasons.ts';
import type { Findings } from '../core/mechanism.ts';
import { tierOutcome, type AdminView } from './admin-network-policy.ts';
import type { SourceFacts } from './subject.ts';

export const TIER_FINDINGS = {
  ADMIN_POLICY_NOT_ENFORCED: (d) =>
    `${d['kinds']} objects exist, and no enforcer found implements that kind (${d['enforcers']}): they do not change the verdict`,
  ADMIN_POLICY_ENFORCEMENT_UNKNOWN: (d) =>
    `whether ${d['enforcers']} enforces ${d['kinds']} is unknown (a version or setting not read), and it decides this: ${d['with']} if it does, ${d['without']} if not`,
} satisfies Findings;

declare module '../../model/reasons.ts' {
  interface MechanismReasonCodes extends CodesOf<typeof TIER_FINDINGS> {}
}

/** `policies` sorted by priority; `networkPolicies` gives the NetworkPolicy verdict, asked only when the Admin tier leaves it the decision. */
export function tieredVerdict(
  policies: readonly AdminPolicyInfo[],
  enforcers: readonly PolicyEnforcer[],
  pod: SourceFacts,
  target: PolicyTarget,
  view: AdminView,
  networkPolicies: () => PolicyAnswer,
): PolicyAnswer {
  if (policies.length === 0 || pod.hostNetwork) return networkPolicies();
  const present = ADMIN_POLICY_KINDS.filter((kind) => policies.some((p) => p.kind === kind));
  const support = new Map(present.map((kind) => [kind, supportOf(kind, enforcers)]));
  const notes: Finding[] = [];
  const ignored = present.filter((kind) => support.get(kind) === 'no');
  if (ignored.length > 0)
    notes.push({
      code: 'ADMIN_POLICY_NOT_ENFORCED',
      data: { kinds: ignored.join(', '), enforcers: enforcers.map((e) => e.id).join(', ') },
    });
  const doubtful = present.filter((kind) => support.get(kind) === 'unknown');
  const enforced = (extra: readonly AdminPolicyKind[]) =>
    policies.filter((p) => support.get(p.kind) === 'yes' || extra.includes(p.kind));
  const withAll = compose(enforced(doubtful), pod, target, view, networkPolicies);
  if (doubtful.length === 0 || withAll.verdict === 'unknown') return addNotes(withAll, notes);
  for (const subset of subsets(doubtful)) {
    const other = compose(enforced(subset), pod, target, view, networkPolicies);
    if (other.verdict === withAll.verdict) continue;
    const holders = enforcers.filter((e) => doubtful.some((kind) => e.admin?.[kind] === 'unknown')).map((e) => e.id);
    notes.push({
      code: 'ADMIN_POLICY_ENFORCEMENT_UNKNOWN',
      data: {
        enforcers: holders.join(', '),
        kinds: doubtful.join(', '),
        with: withAll.verdict,
        without: other.verdict,
      },
    });
    return { verdict: 'unknown', decidedBy: [], reasons: [...notes, ...withAll.reasons] };
  }
  return addNotes(withAll, notes);
}

function compose(
  policies: readonly AdminPolicyInfo[],
  pod: SourceFacts,
  target: PolicyTarget,
  view: AdminView,
  networkPolicies: () => PolicyAnswer,
): PolicyAnswer {
  const admin = tierOutcome(
    policies.filter((p) => p.tier === 'admin'),
    pod,
    target,
    view,
  );
  if (admin.outcome === 'allow' || admin.outcome === 'deny' || admin.outcome === 'unknown') return answerOf(admin);
  const netpol = networkPolicies();
  if (isolates(netpol)) return addNotes(netpol, admin.reasons, true);
  const baseline = tierOutcome(
    policies.filter((p) => p.tier === 'baseline'),
    pod,
    target,
    view,
  );
  if (baseline.outcome === 'allow' || baseline.outcome === 'deny' || baseline.outcome === 'unknown')
    return addNotes(answerOf(baseline), admin.reasons, true);
  return addNotes(netpol, [...admin.reasons, ...baseline.reasons], true);
}

function answerOf(tier: ReturnType<typeof tierOutcome>): PolicyAnswer {
  const verdict = tier.outcome === 'allow' ? 'allowed' : tier.outcome === 'deny' ? 'denied' : 'unknown';
  return { verdict, decidedBy: verdict === 'unknown' ? [] : tier.decidedBy, reasons: tier.reasons };
}

/** A NetworkPolicy answer other than "no policy isolates the pod": NetworkPolicy decides. */
function isolates(answer: PolicyAnswer): boolean {
  return !(answer.verdict === 'allowed' && answer.reasons[0]?.code === 'NETPOL_NOT_ISOLATED');
}

function addNotes(answer: PolicyAnswer, notes: readonly Finding[], first = false): PolicyAnswer {
  if (notes.length === 0) return answer;
  return { ...answer, reasons: first ? [...notes, ...answer.reasons] : [...answer.reasons, ...notes] };
}

/**
 * Whether the enforcers found implement a kind: one that does is enough; none found at all is
 * treated as implemented (what an unseen enforcer denies is made unknown by the policy step).
 */
function supportOf(kind: AdminPolicyKind, enforcers: readonly PolicyEnforcer[]): AdminSupport {
  if (enforcers.length === 0) return 'yes';
  const each = enforcers.map((e) => e.admin?.[kind] ?? 'no');
  if (each.includes('yes')) return 'yes';
  return each.includes('unknown') ? 'unknown' : 'no';
}

/** Every proper subset of `kinds` (the full set is the verdict compared against). */
function subsets(kinds: readonly AdminPolicyKind[]): AdminPolicyKind[][] {
  const all: AdminPolicyKind[][] = [];
  for (let mask = 0; mask < (1 << kinds.length) - 1; mask++) all.push(kinds.filter((_, i) => mask & (1 << i)));
  return all;
}
