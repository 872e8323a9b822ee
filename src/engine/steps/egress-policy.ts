/**
 * Step 1b, egress policy: may the packet leave the pod at all? Asked where the datapath asks it,
 * at the source pod, of the pod's own address, before any gateway or SNAT rewrites it (design §5
 * `policy`). Kubernetes NetworkPolicy is worked out (engine/policy/network-policy.ts) — where
 * Cilium enforces, with Cilium's own policies beside it (engine/policy/cilium-policy.ts) — within the
 * admin policy tiers around it (engine/policy/tiers.ts), and beside all of them OVN-Kubernetes'
 * EgressFirewall, which the packet must pass too (engine/policy/egress-firewall.ts); where a
 * policy of another kind exists that could decide it, where the policies could not be read, or
 * where an isolating policy has no enforcer in sight, the verdict is `unknown`, never a guess.
 * The verdict reads the pod's namespace, labels and hostNetwork (where Cilium enforces, also its
 * service account and node), and the destination: it is cached by exactly those.
 */
import type { Destination } from '../../model/decision.ts';
import type { CodesOf, Finding } from '../../model/reasons.ts';
import type { NetworkPolicyInfo, PolicyAnswer, PolicyInputs } from '../../model/policy.ts';
import type { PodInfo, Snapshot } from '../../model/snapshot.ts';
import type { AdminPolicyInfo } from '../../model/admin-policy.ts';
import { gapData } from '../../config/gaps.ts';
import { coverage } from '../../net/ip.ts';
import { derivation, tableKind, type EngineContext } from '../core/context.ts';
import { serviceAddress } from '../core/service-addresses.ts';
import { EffectBuilder, type Effect } from '../core/effect.ts';
import { Table2, Table3 } from '../core/keyed.ts';
import type { Findings } from '../core/mechanism.ts';
import { bothMustAllow, egressFirewallAnswer } from '../policy/egress-firewall.ts';
import type { CiliumPolicyRule } from '../../model/cilium-policy.ts';
import { labelView } from '../gateways/cilium-identity.ts';
import { nodeAddresses } from '../policy/cilium-destination.ts';
import { ciliumVerdict, type CiliumAsk } from '../policy/cilium-policy.ts';
import { networkPolicyVerdict } from '../policy/network-policy.ts';
import { policyView } from '../policy/view.ts';
import { nodeDefaults, type NodeDefault } from '../policy/default-deny.ts';
import { tieredVerdict } from '../policy/tiers.ts';
import { calicoSelectionOf, selectionUnknowns, type CalicoSelection } from '../policy/calico-selection.ts';
import { calicoBlocker, calicoVerdict } from '../policy/calico-policy.ts';
import { withClusterWide } from '../policy/by-namespace.ts';

const LAYER = 'egress-policy';

export const POLICY_FINDINGS = {
  NETWORK_POLICIES_UNREADABLE: (d) => `NetworkPolicies could not be read (${d['reason']}${d['served'] ? `: served as ${d['served']}` : ''}): whether one denies this is unknown`,
  POLICY_KINDS_NOT_EVALUATED: (d) => `${d['policies']} may allow or deny it, and this tool does not work out policies of ${d['kinds'] === '1' ? 'that kind' : 'those kinds'} yet`,
  POLICY_KIND_UNREADABLE: (d) => `${d['resource']} could not be read (${d['reason']}${d['served'] ? `: served as ${d['served']}` : ''}): a policy of that kind may decide it`,
  POLICY_ENFORCER_NOT_FOUND: (d) => `policies deny it, but nothing read runs a NetworkPolicy enforcer (no enforcer's DaemonSet, no EKS Auto Mode policy controller turned on): ${d['verdict']} if one runs unseen, let out if none does`,
} satisfies Findings;

declare module '../../model/reasons.ts' {
  interface MechanismReasonCodes extends CodesOf<typeof POLICY_FINDINGS> {}
}

/**
 * By namespace (with a mark for hostNetwork pods), the pod's label map (one object per distinct map,
 * config/objects.ts sharedLabels), the destination, and — where Cilium enforces, else '' — the
 * service account and node: five map reads per packet, no allocation.
 */
const VERDICTS = tableKind(() => new Table3<string, object, Destination, Table2<string, string, Effect>>());

/** The policy effect for the pod's packet to the destination: the answer in `policy`, and for `denied` the packet's end. */
export function egressPolicy(ctx: EngineContext, pod: PodInfo, destination: Destination): Effect {
  // What else the verdict reads: whether the pod is on the host network, and where Cilium
  // enforces, its service account (an identity label) and — for a destination that is a node's
  // address, which Cilium tells apart as host or remote-node — its node.
  const namespace = pod.hostNetwork ? `${pod.namespace}\u0000hostNetwork` : pod.namespace;
  const cilium = ctx.of(ciliumOn, ctx.snapshot);
  const byPod = ctx.table(VERDICTS).find(namespace, pod.labels, destination) ?? ctx.table(VERDICTS).put(namespace, pod.labels, destination, new Table2());
  // Calico selectors see the service account as a label of the workload endpoint, and its rules' source nets the pod's address.
  const account = (ctx.snapshot.policy.calico?.length ?? 0) > 0 ? `${pod.serviceAccount}\u0000${pod.podIPs.join(',')}` : cilium ? pod.serviceAccount : '';
  // The node's default (deny by default, or unknown) is in the key as its kind; Cilium's host or
  // remote-node needs the node itself.
  const nodeDefault = (pod.nodeName !== undefined && !pod.hostNetwork && ctx.of(nodeDefaults, ctx.snapshot).get(pod.nodeName)) || undefined;
  const node = cilium && ctx.of(reachesNodes, destination) ? (pod.nodeName ?? '') : (nodeDefault?.key ?? '');
  const found = byPod.find(account, node);
  if (found) return found;
  const answer = withNodeDefault(verdictOf(ctx, pod, destination), nodeDefault);
  const firewall = egressFirewallAnswer(ctx, pod, destination);
  return byPod.put(account, node, toEffect(ctx, firewall ? bothMustAllow(answer, firewall) : answer));
}

/** Where the node denies by default (or may), a pod no policy isolates is not simply allowed. */
function withNodeDefault(answer: PolicyAnswer, nodeDefault: NodeDefault | undefined): PolicyAnswer {
  if (!nodeDefault?.finding || answer.verdict !== 'allowed' || answer.decidedBy.length > 0) return answer;
  return unknown([nodeDefault.finding, ...answer.reasons]);
}

function verdictOf(ctx: EngineContext, pod: PodInfo, destination: Destination): PolicyAnswer {
  const inputs = ctx.snapshot.policy;
  // Enforcers judge the Service endpoint the virtual IP is translated to, which is not known here.
  const service = ctx.of(serviceAddress, destination);
  if (service) return unknown([service]);
  if (inputs.networkPoliciesUnread) return unknown([{ code: 'NETWORK_POLICIES_UNREADABLE', data: gapData(inputs.networkPoliciesUnread) }]);
  const target = { range: destination.range, protocol: destination.protocol, ...(destination.port !== undefined && { port: destination.port }) };
  const view = ctx.of(policyView, ctx.snapshot);
  const networkPolicies = () => networkPolicyVerdict(ctx.of(policiesByNamespace, ctx.snapshot).get(pod.namespace) ?? [], pod, target, view);
  // Where Cilium enforces, NetworkPolicy and Cilium's own kinds decide together in the middle tier.
  const middle = ctx.of(ciliumOn, ctx.snapshot) ? () => ciliumVerdict(inputs.cilium, ciliumAsk(ctx, pod, destination), pod, target, networkPolicies()) : networkPolicies;
  const calico = calicoSelectionOf(ctx, pod);
  const calicoDecides = calico !== undefined && calico.selected.length > 0 && calico.unknowns.length === 0 && calicoBlocker(inputs) === undefined;
  const answer = calicoDecides ? calicoVerdict(calicoAsk(ctx, pod, calico), pod, target) : tieredVerdict(ctx.of(adminPolicies, ctx.snapshot), inputs.enforcers, pod, target, view, middle);
  const calicoUnknowns = calico && !calicoDecides ? selectionUnknowns(calico, calicoBlocker(inputs) ?? 'whether other Calico policies select it is unknown') : [];
  const others = [...otherKinds(inputs, pod.namespace), ...calicoUnknowns];
  if (others.length > 0) return unknown([...others, ...answer.reasons]);
  // Only a denial needs an enforcer: what policies allow leaves whether or not anything enforces them.
  const enforced = answer.verdict === 'denied' && inputs.enforcers.length === 0 ? unknown([{ code: 'POLICY_ENFORCER_NOT_FOUND', data: { verdict: answer.verdict } }, ...answer.reasons]) : answer;
  return calico?.note ? { ...enforced, reasons: [...enforced.reasons, calico.note] } : enforced;
}

/** Where Calico enforces: the policies that select the pod, its namespace's NetworkPolicies (Calico's default tier holds them) and the Tiers. */
function calicoAsk(ctx: EngineContext, pod: PodInfo, selection: CalicoSelection) {
  const inputs = ctx.snapshot.policy;
  return { tiers: inputs.calicoTiers ?? [], ...(inputs.calicoTiersUnread && { tiersUnread: inputs.calicoTiersUnread.reason }), selected: selection.selected,
    networkPolicies: ctx.of(policiesByNamespace, ctx.snapshot).get(pod.namespace) ?? [], view: ctx.of(policyView, ctx.snapshot) };
}

function unknown(reasons: Finding[]): PolicyAnswer {
  return { verdict: 'unknown', decidedBy: [], reasons };
}

/** Why policies of other kinds may decide for a pod of this namespace: ones that exist, and kinds not read. */
function otherKinds(inputs: PolicyInputs, namespace: string): Finding[] {
  const evaluated = ciliumEnforces(inputs) ? CILIUM_POLICY_KINDS : new Set<string>();
  const found = inputs.unevaluated.filter((p) => (p.namespace === undefined || p.namespace === namespace) && !evaluated.has(p.kind));
  const findings: Finding[] = [];
  if (found.length > 0) {
    const names = found.slice(0, 3).map((p) => `${p.kind} ${p.namespace ? `${p.namespace}/` : ''}${p.name}`).join(', ');
    const kinds = new Set(found.map((p) => p.kind)).size;
    findings.push({ code: 'POLICY_KINDS_NOT_EVALUATED', data: { policies: found.length > 3 ? `${names} and ${found.length - 3} more` : names, kinds: String(kinds) } });
  }
  for (const gap of inputs.unevaluatedUnread) {
    if (gap.namespace === undefined || gap.namespace === namespace) findings.push({ code: 'POLICY_KIND_UNREADABLE', data: gapData(gap) });
  }
  return findings;
}

function toEffect(ctx: EngineContext, answer: PolicyAnswer): Effect {
  const effect = new EffectBuilder(ctx.trace).set({ policy: answer });
  for (const reason of answer.reasons) effect.note(LAYER, answer.verdict, reason);
  // No source IP is claimed for a packet that never leaves the pod.
  if (answer.verdict === 'denied') effect.reason(...answer.reasons).set({ sourceIP: null, identity: 'denied', via: 'egress-policy', settled: true });
  return effect.build();
}

/** The admin policies (AdminNetworkPolicy, BaselineAdminNetworkPolicy, ClusterNetworkPolicy), by priority. */
const adminPolicies = derivation((snapshot: Snapshot): AdminPolicyInfo[] => [...snapshot.policy.adminPolicies].sort((a, b) => a.priority - b.priority));
/** Where Cilium enforces, its own policy kinds are worked out (engine/policy/cilium-policy.ts). */
const CILIUM_POLICY_KINDS = new Set(['CiliumNetworkPolicy', 'CiliumClusterwideNetworkPolicy']);

function ciliumEnforces(inputs: PolicyInputs): boolean {
  return inputs.enforcers.some((e) => e.id === 'cilium');
}

const ciliumOn = derivation((snapshot: Snapshot): boolean => ciliumEnforces(snapshot.policy));

/** Whether the destination may be a node's address (a node's own, or a hostNetwork pod's): then the pod's node decides host or remote-node. */
const reachesNodes = derivation((destination: Destination, ctx): boolean => {
  const { byNode } = ctx.of(nodeAddresses, ctx.snapshot);
  if ([...byNode.values()].some((ranges) => coverage(destination.range, ranges) !== 'none')) return true;
  return ctx.of(policyView, ctx.snapshot).podsIn(destination.range).pods.some((p) => p.hostNetwork);
});

function ciliumAsk(ctx: EngineContext, pod: PodInfo, destination: Destination): CiliumAsk {
  const snapshot = ctx.snapshot;
  return {
    snapshot, view: ctx.of(policyView, snapshot), addresses: ctx.of(nodeAddresses, snapshot), labels: ctx.of(labelView, snapshot.policy.cilium.config),
    rules: ctx.of(ciliumRulesByNamespace, snapshot).get(pod.namespace) ?? ctx.of(ciliumRulesByNamespace, snapshot).get('') ?? [], name: destination.name,
  };
}

/** The Cilium rules that may select a pod of each namespace: its CNPs and every CCNP ('' holds the CCNPs alone). */
const ciliumRulesByNamespace = derivation((snapshot: Snapshot): Map<string, CiliumPolicyRule[]> => withClusterWide(snapshot.policy.cilium.rules));

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
