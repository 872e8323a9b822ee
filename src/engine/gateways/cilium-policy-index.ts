/**
 * Which CiliumEgressGatewayPolicies select a pod, worked out once per pod and call instead of
 * once per packet. Each selector that requires `key in (values)` is filed under those label pairs,
 * so a pod is matched only against the policies one of its identity labels names (plus those
 * whose selectors require no such pair) — not against every policy in the cluster.
 */
import type { CiliumEgressPolicy } from '../../model/cilium.ts';
import type { PodInfo, Snapshot } from '../../model/snapshot.ts';
import type { LabelSelector } from '../../model/selector.ts';
import { matchesSelector } from '../core/label-selector.ts';
import { derivation } from '../core/context.ts';
import { endpointOf, identityLabels, labelView, usesNamespaceLabels, type EndpointFacts } from './cilium-identity.ts';

/** Why which policies select a pod is not known; one object per endpoint, so inputs holding it intern. */
export type SelectionUnknown =
  | { code: 'CILIUM_EGW_NAMESPACE_LABELS_UNKNOWN'; namespace: string }
  | { code: 'CILIUM_EGW_LABEL_FILTER_UNKNOWN'; detail: string };

export interface PolicyIndex {
  valid: CiliumEgressPolicy[];
  invalid: CiliumEgressPolicy[];
  anyUsesNamespaceLabels: boolean;
  /**
   * The valid policies selecting the pod, in policy order, or why that is not known (its
   * namespace's labels are needed but unread; the label filter is unmodelled or its answer depends
   * on the agent's release). Pods selected by the same policies get the same array.
   */
  selection(pod: PodInfo): CiliumEgressPolicy[] | SelectionUnknown;
  /** The policies, or undefined where selection() does not know. */
  selecting(pod: PodInfo): CiliumEgressPolicy[] | undefined;
  /** The valid policies that select the pod whatever selection() does not know (lint reports only those). */
  certainlySelecting(pod: PodInfo): CiliumEgressPolicy[];
  /** Rejected policies whose valid selector entries name the pod (one shared array per distinct set). */
  rejected(pod: PodInfo): readonly CiliumEgressPolicy[];
}

const NONE_REJECTED: readonly CiliumEgressPolicy[] = Object.freeze([]);

export const policyIndex = derivation((snapshot: Snapshot, ctx): PolicyIndex => {
  const cilium = snapshot.datapath.cilium;
  const policies = cilium?.egressPolicies ?? [];
  const valid = policies.filter((p) => !p.invalid);
  // The label view is cilium-config's, fixed for the call; without Cilium no policy selects anyway.
  const view = cilium ? ctx.of(labelView, cilium.config) : undefined;
  const unmodelled: SelectionUnknown | undefined =
    valid.length > 0 && view?.unmodelled
      ? { code: 'CILIUM_EGW_LABEL_FILTER_UNKNOWN', detail: view.unmodelled }
      : undefined;
  const anyUsesNamespaceLabels = valid.some(usesNamespaceLabels);
  // Selector keys whose keeping changed across releases: only then is the older filter asked too.
  const versioned = view
    ? new Map(
        valid.flatMap((p) =>
          p.selectors.flatMap((s) =>
            s.flatMap((r) => {
              const since = view.changedIn(r.key);
              return since ? [[r.key, since] as const] : [];
            }),
          ),
        ),
      )
    : new Map<string, string>();
  const candidates = candidateIndex(valid);
  const order = new Map(valid.map((p, at) => [p, at]));
  const selections = new Map<string, CiliumEgressPolicy[]>();
  const matching = (identity: Record<string, string>) =>
    candidates(identity).filter((p) => p.selectors.some((s) => matchesSelector(identity, s)));
  // Pods of one template have equal endpoint facts (config shares their label maps): the selection
  // is worked out once per set of facts, interned field by field, so keyed by the whole of them.
  const byEndpoint = new Map<EndpointFacts, CiliumEgressPolicy[] | SelectionUnknown>();
  const select = (endpoint: EndpointFacts): CiliumEgressPolicy[] | SelectionUnknown => {
    if (!view || valid.length === 0) return [];
    if (unmodelled) return unmodelled;
    const namespaceLabels = snapshot.namespaceLabels[endpoint.namespace];
    if (!namespaceLabels && anyUsesNamespaceLabels)
      return { code: 'CILIUM_EGW_NAMESPACE_LABELS_UNKNOWN', namespace: endpoint.namespace };
    const selected = matching(identityLabels(endpoint, namespaceLabels ?? {}, view));
    if (versioned.size > 0) {
      const before = matching(identityLabels(endpoint, namespaceLabels ?? {}, view, view.keepsBefore));
      const differing = valid.find((p) => selected.includes(p) !== before.includes(p));
      if (differing) {
        const [key, since] = [...versioned].find(([k]) => differing.selectors.some((s) => s.some((r) => r.key === k)))!;
        return {
          code: 'CILIUM_EGW_LABEL_FILTER_UNKNOWN',
          detail: `policy ${differing.name} selects on ${key}, which agents before Cilium ${since} filter differently, and the agent's release is not read`,
        };
      }
    }
    const key = selected.map((p) => order.get(p)).join(',');
    if (!selections.has(key)) selections.set(key, selected);
    return selections.get(key)!;
  };
  const selection = (pod: PodInfo) => {
    const endpoint = ctx.inputs.intern(byEndpoint, endpointOf(pod));
    let found = byEndpoint.get(endpoint);
    if (!found) byEndpoint.set(endpoint, (found = select(endpoint)));
    return found;
  };
  const selecting = (pod: PodInfo) => {
    const found = selection(pod);
    return Array.isArray(found) ? found : undefined;
  };
  const certainlySelecting = (pod: PodInfo): CiliumEgressPolicy[] => {
    const found = selection(pod);
    if (Array.isArray(found)) return found;
    if (!view || found === unmodelled) return [];
    // Without the namespace's labels only policies that do not read them; across releases only
    // policies both filters' labels match.
    const namespaceLabels = snapshot.namespaceLabels[pod.namespace];
    const endpoint = endpointOf(pod);
    const known = (p: CiliumEgressPolicy) => namespaceLabels !== undefined || !usesNamespaceLabels(p);
    const now = matching(identityLabels(endpoint, namespaceLabels ?? {}, view));
    const before = matching(identityLabels(endpoint, namespaceLabels ?? {}, view, view.keepsBefore));
    return now.filter((p) => before.includes(p) && known(p));
  };
  const invalid = policies.filter((p) => p.invalid);
  const meant = invalid.filter((p) => (p.intended?.selectors.length ?? 0) > 0);
  const rejectedSets = new Map<string, readonly CiliumEgressPolicy[]>();
  // A warning, not an answer: matched with the labels the pod has, namespace labels as read.
  const rejected = (pod: PodInfo): readonly CiliumEgressPolicy[] => {
    if (!view || meant.length === 0 || pod.hostNetwork) return NONE_REJECTED;
    const identity = identityLabels(endpointOf(pod), snapshot.namespaceLabels[pod.namespace] ?? {}, view);
    const found = meant.filter((p) => p.intended!.selectors.some((s) => matchesSelector(identity, s)));
    if (found.length === 0) return NONE_REJECTED;
    const key = found.map((p) => p.name).join('\u0000');
    if (!rejectedSets.has(key)) rejectedSets.set(key, found);
    return rejectedSets.get(key)!;
  };
  return { valid, invalid, anyUsesNamespaceLabels, selection, selecting, certainlySelecting, rejected };
});

/** The policies that might select these labels, in policy order; the caller still matches them. */
function candidateIndex(valid: CiliumEgressPolicy[]): (labels: Record<string, string>) => CiliumEgressPolicy[] {
  const byPair = new Map<string, Set<number>>();
  const always: number[] = [];
  valid.forEach((policy, at) => {
    for (const selector of policy.selectors) {
      const pairs = requiredPairs(selector);
      if (!pairs) always.push(at);
      else for (const pair of pairs) byPair.set(pair, (byPair.get(pair) ?? new Set()).add(at));
    }
  });
  return (labels) => {
    const found = new Set(always);
    for (const [key, value] of Object.entries(labels))
      for (const at of byPair.get(pairKey(key, value)) ?? []) found.add(at);
    return [...found].sort((a, b) => a - b).map((at) => valid[at]!);
  };
}

/** The label pairs one of which a matching pod must carry, from the selector's first `in` requirement. */
function requiredPairs(selector: LabelSelector): string[] | undefined {
  const requirement = selector.find((r) => r.op === 'in');
  return requirement && requirement.op === 'in'
    ? requirement.values.map((v) => pairKey(requirement.key, v))
    : undefined;
}

function pairKey(key: string, value: string): string {
  return `${key}\u0000${value}`;
}
