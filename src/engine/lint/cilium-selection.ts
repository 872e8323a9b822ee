/**
 * Which CiliumEgressGatewayPolicies pick a pod, as the agent picks its endpoint: the identity
 * labels against each selector, then the pooled selectors[].nodeSelector against the pod's node
 * (reference/cilium-egress.md §3.1; pkg/egressgateway/policy.go `matchesNodeLabels`).
 */
import type { CiliumEgressPolicy } from '../../model/cilium.ts';
import type { CiliumDatapath } from '../../model/datapath.ts';
import type { ObjectRef } from '../../model/objects.ts';
import type { PodInfo, Snapshot } from '../../model/snapshot.ts';
import { endpointOf, identityLabels, labelView, usesNamespaceLabels } from '../gateways/cilium-identity.ts';
import { policyIndex } from '../gateways/cilium-policy-index.ts';
import { matchesSelector } from '../core/label-selector.ts';
import type { EngineContext } from '../core/context.ts';
import { ciliumNodesByName } from '../core/cilium-nodes.ts';

/**
 * The valid policies that certainly select the pod, hostNetwork or not (the host-network check
 * asks exactly that). A policy whose answer depends on what was not read (the Namespace's labels,
 * the node of an unscheduled pod) is left out rather than guessed.
 */
export function policiesSelecting(ctx: EngineContext, pod: PodInfo, dp: CiliumDatapath): CiliumEgressPolicy[] {
  const { snapshot } = ctx;
  const nodeName = pod.nodeName ?? '';
  const nodeLabels = ctx.of(ciliumNodesByName, dp).get(nodeName)?.labels ?? ctx.node(nodeName)?.labels;
  // The engine's index answers for the pods whose namespace labels are not in question.
  const index = ctx.of(policyIndex, snapshot);
  // With the label filter unmodelled no selection is certain.
  if (index.labelFilterUnmodelled) return [];
  const candidates = index.selecting(pod) ?? bySelectorsKnown(ctx, pod, dp);
  return candidates.filter((p) => p.nodeSelectors.length === 0 || (nodeLabels !== undefined && p.nodeSelectors.some((s) => matchesSelector(nodeLabels, s))));
}

/** Every valid policy whose selectors match without the unread namespace labels. */
function bySelectorsKnown(ctx: EngineContext, pod: PodInfo, dp: CiliumDatapath): CiliumEgressPolicy[] {
  const identity = identityLabels(endpointOf(pod), {}, ctx.of(labelView, dp.config));
  return dp.egressPolicies.filter((p) => !p.invalid && !usesNamespaceLabels(p) && p.selectors.some((s) => matchesSelector(identity, s)));
}

export function policyRef(policy: CiliumEgressPolicy): ObjectRef {
  return { kind: 'CiliumEgressGatewayPolicy', name: policy.name };
}
