/**
 * The OVN-Kubernetes EgressFirewall verdict for one pod's packet (ovn-org/ovn-kubernetes
 * go-controller/pkg/ovn/egressfirewall.go, docs/features/network-security-controls/egress-firewall.md):
 * the pod's namespace's EgressFirewall rules are tried in order and the first that matches decides;
 * none matching lets the packet out. ovnkube writes each rule as an ACL on the namespace's port
 * group, priority 10000 minus its index, with `ip4.dst != <clusterSubnet>` added: it applies only
 * to traffic leaving the cluster, never pod to pod. The ACLs are to-lport while NetworkPolicy's
 * egress ACLs are from-lport, so the packet passes both pipelines: both must let it out.
 */
import type { Destination } from '../../model/decision.ts';
import type { EgressFirewallInfo, EgressFirewallRule } from '../../model/egress-firewall.ts';
import type { OvnKubernetesLayer } from '../../model/layers/ovn-kubernetes.ts';
import type { PolicyAnswer, PolicyRef } from '../../model/policy.ts';
import type { CodesOf, Finding } from '../../model/reasons.ts';
import type { Snapshot } from '../../model/snapshot.ts';
import { gapData } from '../../config/gaps.ts';
import { cidrBlocks, coverage } from '../../net/ip.ts';
import { derivation, type EngineContext } from '../core/context.ts';
import type { Findings } from '../core/mechanism.ts';
import { egressFirewallRuleMatches, type FirewallView } from './egress-firewall-rules.ts';
import type { SourceFacts } from './subject.ts';

const KIND = 'EgressFirewall';
/** go-controller/pkg/clustermanager/status_manager/egressfirewall_manager.go: every zone applied the rules. */
export const EFW_APPLIED = 'EgressFirewall Rules applied';

export const EGRESS_FIREWALL_FINDINGS = {
  EFW_ALLOWED: (d) => `EgressFirewall ${d['firewall']} allows it (${d['rule']}: the first rule that matches)`,
  EFW_DENIED: (d) => `EgressFirewall ${d['firewall']} denies it (${d['rule']}: the first rule that matches)`,
  EFW_NO_RULE_MATCHED: (d) => `no rule of EgressFirewall ${d['firewall']} matches: it lets the packet out`,
  EFW_CLUSTER_INTERNAL: (d) =>
    `the destination is in the OVN-Kubernetes cluster subnet (${d['cidrs']}): EgressFirewall ${d['firewall']} does not apply to traffic inside the cluster`,
  EFW_DESTINATION_PARTLY_INTERNAL: (d) =>
    `only part of the destination range is in the cluster subnet (${d['cidrs']}), where EgressFirewall ${d['firewall']} does not apply: ask about one address`,
  EFW_CLUSTER_SUBNETS_UNKNOWN: (d) =>
    `EgressFirewall ${d['firewall']} denies it unless the destination is in the cluster subnet, and no node shows its OVN-Kubernetes subnet (annotation k8s.ovn.org/node-subnets)`,
  EFW_HOST_NETWORK_POD: (d) =>
    `hostNetwork pod: EgressFirewall ${d['firewall']} applies to pods on the OVN network only`,
  EFW_DNS_NAME: (d) =>
    `${d['rule']} (${d['type']}) names ${d['dnsName']}, whose addresses OVN-Kubernetes resolves itself: ask with --to ${(d['dnsName'] ?? '').replace(/^\*\./, 'HOST.')} to decide`,
  EFW_DESTINATION_PARTLY_IN_CIDR: (d) =>
    `only part of the destination range is in ${d['rule']}'s cidrSelector ${d['cidr']}: ask about one address`,
  EFW_PORT_NOT_GIVEN: (d) =>
    `${d['rule']} (${d['type']}) applies only to ${d['ports']}: give the port (--to HOST:PORT) to decide`,
  EFW_NODES_UNREAD: (d) =>
    `${d['rule']} (${d['type']}) matches the addresses of nodes its nodeSelector picks, and no Node was read`,
  EFW_NODE_ADDRESSES_UNKNOWN: (d) =>
    `${d['rule']} (${d['type']}) matches the host addresses of the nodes its nodeSelector picks, and ${d['nodes']} show none (annotation k8s.ovn.org/host-cidrs)`,
  EFW_DESTINATION_PARTLY_NODES: (d) =>
    `only some addresses of the destination range are addresses of the nodes ${d['rule']} picks: ask about one address`,
  EFW_INVALID: (d) =>
    `EgressFirewall ${d['firewall']} has ${d['field']} = ${d['value']}, which ovnkube refuses (it then applies none of its rules): what it does is unknown`,
  EFW_NOT_APPLIED: (d) =>
    `EgressFirewall ${d['firewall']}'s status is ${d['status'] ? `"${d['status']}"` : 'empty'}, not "${EFW_APPLIED}": whether OVN-Kubernetes enforces its rules (--enable-egress-firewall, off by default upstream) is unknown`,
  EFW_ENFORCER_NOT_FOUND: (d) =>
    `EgressFirewall ${d['firewall']} would deny it, and OVN-Kubernetes, its only enforcer, was not found`,
  EFW_UNREADABLE: (d) =>
    `EgressFirewalls could not be read (${d['reason']}${d['served'] ? `: served as ${d['served']}` : ''}): whether one denies this is unknown`,
} satisfies Findings;

declare module '../../model/reasons.ts' {
  interface MechanismReasonCodes extends CodesOf<typeof EGRESS_FIREWALL_FINDINGS> {}
}

/** What the verdict reads beside the firewall: the OVN-Kubernetes layer, if found, and the nodes. */
export interface FirewallContext extends FirewallView {
  ovn: OvnKubernetesLayer | undefined;
}

/** The firewall's verdict for the pod's packet (`firewall`: the pod's namespace's, named `default`). */
export function egressFirewallVerdict(
  firewall: EgressFirewallInfo,
  pod: SourceFacts,
  destination: Destination,
  context: FirewallContext,
): PolicyAnswer {
  const name = `${firewall.namespace}/${firewall.name}`;
  const source = { kind: KIND, namespace: firewall.namespace, name: firewall.name };
  const note = (code: Finding['code'], data: Record<string, string> = {}): Finding => ({
    code,
    data: { firewall: name, ...data },
    source,
  });
  // Its ACLs sit on the pods' logical switch ports; a hostNetwork pod has none.
  if (pod.hostNetwork) return { verdict: 'allowed', decidedBy: [], reasons: [note('EFW_HOST_NETWORK_POD')] };
  if (firewall.invalid) return unknown([note('EFW_INVALID', firewall.invalid)]);
  const subnets = context.ovn?.clusterSubnets ?? [];
  const inside = subnets.length > 0 ? coverage(destination.range, cidrBlocks(subnets)) : 'none';
  if (inside === 'all')
    return {
      verdict: 'allowed',
      decidedBy: [],
      reasons: [note('EFW_CLUSTER_INTERNAL', { cidrs: subnets.join(', ') })],
    };
  if (inside === 'some') return unknown([note('EFW_DESTINATION_PARTLY_INTERNAL', { cidrs: subnets.join(', ') })]);
  const answer = firstMatch(firewall, destination, context, source, note);
  if (firewall.status !== undefined && firewall.status !== EFW_APPLIED)
    return unknown([note('EFW_NOT_APPLIED', { status: firewall.status }), ...answer.reasons]);
  if (answer.verdict !== 'denied') return answer;
  // Only a denial needs the enforcer and the cluster subnet: an allowed packet leaves either way.
  if (!context.ovn) return unknown([note('EFW_ENFORCER_NOT_FOUND'), ...answer.reasons]);
  if (subnets.length === 0) return unknown([note('EFW_CLUSTER_SUBNETS_UNKNOWN'), ...answer.reasons]);
  if (firewall.status === undefined) return unknown([note('EFW_NOT_APPLIED', { status: '' }), ...answer.reasons]);
  return answer;
}

/**
 * First match wins. A rule that may or may not match leaves the verdict open unless every such
 * rule before the one that surely matches (or before the default allow) has the same type.
 */
function firstMatch(
  firewall: EgressFirewallInfo,
  destination: Destination,
  view: FirewallView,
  source: Finding['source'],
  note: (code: Finding['code'], data?: Record<string, string>) => Finding,
): PolicyAnswer {
  const open: { rule: EgressFirewallRule; ref: PolicyRef; why: Finding }[] = [];
  for (const [i, rule] of firewall.rules.entries()) {
    const ref = refOf(firewall, `egress[${i}]`);
    const match = egressFirewallRuleMatches(rule, ref.rule, destination, view);
    if (match.match === 'no') continue;
    if (match.match === 'unknown') {
      open.push({ rule, ref, why: { ...match.why, source } });
      continue;
    }
    if (open.some((o) => o.rule.type !== rule.type)) return unknown(open.map((o) => o.why));
    const verdict = rule.type === 'Allow' ? 'allowed' : 'denied';
    return {
      verdict,
      decidedBy: [...open.map((o) => o.ref), ref],
      reasons: [note(rule.type === 'Allow' ? 'EFW_ALLOWED' : 'EFW_DENIED', { rule: ref.rule })],
    };
  }
  if (open.some((o) => o.rule.type !== 'Allow')) return unknown(open.map((o) => o.why));
  return { verdict: 'allowed', decidedBy: open.map((o) => o.ref), reasons: [note('EFW_NO_RULE_MATCHED')] };
}

function unknown(reasons: Finding[]): PolicyAnswer {
  return { verdict: 'unknown', decidedBy: [], reasons };
}

function refOf(firewall: EgressFirewallInfo, rule: string): PolicyRef {
  return { kind: KIND, namespace: firewall.namespace, name: firewall.name, rule };
}

/**
 * Two enforcement points the packet passes in turn (here NetworkPolicy's from-lport ACLs and the
 * firewall's to-lport ones): a certain denial by either is the answer, else unknown if either is,
 * else allowed by both.
 */
export function bothMustAllow(first: PolicyAnswer, second: PolicyAnswer): PolicyAnswer {
  const denied = [first, second].filter((a) => a.verdict === 'denied');
  const answers = denied.length > 0 ? denied : [first, second];
  const verdict = denied.length > 0 ? 'denied' : answers.some((a) => a.verdict === 'unknown') ? 'unknown' : 'allowed';
  return {
    verdict,
    decidedBy: verdict === 'unknown' ? [] : answers.flatMap((a) => a.decidedBy),
    reasons: answers.flatMap((a) => a.reasons),
  };
}

/** The EgressFirewall answer for the pod's packet, or undefined where no EgressFirewall can apply to its namespace. */
export function egressFirewallAnswer(
  ctx: EngineContext,
  pod: SourceFacts,
  destination: Destination,
): PolicyAnswer | undefined {
  const inputs = ctx.snapshot.policy.egressFirewalls;
  if (!inputs) return undefined;
  const unread = inputs.unread.find((gap) => gap.namespace === undefined || gap.namespace === pod.namespace);
  if (unread) return unknown([{ code: 'EFW_UNREADABLE', data: gapData(unread) }]);
  const firewall = ctx.of(firewallsByNamespace, ctx.snapshot).get(pod.namespace);
  return firewall && egressFirewallVerdict(firewall, pod, destination, ctx.of(firewallContext, ctx.snapshot));
}

const firewallsByNamespace = derivation(
  (snapshot: Snapshot) => new Map((snapshot.policy.egressFirewalls?.firewalls ?? []).map((f) => [f.namespace, f])),
);

const firewallContext = derivation(
  (snapshot: Snapshot): FirewallContext => ({
    ovn: snapshot.datapath.layers.find((l): l is OvnKubernetesLayer => l.mechanism === 'ovn-kubernetes'),
    nodes: snapshot.nodes,
    hostAddresses: snapshot.policy.egressFirewalls?.nodeHostAddresses ?? {},
  }),
);
