/**
 * The egress policy verdict for one subject's packet (subject.ts): Kubernetes NetworkPolicy
 * (network-policy.ts) — where Cilium enforces, with Cilium's own policies beside it
 * (cilium-policy.ts) — within the admin policy tiers around it (tiers.ts), and beside all of them
 * OVN-Kubernetes' EgressFirewall, which the packet must pass too (egress-firewall.ts); where
 * calico-node enforces and Calico policies select the pod, Calico's tiers instead (calico-policy.ts); where a
 * policy of another kind exists that could decide it, where the policies could not be read, or
 * where an isolating policy has no enforcer in sight, the verdict is `unknown`, never a guess.
 * It reads the subject, the destination and the call's snapshot, nothing else.
 */
import type { Destination } from '../../model/decision.ts';
import type { ReadGap } from '../../model/gaps.ts';
import type { AdminPolicyInfo } from '../../model/admin-policy.ts';
import type { CiliumPolicyRule } from '../../model/cilium-policy.ts';
import type { NetworkPolicyInfo, PolicyAnswer, PolicyInputs } from '../../model/policy.ts';
import type { CodesOf, Finding } from '../../model/reasons.ts';
import type { Snapshot } from '../../model/snapshot.ts';
import { gapData } from '../../config/gaps.ts';
import { derivation, type EngineContext } from '../core/context.ts';
import type { Findings } from '../core/mechanism.ts';
import { labelView } from '../gateways/cilium-identity.ts';
import { nodeAddresses } from './cilium-destination.ts';
import { ciliumVerdict, type CiliumAsk } from './cilium-policy.ts';
import { bothMustAllow, egressFirewallAnswer } from './egress-firewall.ts';
import { networkPolicyVerdict } from './network-policy.ts';
import type { PolicySubject } from './subject.ts';
import { tieredVerdict } from './tiers.ts';
import { policyView } from './view.ts';
import { serviceAddress } from '../core/service-addresses.ts';
import { withClusterWide } from './by-namespace.ts';
import { calicoSelectionOf, selectionUnknowns, type CalicoSelection } from './calico-selection.ts';
import { calicoBlocker, calicoVerdict } from './calico-policy.ts';

export const POLICY_FINDINGS = {
  NETWORK_POLICIES_UNREADABLE: (d) =>
    `NetworkPolicies could not be read (${d['reason']}${d['served'] ? `: served as ${d['served']}` : ''}): whether one denies this is unknown`,
  POLICY_KINDS_NOT_EVALUATED: (d) =>
    `${d['policies']} may allow or deny it, and this tool does not work out policies of ${d['kinds'] === '1' ? 'that kind' : 'those kinds'} yet`,
  POLICY_KIND_UNREADABLE: (d) =>
    `${d['resource']} could not be read (${d['reason']}${d['served'] ? `: served as ${d['served']}` : ''}): a policy of that kind may decide it`,
  POLICY_ENFORCERS_UNREADABLE: (d) =>
    `policies deny it, but no NetworkPolicy enforcer was found and what would show one could not be read (${d['reads']}): ${d['verdict']} if one runs, let out if none does`,
  POLICY_ENFORCER_NOT_FOUND: (d) =>
    `policies deny it, but nothing read runs a NetworkPolicy enforcer (no enforcer's DaemonSet, no EKS Auto Mode policy controller turned on): ${d['verdict']} if one runs unseen, let out if none does`,
} satisfies Findings;

declare module '../../model/reasons.ts' {
  interface MechanismReasonCodes extends CodesOf<typeof POLICY_FINDINGS> {}
}

/** The verdict for the subject's packet to the destination. */
export function policyVerdict(ctx: EngineContext, subject: PolicySubject, destination: Destination): PolicyAnswer {
  const answer = withNodeDefault(verdictOf(ctx, subject, destination), subject);
  const firewall = egressFirewallAnswer(ctx, subject, destination);
  return firewall ? bothMustAllow(answer, firewall) : answer;
}

/** Where the node denies by default (or may), a pod no policy isolates is not simply allowed. */
function withNodeDefault(answer: PolicyAnswer, subject: PolicySubject): PolicyAnswer {
  const finding = subject.nodeDefault?.finding;
  if (!finding || answer.verdict !== 'allowed' || answer.decidedBy.length > 0) return answer;
  return unknown([finding, ...answer.reasons]);
}

function verdictOf(ctx: EngineContext, subject: PolicySubject, destination: Destination): PolicyAnswer {
  const inputs = ctx.snapshot.policy;
  // Enforcers judge the Service endpoint the virtual IP is translated to, which is not known here.
  const service = ctx.of(serviceAddress, destination);
  if (service) return unknown([service]);
  if (inputs.networkPoliciesUnread)
    return unknown([{ code: 'NETWORK_POLICIES_UNREADABLE', data: gapData(inputs.networkPoliciesUnread) }]);
  const target = {
    range: destination.range,
    protocol: destination.protocol,
    ...(destination.port !== undefined && { port: destination.port }),
  };
  const view = ctx.of(policyView, ctx.snapshot);
  const networkPolicies = () =>
    networkPolicyVerdict(ctx.of(policiesByNamespace, ctx.snapshot).get(subject.namespace) ?? [], subject, target, view);
  // Where Cilium enforces, NetworkPolicy and Cilium's own kinds decide together in the middle tier.
  const cilium = subject.cilium;
  const middle = cilium
    ? () =>
        ciliumVerdict(inputs.cilium, ciliumAsk(ctx, subject, destination), subject, cilium, target, networkPolicies())
    : networkPolicies;
  const endpoint = subject.calico && {
    namespace: subject.namespace,
    labels: subject.labels,
    hostNetwork: subject.hostNetwork,
    ...subject.calico,
  };
  const calico = endpoint && calicoSelectionOf(ctx, endpoint);
  // Where calico-node enforces and its policies select the pod, Calico's tiers decide, NetworkPolicy among them.
  const calicoDecides =
    endpoint !== undefined &&
    calico !== undefined &&
    calico.selected.length > 0 &&
    calico.unknowns.length === 0 &&
    calicoBlocker(inputs) === undefined;
  const answer = calicoDecides
    ? calicoVerdict(calicoAsk(ctx, subject, calico), endpoint, target)
    : tieredVerdict(ctx.of(adminPolicies, ctx.snapshot), inputs.enforcers, subject, target, view, middle);
  const calicoUnknowns =
    calico && !calicoDecides
      ? selectionUnknowns(calico, calicoBlocker(inputs) ?? 'whether other Calico policies select it is unknown')
      : [];
  const others = [...otherKinds(inputs, subject), ...calicoUnknowns];
  if (others.length > 0) return unknown([...others, ...answer.reasons]);
  // Only a denial needs an enforcer: what policies allow leaves whether or not anything enforces them.
  const enforced =
    answer.verdict === 'denied' && inputs.enforcers.length === 0
      ? unknown([noEnforcerFinding(inputs.enforcersUnread ?? [], answer.verdict), ...answer.reasons])
      : answer;
  return calico?.note ? { ...enforced, reasons: [...enforced.reasons, calico.note] } : enforced;
}

/** Why a denial found no enforcer: none in what was read, or the reads that would show one were refused. */
function noEnforcerFinding(unread: readonly ReadGap[], verdict: string): Finding {
  if (unread.length === 0) return { code: 'POLICY_ENFORCER_NOT_FOUND', data: { verdict } };
  const reads = unread.map((g) => `${g.resource}${g.namespace ? ` in ${g.namespace}` : ''}: ${g.reason}`).join('; ');
  return { code: 'POLICY_ENFORCERS_UNREADABLE', data: { verdict, reads } };
}

/** Where Calico enforces: the policies that select the pod, its namespace's NetworkPolicies (Calico's default tier holds them) and the Tiers. */
function calicoAsk(ctx: EngineContext, subject: PolicySubject, selection: CalicoSelection) {
  const inputs = ctx.snapshot.policy;
  return {
    tiers: inputs.calicoTiers ?? [],
    ...(inputs.calicoTiersUnread && { tiersUnread: inputs.calicoTiersUnread.reason }),
    selected: selection.selected,
    networkPolicies: ctx.of(policiesByNamespace, ctx.snapshot).get(subject.namespace) ?? [],
    view: ctx.of(policyView, ctx.snapshot),
  };
}

function unknown(reasons: Finding[]): PolicyAnswer {
  return { verdict: 'unknown', decidedBy: [], reasons };
}

/** Where Cilium enforces, its own policy kinds are worked out (cilium-policy.ts). */
const CILIUM_POLICY_KINDS = new Set(['CiliumNetworkPolicy', 'CiliumClusterwideNetworkPolicy']);

/** Why policies of other kinds may decide for a pod of this namespace: ones that exist, and kinds not read. */
function otherKinds(inputs: PolicyInputs, subject: PolicySubject): Finding[] {
  const namespace = subject.namespace;
  const evaluated = subject.cilium ? CILIUM_POLICY_KINDS : new Set<string>();
  const found = inputs.unevaluated.filter(
    (p) => (p.namespace === undefined || p.namespace === namespace) && !evaluated.has(p.kind),
  );
  const findings: Finding[] = [];
  if (found.length > 0) {
    const names = found
      .slice(0, 3)
      .map((p) => `${p.kind} ${p.namespace ? `${p.namespace}/` : ''}${p.name}`)
      .join(', ');
    const kinds = new Set(found.map((p) => p.kind)).size;
    findings.push({
      code: 'POLICY_KINDS_NOT_EVALUATED',
      data: { policies: found.length > 3 ? `${names} and ${found.length - 3} more` : names, kinds: String(kinds) },
    });
  }
  for (const gap of inputs.unevaluatedUnread) {
    if (gap.namespace === undefined || gap.namespace === namespace)
      findings.push({ code: 'POLICY_KIND_UNREADABLE', data: gapData(gap) });
  }
  return findings;
}

function ciliumAsk(ctx: EngineContext, subject: PolicySubject, destination: Destination): CiliumAsk {
  const snapshot = ctx.snapshot;
  const byNamespace = ctx.of(ciliumRulesByNamespace, snapshot);
  return {
    snapshot,
    view: ctx.of(policyView, snapshot),
    addresses: ctx.of(nodeAddresses, snapshot),
    labels: ctx.of(labelView, snapshot.policy.cilium.config),
    rules: byNamespace.get(subject.namespace) ?? byNamespace.get('') ?? [],
    name: destination.name,
  };
}

/** The admin policies (AdminNetworkPolicy, BaselineAdminNetworkPolicy, ClusterNetworkPolicy), by priority. */
const adminPolicies = derivation((snapshot: Snapshot): AdminPolicyInfo[] =>
  [...snapshot.policy.adminPolicies].sort((a, b) => a.priority - b.priority),
);

/** The Cilium rules that may select a pod of each namespace: its CNPs and every CCNP ('' holds the CCNPs alone). */
const ciliumRulesByNamespace = derivation(
  (snapshot: Snapshot): Map<string, CiliumPolicyRule[]> => withClusterWide(snapshot.policy.cilium.rules),
);

/** The NetworkPolicies of each namespace: a pod's verdict reads its own namespace's only. */
const policiesByNamespace = derivation((snapshot: Snapshot): Map<string, NetworkPolicyInfo[]> => {
  const byNamespace = new Map<string, NetworkPolicyInfo[]>();
  for (const policy of snapshot.policy.networkPolicies) {
    const list = byNamespace.get(policy.namespace);
    if (list) list.push(policy);
    else byNamespace.set(policy.namespace, [policy]);
  }
  return byNamespace;
});
