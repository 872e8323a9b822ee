/**
 * Which CiliumEgressGatewayPolicies pick a pod, as the agent picks its endpoint: the identity
 * labels against each selector, then the pooled selectors[].nodeSelector against the pod's node
 * (reference/cilium-egress.md §3.1; pkg/egressgateway/policy.go `matchesNodeLabels`).
 */
import type { CiliumEgressPolicy } from '../../model/cilium.ts';
import type { CiliumDatapath } from '../../model/datapath.ts';
import type { ObjectRef } from '../../model/objects.ts';
import type { PodInfo } from '../../model/snapshot.ts';
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
  // The engine's index, with the one label view; where it does not know, only the certain policies.
  const candidates = ctx.of(policyIndex, snapshot).certainlySelecting(pod);
  return candidates.filter(
    (p) =>
      p.nodeSelectors.length === 0 ||
      (nodeLabels !== undefined && p.nodeSelectors.some((s) => matchesSelector(nodeLabels, s))),
  );
}

export function policyRef(policy: CiliumEgressPolicy): ObjectRef {
  return { kind: 'CiliumEgressGatewayPolicy', name: policy.name };
}
