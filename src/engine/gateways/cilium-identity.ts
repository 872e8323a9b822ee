/**
 * What a CiliumEgressGatewayPolicy selector is matched against: the endpoint's security-identity
 * labels, not the raw pod labels (reference/cilium-egress.md §3.1; pkg/egressgateway/endpoint.go).
 */
import type { CiliumEgressPolicy } from '../../model/cilium.ts';
import type { PodInfo } from '../../model/snapshot.ts';

const NAMESPACE_LABEL_PREFIX = 'io.cilium.k8s.namespace.labels.';
const POD_NAMESPACE_LABEL = 'io.kubernetes.pod.namespace';

/**
 * Labels Cilium's default identity-label filter drops (pkg/labelsfilter defaults), so selectors on
 * them never match. [unconfirmed] against the newest defaults; the reference leaves the list open.
 */
const FILTERED = [/^pod-template-hash$/, /^controller-revision-hash$/, /^pod-template-generation$/, /^statefulset\.kubernetes\.io\/pod-name$/];

/** What of a pod its endpoint's identity labels are made from; pods with equal facts share an identity. */
export interface EndpointFacts {
  namespace: string;
  labels: Record<string, string>;
}

export function endpointOf(pod: PodInfo): EndpointFacts {
  return { namespace: pod.namespace, labels: pod.labels };
}

export function identityLabels(endpoint: EndpointFacts, namespaceLabels: Record<string, string>): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const [key, value] of Object.entries(endpoint.labels)) if (!FILTERED.some((f) => f.test(key))) labels[key] = value;
  for (const [key, value] of Object.entries(namespaceLabels)) labels[NAMESPACE_LABEL_PREFIX + key] = value;
  labels[POD_NAMESPACE_LABEL] = endpoint.namespace;
  return labels;
}

/** Whether a policy selects on namespace labels, which only the Namespace object shows. */
export function usesNamespaceLabels(p: CiliumEgressPolicy): boolean {
  return p.selectors.some((s) => s.some((r) => r.key.startsWith(NAMESPACE_LABEL_PREFIX)));
}
