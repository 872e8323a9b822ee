/**
 * The verdict where Cilium enforces: its own rules (CiliumNetworkPolicy, CiliumClusterwideNetwork-
 * Policy) and the Kubernetes NetworkPolicies it enforces too, composed as the agent composes them
 * (cilium/cilium pkg/policy/repository.go computePolicyEnforcementAndRules, pkg/policy/api
 * rule_validation.go Sanitize; Documentation/security/policy/intro.rst and language.rst "Deny
 * Policies"): a matching egressDeny wins over any allow; otherwise the packet leaves if the pod's
 * egress is not in default deny or some allow (NetworkPolicy or Cilium) matches. A pod goes into
 * default deny when a rule with an egress or egressDeny section selects it (unless the rule sets
 * enableDefaultDeny.egress false), a NetworkPolicy isolates it, or enable-policy is `always`;
 * `never` enforces nothing. Rules select on the endpoint's identity labels (cilium-identity.ts).
 */
import type { CiliumPolicyInputs, CiliumPolicyRule, CiliumPolicySettings } from '../../model/cilium-policy.ts';
import type { PolicyAnswer, PolicyRef, PolicyTarget } from '../../model/policy.ts';
import type { CodesOf, Finding } from '../../model/reasons.ts';
import type { Snapshot } from '../../model/snapshot.ts';
import type { LabelSelector } from '../../model/selector.ts';
import type { Findings } from '../core/mechanism.ts';
import { matchesSelector } from '../core/label-selector.ts';
import { identityLabels, type EndpointFacts, type LabelView } from '../gateways/cilium-identity.ts';
import { classify, type NodeAddresses } from './cilium-destination.ts';
import { ciliumRuleMatches, type RuleContext } from './cilium-rules.ts';
import type { ClusterView } from './network-policy-rules.ts';
import type { CiliumFacts, SourceFacts } from './subject.ts';
import { NO, unknown, YES, type Tri } from './tri.ts';

export const CILIUM_POLICY_FINDINGS = {
  CNP_ENFORCEMENT_NEVER: () =>
    'cilium-config sets enable-policy: never: Cilium enforces no policy, NetworkPolicies included',
  CNP_AUDIT_MODE: (d) =>
    `cilium-config sets policy-audit-mode: Cilium logs what its policies would drop and lets it leave (they would: ${d['verdict']})`,
  CNP_ENFORCEMENT_INVALID: (d) =>
    `cilium-config's enable-policy is ${d['value']}, which the agent refuses: what it enforces is unknown`,
  CNP_NOT_ISOLATED: () =>
    'no Cilium rule with an egress section and no isolating NetworkPolicy selects the pod: its egress is not in default deny',
  CNP_ALLOWED: (d) => `${d['kind']} ${d['policy']} allows it (${d['rule']})`,
  CNP_DENIED_BY_RULE: (d) => `${d['kind']} ${d['policy']} denies it (${d['rule']}); a deny wins over any allow`,
  CNP_DEFAULT_DENY: (d) =>
    `${d['policies']} put the pod's egress into default deny and no rule allows this destination and port`,
  CNP_HOST_POLICY: (d) =>
    `the pod uses the host network, and ${d['policy']} is a host policy (nodeSelector), which this tool does not work out`,
  CNP_POLICY_INVALID: (d) =>
    `${d['kind']} ${d['policy']} has ${d['field']} = ${d['value']}, which the API server or the agent refuses: what it selects or allows is unknown`,
  CNP_LABEL_FILTER_UNKNOWN: (d) => `which labels Cilium's rules can select on is unknown: ${d['detail']}`,
  CNP_LABEL_FILTER_RELEASE: () =>
    'whether a rule selects the pod depends on the Cilium release (its identity-label defaults changed): run with the agent DaemonSet readable',
  CNP_NAMESPACE_LABELS_UNKNOWN: (d) =>
    `a Cilium rule selects on namespace labels, and namespace ${d['namespace']} was not read`,
  CNP_PORT_NOT_GIVEN: (d) => `a Cilium rule matches only ${d['ports']}: give the port (--to HOST:PORT) to decide`,
  CNP_NAMED_PORT: (d) =>
    `a Cilium rule names the port ${d['port']}, which is whatever port the pod at ${d['destination']} gives that name; its container ports are not read`,
  CNP_DESTINATION_PARTLY_IN_CIDR: (d) =>
    `only part of the destination range is in a Cilium rule's CIDR ${d['cidr']}${d['except'] ? ` except ${d['except']}` : ''}: ask about one address`,
  CNP_DESTINATION_RANGE_IN_CLUSTER: () =>
    'the destination range holds cluster addresses, which Cilium rules select by identity: ask about one address',
  CNP_DESTINATION_POD_UNKNOWN: (d) =>
    `${d['destination']} is in a node's pod range and no pod read has it: whether it is a Cilium endpoint is unknown (run with -A)`,
  CNP_KUBE_APISERVER: () =>
    "a Cilium rule names the kube-apiserver entity, whose addresses (the kubernetes Service's endpoints) are not read",
  CNP_ENTITY_NOT_MODELLED: (d) =>
    `a Cilium rule names the entity ${d['entity']}, which this tool does not model for cluster addresses`,
  CNP_FQDN_RULE: (d) =>
    `a Cilium rule allows the names ${d['names']}, and any address may be one of them: give the destination by that name (--to NAME) to decide`,
  CNP_L7_RULES: () =>
    'a Cilium rule with L7 rules matches: the proxy allows or denies each request, not the connection',
  CNP_PEER_NOT_MODELLED: (d) => `a Cilium rule names ${d['peer']}, which this tool does not work out`,
} satisfies Findings;

declare module '../../model/reasons.ts' {
  interface MechanismReasonCodes extends CodesOf<typeof CILIUM_POLICY_FINDINGS> {}
}

/** A rule and whether it selects the pod (yes, or unknown: then what it says counts as unknown). */
interface Selected {
  rule: CiliumPolicyRule;
  tri: Tri;
}

export interface CiliumAsk {
  snapshot: Snapshot;
  view: ClusterView;
  addresses: NodeAddresses;
  labels: LabelView;
  /** The rules that may select pods of the pod's namespace: its CNPs and every CCNP. */
  rules: readonly CiliumPolicyRule[];
  /** The hostname --to named, if any. */
  name: string | undefined;
}

/** `netpol`: the NetworkPolicy verdict for the same packet, which Cilium enforces beside its own rules. */
export function ciliumVerdict(
  inputs: CiliumPolicyInputs,
  ask: CiliumAsk,
  pod: SourceFacts,
  facts: CiliumFacts,
  target: PolicyTarget,
  netpol: PolicyAnswer,
): PolicyAnswer {
  const { settings } = inputs;
  if (settings.invalidEnforcement !== undefined)
    return unknownAnswer([{ code: 'CNP_ENFORCEMENT_INVALID', data: { value: settings.invalidEnforcement } }]);
  if (settings.enforcement === 'never')
    return { verdict: 'allowed', decidedBy: [], reasons: [{ code: 'CNP_ENFORCEMENT_NEVER', data: {} }] };
  if (pod.hostNetwork) {
    // A hostNetwork pod is no endpoint: only host policies (nodeSelector) could apply to it.
    const host = ask.rules.find((r) => r.hostPolicy && (r.egress.length > 0 || r.egressDeny.length > 0));
    return host
      ? unknownAnswer([{ code: 'CNP_HOST_POLICY', data: { policy: nameOf(host) }, source: sourceOf(host) }])
      : netpol;
  }
  // No Cilium rule could select a pod of this namespace: the NetworkPolicy answer is the whole answer.
  if (ask.rules.length === 0 && settings.enforcement === 'default' && !settings.auditMode) return netpol;
  const selects = selector(ask);
  const ctx: RuleContext = {
    target,
    dest: classify(ask.addresses, ask.view, facts, target.range),
    name: ask.name,
    nodesToo: settings.cidrMatchesNodes,
    selects,
  };
  const unknowns: Finding[] = [];
  const endpoint: EndpointFacts = {
    namespace: pod.namespace,
    labels: pod.labels,
    serviceAccount: facts.serviceAccount,
  };
  const selected = selecting(ask.rules, endpoint, selects, unknowns);
  const answer = denial(selected, ctx, unknowns) ?? allowOrDeny(selected, ctx, netpol, settings, unknowns);
  // Audit mode drops nothing: the packet leaves whatever the policies say.
  if (settings.auditMode)
    return {
      verdict: 'allowed',
      decidedBy: [],
      reasons: [{ code: 'CNP_AUDIT_MODE', data: { verdict: answer.verdict } }, ...answer.reasons],
    };
  return answer;
}

/** The endpoint rules that select the pod or may; a rule that was refused may select it, which is noted. */
function selecting(
  rules: readonly CiliumPolicyRule[],
  endpoint: EndpointFacts,
  selects: RuleContext['selects'],
  unknowns: Finding[],
): Selected[] {
  const selected: Selected[] = [];
  for (const rule of rules) {
    if (rule.hostPolicy) continue;
    if (rule.invalid) {
      unknowns.push({
        code: 'CNP_POLICY_INVALID',
        data: { kind: rule.kind, policy: nameOf(rule), ...rule.invalid },
        source: sourceOf(rule),
      });
      continue;
    }
    const tri = selects(rule.endpointSelector!, endpoint);
    if (tri.match !== 'no') selected.push({ rule, tri });
  }
  return selected;
}

/** The first egressDeny rule of a selecting rule that matches; unknown ones are noted. */
function denial(selected: readonly Selected[], ctx: RuleContext, unknowns: Finding[]): PolicyAnswer | undefined {
  for (const { rule, tri } of selected) {
    for (const [i, deny] of rule.egressDeny.entries()) {
      const match = ciliumRuleMatches(deny, ctx);
      if (match.match === 'no') continue;
      const both = tri.match === 'unknown' ? tri : match;
      if (both.match === 'yes') {
        const ref = refOf(rule, `${rule.at}.egressDeny[${i}]`);
        return {
          verdict: 'denied',
          decidedBy: [ref],
          reasons: [
            {
              code: 'CNP_DENIED_BY_RULE',
              data: { kind: rule.kind, policy: nameOf(rule), rule: ref.rule },
              source: sourceOf(rule),
            },
          ],
        };
      }
      if (both.match === 'unknown') unknowns.push({ ...both.why, source: sourceOf(rule) });
    }
  }
  return undefined;
}

function allowOrDeny(
  selected: readonly Selected[],
  ctx: RuleContext,
  netpol: PolicyAnswer,
  settings: CiliumPolicySettings,
  denyUnknowns: Finding[],
): PolicyAnswer {
  const allow = firstAllow(selected, ctx, netpol);
  if (allow.answer) return denyUnknowns.length > 0 ? unknownAnswer(denyUnknowns) : allow.answer;
  const isolation = isolationOf(selected, netpol, settings);
  if (isolation.tri.match === 'no' && denyUnknowns.length === 0)
    return { verdict: 'allowed', decidedBy: [], reasons: [{ code: 'CNP_NOT_ISOLATED', data: {} }] };
  const unknowns = [...denyUnknowns, ...allow.unknowns];
  if (isolation.tri.match === 'unknown') unknowns.push(isolation.tri.why);
  if (unknowns.length > 0) return unknownAnswer(unknowns);
  const names =
    isolation.refs.length > 0
      ? [...new Set(isolation.refs.map((r) => `${r.kind} ${r.namespace ? `${r.namespace}/` : ''}${r.name}`))].join(', ')
      : 'enable-policy: always';
  return {
    verdict: 'denied',
    decidedBy: isolation.refs,
    reasons: [{ code: 'CNP_DEFAULT_DENY', data: { policies: names } }],
  };
}

/** The first allow that matches (a NetworkPolicy's, else a Cilium egress rule's), or the reasons some may. */
function firstAllow(
  selected: readonly Selected[],
  ctx: RuleContext,
  netpol: PolicyAnswer,
): { answer?: PolicyAnswer; unknowns: Finding[] } {
  if (netpol.verdict === 'allowed' && netpol.decidedBy.length > 0) return { answer: netpol, unknowns: [] };
  const unknowns: Finding[] = netpol.verdict === 'unknown' ? [...netpol.reasons] : [];
  for (const { rule, tri } of selected) {
    for (const [i, allow] of rule.egress.entries()) {
      const match = ciliumRuleMatches(allow, ctx);
      const both = match.match === 'no' || tri.match === 'yes' ? match : tri;
      if (both.match === 'yes') return { answer: allowedBy(rule, `${rule.at}.egress[${i}]`), unknowns };
      if (both.match === 'unknown') unknowns.push({ ...both.why, source: sourceOf(rule) });
    }
  }
  return { unknowns };
}

/** Default deny: an isolating NetworkPolicy, a selecting rule with an egress section (Sanitize), or enable-policy always. */
function isolationOf(
  selected: readonly Selected[],
  netpol: PolicyAnswer,
  settings: CiliumPolicySettings,
): { tri: Tri; refs: PolicyRef[] } {
  const refs: PolicyRef[] = netpol.verdict === 'denied' ? [...netpol.decidedBy] : [];
  let tri: Tri =
    netpol.verdict !== 'allowed' || netpol.decidedBy.length > 0 || settings.enforcement === 'always' ? YES : NO;
  for (const { rule, tri: selects } of selected) {
    const section = rule.egress.length > 0 || rule.egressDeny.length > 0;
    if (!section || (rule.enableDefaultDenyEgress === false && !settings.defaultDenyForced)) continue;
    if (selects.match === 'yes') refs.push(refOf(rule, `${rule.at} default deny`));
    if (tri.match !== 'yes') tri = selects;
  }
  return { tri, refs };
}

function allowedBy(rule: CiliumPolicyRule, at: string): PolicyAnswer {
  const ref = refOf(rule, at);
  return {
    verdict: 'allowed',
    decidedBy: [ref],
    reasons: [
      { code: 'CNP_ALLOWED', data: { kind: rule.kind, policy: nameOf(rule), rule: at }, source: sourceOf(rule) },
    ],
  };
}

const NAMESPACE_LABELS_PREFIX = 'io.cilium.k8s.namespace.labels.';

/** Whether a selector selects a pod's endpoint, on its identity labels now and under an older agent's defaults. */
function selector(ask: CiliumAsk): (selector: LabelSelector, endpoint: EndpointFacts) => Tri {
  const view = ask.labels;
  return (s, target) => {
    if (view.unmodelled) return unknown({ code: 'CNP_LABEL_FILTER_UNKNOWN', data: { detail: view.unmodelled } });
    const namespaceLabels = ask.snapshot.namespaceLabels[target.namespace];
    if (!namespaceLabels && s.some((r) => r.key.startsWith(NAMESPACE_LABELS_PREFIX))) {
      return unknown({ code: 'CNP_NAMESPACE_LABELS_UNKNOWN', data: { namespace: target.namespace } });
    }
    const now = matchesSelector(identityLabels(target, namespaceLabels ?? {}, view), s);
    const before = matchesSelector(identityLabels(target, namespaceLabels ?? {}, view, view.keepsBefore), s);
    if (now !== before) return unknown({ code: 'CNP_LABEL_FILTER_RELEASE', data: {} });
    return now ? YES : NO;
  };
}

function unknownAnswer(reasons: Finding[]): PolicyAnswer {
  return { verdict: 'unknown', decidedBy: [], reasons };
}

function nameOf(rule: CiliumPolicyRule): string {
  return rule.namespace ? `${rule.namespace}/${rule.name}` : rule.name;
}

function refOf(rule: CiliumPolicyRule, at: string): PolicyRef {
  return { kind: rule.kind, ...(rule.namespace && { namespace: rule.namespace }), name: rule.name, rule: at };
}

function sourceOf(rule: CiliumPolicyRule): Finding['source'] {
  return { kind: rule.kind, ...(rule.namespace && { namespace: rule.namespace }), name: rule.name };
}
