/**
 * One tier of admin policies (AdminNetworkPolicy / ClusterNetworkPolicy tier Admin, or
 * BaselineAdminNetworkPolicy / ClusterNetworkPolicy tier Baseline) for one pod's packet: policies
 * are taken by priority, lower number first; within a policy the egress rules in the order written,
 * and the first rule that matches decides (Allow/Accept, Deny, or Pass to the next tier). Two
 * policies of one priority that both match and disagree are undefined upstream ("the
 * implementation can apply any of the matching policies") → unknown. Host-networked pods are never
 * subjects nor `pods`/`namespaces` peers. Sources: network-policy-api
 * apis/v1alpha1/adminnetworkpolicy_types.go (Priority, Egress, Action),
 * apis/v1alpha2/clusternetworkpolicy_types.go (Tier, Priority, Action), and the conformance suite
 * conformance/tests/admin-network-policy-standard-{egress-tcp-rules,priority}.go.
 */
import type { AdminAction, AdminEgressRule, AdminPeer, AdminPolicyInfo } from '../../model/admin-policy.ts';
import type { PolicyRef, PolicyTarget } from '../../model/policy.ts';
import type { CodesOf, Finding } from '../../model/reasons.ts';
import type { NodeInfo } from '../../model/snapshot.ts';
import type { IpRange } from '../../model/net.ts';
import { matchesSelector } from '../core/label-selector.ts';
import type { Findings } from '../core/mechanism.ts';
import { peerMatches, portMatches, type ClusterView } from './network-policy-rules.ts';
import type { SourceFacts } from './subject.ts';
import { anyOf, bothOf, NO, unknown, YES, type Tri } from './tri.ts';

export const ADMIN_POLICY_FINDINGS = {
  ADMIN_POLICY_ALLOWED: (d) => `${d['policy']} (priority ${d['priority']}) allows it: ${d['rule']}`,
  ADMIN_POLICY_DENIED: (d) => `${d['policy']} (priority ${d['priority']}) denies it: ${d['rule']}`,
  ADMIN_POLICY_PASSED: (d) => `${d['policy']} (priority ${d['priority']}) passes it on to ${d['next']}: ${d['rule']}`,
  BASELINE_POLICY_ALLOWED: (d) =>
    `no NetworkPolicy isolates the pod, and baseline ${d['policy']} allows it: ${d['rule']}`,
  BASELINE_POLICY_DENIED: (d) =>
    `no NetworkPolicy isolates the pod, and baseline ${d['policy']} denies it: ${d['rule']}`,
  BASELINE_POLICY_PASSED: (d) =>
    `baseline ${d['policy']} passes it on, and nothing else decides: let out (${d['rule']})`,
  ADMIN_POLICY_SAME_PRIORITY: (d) =>
    `${d['policies']} share priority ${d['priority']} and disagree (${d['actions']}): which applies is up to the implementation`,
  ADMIN_POLICY_INVALID: (d) =>
    `${d['policy']} has ${d['field']} = ${d['value']}, which the API server refuses: what it selects and does is unknown`,
  ADMIN_POLICY_SUBJECT_UNKNOWN: (d) =>
    `whether ${d['policy']} selects the pod is unknown: namespace ${d['namespace']} was not read`,
  ADMIN_POLICY_DOMAIN_NAMES: (d) =>
    `a rule of ${d['policy']} allows the domain names ${d['names']}, which the enforcer resolves itself: whether the destination is one is unknown`,
  ADMIN_POLICY_NODE_UNKNOWN: () =>
    'a rule selects nodes by label, and whether the destination is such a node is unknown (not every node was read, or the range is only partly nodes)',
} satisfies Findings;

declare module '../../model/reasons.ts' {
  interface MechanismReasonCodes extends CodesOf<typeof ADMIN_POLICY_FINDINGS> {}
}

/** A tier's answer: an action, `none` (no rule of any policy matches), or unknown with why. */
export interface TierOutcome {
  outcome: AdminAction | 'none' | 'unknown';
  decidedBy: PolicyRef[];
  reasons: Finding[];
}

/** Where nodes' addresses are, beside what NetworkPolicy rules look up. */
export interface AdminView extends ClusterView {
  nodesIn(range: IpRange): { nodes: readonly NodeInfo[]; complete: boolean };
}

const NONE: TierOutcome = { outcome: 'none', decidedBy: [], reasons: [] };

/** `policies`: one tier's, sorted by priority. */
export function tierOutcome(
  policies: readonly AdminPolicyInfo[],
  pod: SourceFacts,
  target: PolicyTarget,
  view: AdminView,
): TierOutcome {
  if (pod.hostNetwork) return NONE;
  const peers = withoutHostNetworkPods(view);
  for (let i = 0; i < policies.length; ) {
    const priority = policies[i]!.priority;
    const group: TierOutcome[] = [];
    for (; i < policies.length && policies[i]!.priority === priority; i++)
      group.push(policyOutcome(policies[i]!, pod, target, peers));
    const matched = group.filter((r) => r.outcome !== 'none');
    if (matched.length === 0) continue;
    const unknowns = matched.filter((r) => r.outcome === 'unknown');
    if (unknowns.length > 0) return { outcome: 'unknown', decidedBy: [], reasons: unknowns.flatMap((r) => r.reasons) };
    const actions = [...new Set(matched.map((r) => r.outcome))];
    if (actions.length > 1) {
      const policies = matched.map((r) => `${r.decidedBy[0]!.kind} ${r.decidedBy[0]!.name}`).join(', ');
      return {
        outcome: 'unknown',
        decidedBy: [],
        reasons: [
          {
            code: 'ADMIN_POLICY_SAME_PRIORITY',
            data: { policies, priority: String(priority), actions: actions.join(', ') },
          },
        ],
      };
    }
    return {
      outcome: actions[0]!,
      decidedBy: matched.flatMap((r) => r.decidedBy),
      reasons: matched.flatMap((r) => r.reasons),
    };
  }
  return NONE;
}

function policyOutcome(policy: AdminPolicyInfo, pod: SourceFacts, target: PolicyTarget, view: AdminView): TierOutcome {
  const source = { kind: policy.kind, name: policy.name };
  const named = `${policy.kind} ${policy.name}`;
  if (policy.invalid)
    return {
      outcome: 'unknown',
      decidedBy: [],
      reasons: [{ code: 'ADMIN_POLICY_INVALID', data: { policy: named, ...policy.invalid }, source }],
    };
  const subject = subjectMatches(policy, pod, view);
  if (subject.match === 'no') return NONE;
  for (const rule of policy.egress) {
    const match = ruleMatches(rule, named, target, view);
    if (match.match === 'no') continue;
    if (match.match === 'unknown') return { outcome: 'unknown', decidedBy: [], reasons: [{ ...match.why, source }] };
    if (subject.match === 'unknown')
      return { outcome: 'unknown', decidedBy: [], reasons: [{ ...subject.why, source }] };
    const ref: PolicyRef = { kind: policy.kind, name: policy.name, rule: rule.ref };
    return {
      outcome: rule.action,
      decidedBy: [ref],
      reasons: [
        {
          code: actionCode(policy, rule.action),
          data: { policy: named, priority: String(policy.priority), rule: rule.ref, next: 'NetworkPolicy' },
          source,
        },
      ],
    };
  }
  return NONE;
}

function actionCode(policy: AdminPolicyInfo, action: AdminAction): Finding['code'] {
  const admin = { allow: 'ADMIN_POLICY_ALLOWED', deny: 'ADMIN_POLICY_DENIED', pass: 'ADMIN_POLICY_PASSED' } as const;
  const baseline = {
    allow: 'BASELINE_POLICY_ALLOWED',
    deny: 'BASELINE_POLICY_DENIED',
    pass: 'BASELINE_POLICY_PASSED',
  } as const;
  return (policy.tier === 'admin' ? admin : baseline)[action];
}

function subjectMatches(policy: AdminPolicyInfo, pod: SourceFacts, view: ClusterView): Tri {
  if (policy.subject.podSelector && !matchesSelector(pod.labels, policy.subject.podSelector)) return NO;
  const labels = view.namespaceLabels(pod.namespace);
  if (!labels)
    return unknown({
      code: 'ADMIN_POLICY_SUBJECT_UNKNOWN',
      data: { policy: `${policy.kind} ${policy.name}`, namespace: pod.namespace },
    });
  return matchesSelector(labels, policy.subject.namespaceSelector) ? YES : NO;
}

/** `to`: any peer (at least one is listed); `ports`: any (none listed: every port of every protocol). */
function ruleMatches(rule: AdminEgressRule, policy: string, target: PolicyTarget, view: AdminView): Tri {
  const peers = anyOf(
    rule.to.map((peer) => adminPeerMatches(peer, policy, target, view)),
    NO,
  );
  if (peers.match === 'no') return NO;
  return bothOf(
    peers,
    anyOf(
      rule.ports.map((port) => portMatches(port, target, view)),
      YES,
    ),
  );
}

function adminPeerMatches(peer: AdminPeer, policy: string, target: PolicyTarget, view: AdminView): Tri {
  switch (peer.kind) {
    // The policy's own namespace never matters: both selectors are always there (`{}` is every namespace).
    case 'pods':
      return peerMatches(
        {
          kind: 'pods',
          namespaceSelector: peer.namespaceSelector,
          ...(peer.podSelector && { podSelector: peer.podSelector }),
        },
        '',
        target,
        view,
      );
    case 'networks':
      return anyOf(
        peer.cidrs.map((cidr) => peerMatches({ kind: 'ipBlock', cidr, except: [] }, '', target, view)),
        NO,
      );
    case 'nodes':
      return nodesMatch(peer.nodeSelector, target.range, view);
    default:
      return unknown({ code: 'ADMIN_POLICY_DOMAIN_NAMES', data: { policy, names: peer.names.join(', ') } });
  }
}

/** The nodes holding the destination address, by their labels (status.addresses of the nodes selected). */
function nodesMatch(
  selector: Extract<AdminPeer, { kind: 'nodes' }>['nodeSelector'],
  range: IpRange,
  view: AdminView,
): Tri {
  const { nodes, complete } = view.nodesIn(range);
  const selected = nodes.some((node) => matchesSelector(node.labels, selector));
  if (selected && range.first === range.last) return YES;
  if (!selected && complete) return NO;
  return unknown({ code: 'ADMIN_POLICY_NODE_UNKNOWN', data: {} });
}

/** network-policy-api: "host-networked pods are not included in this type of peer". */
function withoutHostNetworkPods(view: AdminView): AdminView {
  return {
    ...view,
    podsIn: (range) => {
      const found = view.podsIn(range);
      return { ...found, pods: found.pods.filter((p) => !p.hostNetwork) };
    },
  };
}
