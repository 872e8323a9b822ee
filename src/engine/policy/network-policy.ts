/**
 * The Kubernetes NetworkPolicy verdict for one pod's packet (networking.k8s.io/v1): a pod is
 * isolated for egress when a policy of its namespace selects it and has Egress in policyTypes;
 * an isolated pod's packet leaves when any rule of any of those policies allows it (allows add up,
 * nothing denies); a pod no such policy selects may send anything. Source: k8s.io/api
 * networking/v1 types.go, and the concept page "Network Policies" (hostNetwork pods).
 */
import type { NetworkPolicyInfo, PolicyAnswer, PolicyRef, PolicyTarget } from '../../model/policy.ts';
import type { Finding } from '../../model/reasons.ts';
import type { CodesOf } from '../../model/reasons.ts';
import type { Findings } from '../core/mechanism.ts';
import { matchesSelector } from '../core/label-selector.ts';
import { ruleMatches, type ClusterView } from './network-policy-rules.ts';
import type { SourceFacts } from './subject.ts';
import type { Tri } from './tri.ts';

const KIND = 'NetworkPolicy';

/** The sentence for each code (render/messages.ts). */
export const NETWORK_POLICY_FINDINGS = {
  NETPOL_NOT_ISOLATED: () =>
    'no NetworkPolicy with Egress in its policyTypes selects the pod: its egress is not isolated',
  NETPOL_ALLOWED: (d) => `NetworkPolicy ${d['policy']} allows it (${d['rule']})`,
  NETPOL_DENIED: (d) =>
    `NetworkPolicies ${d['policies']} isolate the pod's egress and none of their rules allows this destination and port`,
  NETPOL_PORT_NOT_GIVEN: (d) => `a rule allows only ${d['ports']}: give the port (--to HOST:PORT) to decide`,
  NETPOL_DESTINATION_PARTLY_IN_BLOCK: (d) =>
    `only part of the destination range is in a rule's ipBlock ${d['cidr']}${d['except'] ? ` except ${d['except']}` : ''}: ask about one address`,
  NETPOL_DESTINATION_PARTLY_SELECTED_PODS: () =>
    'some addresses of the destination range are pods a rule selects: ask about one address',
  NETPOL_DESTINATION_POD_UNKNOWN: () =>
    'a rule allows pods by selector, and whether the destination is such a pod is unknown (not every pod was read: run with -A)',
  NETPOL_NAMESPACE_LABELS_UNKNOWN: (d) =>
    `a rule selects namespaces by label, and namespace ${d['namespace']} was not read`,
  NETPOL_NAMED_PORT: (d) =>
    `a rule allows the named port ${d['port']}, which is whatever port the pod at ${d['destination']} gives that name; its container ports are not read`,
  NETPOL_HOST_NETWORK_PEER: (d) =>
    `the destination is hostNetwork pod ${d['pod']}: whether a pod selector matches it is up to the network plugin`,
  NETPOL_HOST_NETWORK_POD: (d) =>
    `NetworkPolicy ${d['policies']} selects this hostNetwork pod: whether it applies is up to the network plugin (most treat the traffic as the node's and do not)`,
  NETPOL_POLICY_INVALID: (d) =>
    `NetworkPolicy ${d['policy']} has ${d['field']} = ${d['value']}, which the API server refuses: what it allows is unknown`,
} satisfies Findings;

declare module '../../model/reasons.ts' {
  interface MechanismReasonCodes extends CodesOf<typeof NETWORK_POLICY_FINDINGS> {}
}

/** `policies`: the NetworkPolicies of the pod's namespace. */
export function networkPolicyVerdict(
  policies: readonly NetworkPolicyInfo[],
  pod: SourceFacts,
  target: PolicyTarget,
  view: ClusterView,
): PolicyAnswer {
  const isolating = policies.filter(
    (p) => p.namespace === pod.namespace && p.isolatesEgress && matchesSelector(pod.labels, p.podSelector),
  );
  if (isolating.length === 0)
    return { verdict: 'allowed', decidedBy: [], reasons: [{ code: 'NETPOL_NOT_ISOLATED', data: {} }] };
  const names = isolating.map((p) => p.name).join(', ');
  if (pod.hostNetwork)
    return {
      verdict: 'unknown',
      decidedBy: [],
      reasons: [{ code: 'NETPOL_HOST_NETWORK_POD', data: { policies: names } }],
    };
  const unknowns: Finding[] = [];
  for (const policy of isolating) {
    if (policy.invalid) {
      unknowns.push({
        code: 'NETPOL_POLICY_INVALID',
        data: { policy: policy.name, ...policy.invalid },
        source: sourceOf(policy),
      });
      continue;
    }
    for (const [i, rule] of policy.egress.entries()) {
      const match: Tri = ruleMatches(rule, policy.namespace, target, view);
      const ref = refOf(policy, `egress[${i}]`);
      if (match.match === 'yes')
        return {
          verdict: 'allowed',
          decidedBy: [ref],
          reasons: [
            { code: 'NETPOL_ALLOWED', data: { policy: policy.name, rule: ref.rule }, source: sourceOf(policy) },
          ],
        };
      if (match.match === 'unknown') unknowns.push({ ...match.why, source: sourceOf(policy) });
    }
  }
  if (unknowns.length > 0) return { verdict: 'unknown', decidedBy: [], reasons: unknowns };
  return {
    verdict: 'denied',
    decidedBy: isolating.map((p) => refOf(p, 'isolation')),
    reasons: [{ code: 'NETPOL_DENIED', data: { policies: names } }],
  };
}

function refOf(policy: NetworkPolicyInfo, rule: string): PolicyRef {
  return { kind: KIND, namespace: policy.namespace, name: policy.name, rule };
}

function sourceOf(policy: NetworkPolicyInfo): Finding['source'] {
  return { kind: KIND, namespace: policy.namespace, name: policy.name };
}
