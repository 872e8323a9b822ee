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

export interface PolicyIndex {
  valid: CiliumEgressPolicy[];
  invalid: CiliumEgressPolicy[];
  anyUsesNamespaceLabels: boolean;
  /** Why no selection is certain: the identity-label filter is not modelled (cilium-config). */
  labelFilterUnmodelled: string | undefined;
  /**
   * The valid policies selecting the pod, in policy order; undefined when its namespace's labels
   * are needed but unread, or the label filter is unmodelled. Pods selected by the same policies
   * get the same array.
   */
  selecting(pod: PodInfo): CiliumEgressPolicy[] | undefined;
}

export const policyIndex = derivation((snapshot: Snapshot, ctx): PolicyIndex => {
  const cilium = snapshot.datapath.cilium;
  const policies = cilium?.egressPolicies ?? [];
  const valid = policies.filter((p) => !p.invalid);
  // The label view is cilium-config's, fixed for the call; without Cilium no policy selects anyway.
  const view = cilium ? ctx.of(labelView, cilium.config) : undefined;
  const labelFilterUnmodelled = valid.length > 0 ? view?.unmodelled : undefined;
  const anyUsesNamespaceLabels = valid.some(usesNamespaceLabels);
  const candidates = candidateIndex(valid);
  const order = new Map(valid.map((p, at) => [p, at]));
  const selections = new Map<string, CiliumEgressPolicy[]>();
  // Pods of one template have equal endpoint facts (config shares their label maps): the selection
  // is worked out once per set of facts, interned field by field, so keyed by the whole of them.
  const byEndpoint = new Map<EndpointFacts, CiliumEgressPolicy[] | undefined>();
  const select = (endpoint: EndpointFacts): CiliumEgressPolicy[] | undefined => {
    if (!view || valid.length === 0) return [];
    if (labelFilterUnmodelled) return undefined;
    const namespaceLabels = snapshot.namespaceLabels[endpoint.namespace];
    if (!namespaceLabels && anyUsesNamespaceLabels) return undefined;
    const identity = identityLabels(endpoint, namespaceLabels ?? {}, view);
    const selected = candidates(identity).filter((p) => p.selectors.some((s) => matchesSelector(identity, s)));
    const key = selected.map((p) => order.get(p)).join(',');
    if (!selections.has(key)) selections.set(key, selected);
    return selections.get(key)!;
  };
  const selecting = (pod: PodInfo) => {
    const endpoint = ctx.inputs.intern(byEndpoint, endpointOf(pod));
    if (!byEndpoint.has(endpoint)) byEndpoint.set(endpoint, select(endpoint));
    return byEndpoint.get(endpoint);
  };
  return { valid, invalid: policies.filter((p) => p.invalid), anyUsesNamespaceLabels, labelFilterUnmodelled, selecting };
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
    for (const [key, value] of Object.entries(labels)) for (const at of byPair.get(pairKey(key, value)) ?? []) found.add(at);
    return [...found].sort((a, b) => a - b).map((at) => valid[at]!);
  };
}

/** The label pairs one of which a matching pod must carry, from the selector's first `in` requirement. */
function requiredPairs(selector: LabelSelector): string[] | undefined {
  const requirement = selector.find((r) => r.op === 'in');
  return requirement && requirement.op === 'in' ? requirement.values.map((v) => pairKey(requirement.key, v)) : undefined;
}

function pairKey(key: string, value: string): string {
  return `${key}\u0000${value}`;
}
