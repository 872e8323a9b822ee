/**
 * Which CiliumEgressGatewayPolicies pick a pod, as the agent picks its endpoint: the identity
 * labels against each selector, then the pooled selectors[].nodeSelector against the pod's node
 * (reference/cilium-egress.md §3.1; pkg/egressgateway/policy.go `matchesNodeLabels`).
 */
import type { CiliumEgressPolicy } from '../../model/cilium.ts';
import type { CiliumDatapath } from '../../model/datapath.ts';
import type { ObjectRef } from '../../model/objects.ts';
import type { PodInfo, Snapshot } from '../../model/snapshot.ts';
import { identityLabels, usesNamespaceLabels } from '../gateways/cilium-identity.ts';
import { matchesSelector } from '../label-selector.ts';

/**
 * The valid policies that certainly select the pod, hostNetwork or not (the host-network check
 * asks exactly that). A policy whose answer depends on what was not read (the Namespace's labels,
 * the node of an unscheduled pod) is left out rather than guessed.
 */
export function policiesSelecting(pod: PodInfo, snapshot: Snapshot, dp: CiliumDatapath): CiliumEgressPolicy[] {
  const namespaceLabels = snapshot.namespaceLabels[pod.namespace];
  const identity = identityLabels(pod, namespaceLabels ?? {});
  const nodeLabels = dp.nodes.find((n) => n.name === pod.nodeName)?.labels ?? snapshot.nodes.find((n) => n.name === pod.nodeName)?.labels;
  return dp.egressPolicies.filter((p) => {
    if (p.invalid || (!namespaceLabels && usesNamespaceLabels(p))) return false;
    if (!p.selectors.some((s) => matchesSelector(identity, s))) return false;
    if (p.nodeSelectors.length === 0) return true;
    return nodeLabels !== undefined && p.nodeSelectors.some((s) => matchesSelector(nodeLabels, s));
  });
}

export function policyRef(policy: CiliumEgressPolicy): ObjectRef {
  return { kind: 'CiliumEgressGatewayPolicy', name: policy.name };
}
