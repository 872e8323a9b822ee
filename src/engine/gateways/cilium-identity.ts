/**
 * What a CiliumEgressGatewayPolicy selector is matched against: the endpoint's security-identity
 * labels, not the raw pod labels (reference/cilium-egress.md §3.1; pkg/egressgateway/endpoint.go
 * `identityLabels.K8sStringMap()`). The agent builds them as cilium/cilium pkg/k8s/utils/utils.go
 * `SanitizePodLabels` does: the pod's labels without Cilium's own `io.cilium.k8s*` keys, then the
 * namespace labels, namespace name, service account and cluster name; and keeps of those only what
 * its identity-label filter passes (pkg/labelsfilter/filter.go `filterLabels`).
 */
import type { CiliumConfig, CiliumEgressPolicy, CiliumLabelFilter } from '../../model/cilium.ts';
import type { PodInfo } from '../../model/snapshot.ts';
import { derivation } from '../core/context.ts';

/** pkg/k8s/apis/cilium.io/const.go. */
const CILIUM_LABEL_PREFIX = 'io.cilium.k8s';
const NAMESPACE_LABEL_PREFIX = 'io.cilium.k8s.namespace.labels.';
const POD_NAMESPACE_LABEL = 'io.kubernetes.pod.namespace';
const SERVICE_ACCOUNT_LABEL = 'io.cilium.k8s.policy.serviceaccount';
const CLUSTER_LABEL = 'io.cilium.k8s.policy.cluster';
/** Every label of a pod endpoint has the `k8s` source (labels.LabelSourceK8s). */
const K8S_SOURCE = 'k8s';

/** What of a pod its endpoint's identity labels are made from; pods with equal facts share an identity. */
export interface EndpointFacts {
  namespace: string;
  labels: Record<string, string>;
  serviceAccount: string;
}

export function endpointOf(pod: PodInfo): EndpointFacts {
  return { namespace: pod.namespace, labels: pod.labels, serviceAccount: pod.serviceAccount };
}

/** What of cilium-config the identity labels read; one per predict call. */
export interface LabelView {
  clusterName: string;
  /** Whether a label key (of the k8s source) is kept in the identity. */
  keeps(key: string): boolean;
  /** Whether an agent older than every `since` default entry keeps it. */
  keepsBefore(key: string): boolean;
  /** The newest release whose default entries changed whether the key is kept; undefined: none did. */
  changedIn(key: string): string | undefined;
  /** Why the filter is not modelled; then no selection by labels is certain. */
  unmodelled: string | undefined;
}

interface CompiledPrefix {
  source: string;
  expr: RegExp;
  ignore: boolean;
}

/**
 * `filterLabels`: of the patterns matching at the start of the key, the longest include match and
 * the shortest ignore match (0 when none); the label is kept when no include pattern was
 * configured and no ignore matched, or when the include match is longer than the ignore match.
 */
export function labelFilter(filter: CiliumLabelFilter): (key: string) => boolean {
  const compiled: CompiledPrefix[] = filter.prefixes.map((p) => ({
    source: p.source,
    expr: new RegExp(p.pattern),
    ignore: p.ignore,
  }));
  return (key) => {
    let included = 0;
    let ignored = 0;
    for (const p of compiled) {
      if (p.source !== '' && p.source !== K8S_SOURCE) continue;
      // Go's FindStringIndex: the leftmost match, which counts only when it starts the key.
      const m = p.expr.exec(key);
      if (!m || m.index !== 0) continue;
      const length = m[0].length;
      if (p.ignore) {
        if (ignored === 0 || length < ignored) ignored = length;
      } else if (length > included) included = length;
    }
    return (!filter.whitelist && ignored === 0) || included > ignored;
  };
}

/** One answer per key for the call: a filter depends on nothing else. */
function memo(keeps: (key: string) => boolean): (key: string) => boolean {
  const kept = new Map<string, boolean>();
  return (key) => {
    let answer = kept.get(key);
    if (answer === undefined) kept.set(key, (answer = keeps(key)));
    return answer;
  };
}

export const labelView = derivation((config: CiliumConfig): LabelView => {
  const filter = config.labelFilter;
  const keeps = memo(labelFilter(filter));
  const keepsBefore = memo(labelFilter({ ...filter, prefixes: filter.prefixes.filter((p) => !p.since) }));
  const versioned = filter.prefixes
    .filter((p) => p.since)
    .map((p) => ({ since: p.since!, expr: new RegExp(p.pattern) }));
  return {
    clusterName: config.clusterName,
    keeps,
    keepsBefore,
    changedIn: (key) => {
      if (keeps(key) === keepsBefore(key)) return undefined;
      const matching = versioned.filter((v) => v.expr.exec(key)?.index === 0).map((v) => v.since);
      return matching.sort((a, b) => a.localeCompare(b, 'en', { numeric: true })).at(-1);
    },
    unmodelled: filter.unmodelled,
  };
});

/** The identity labels; `keeps` picks the filter (an older agent's, to ask whether the answer depends on it). */
export function identityLabels(
  endpoint: EndpointFacts,
  namespaceLabels: Record<string, string>,
  view: LabelView,
  keeps = view.keeps,
): Record<string, string> {
  const all: Record<string, string> = {};
  // filterPodLabels: a pod cannot set Cilium's own labels itself.
  for (const [key, value] of Object.entries(endpoint.labels))
    if (!key.startsWith(CILIUM_LABEL_PREFIX)) all[key] = value;
  for (const [key, value] of Object.entries(namespaceLabels)) all[NAMESPACE_LABEL_PREFIX + key] = value;
  all[POD_NAMESPACE_LABEL] = endpoint.namespace;
  if (endpoint.serviceAccount !== '') all[SERVICE_ACCOUNT_LABEL] = endpoint.serviceAccount;
  all[CLUSTER_LABEL] = view.clusterName;
  const labels: Record<string, string> = {};
  for (const [key, value] of Object.entries(all)) if (keeps(key)) labels[key] = value;
  return labels;
}

/** Whether a policy selects on namespace labels, which only the Namespace object shows. */
export function usesNamespaceLabels(p: CiliumEgressPolicy): boolean {
  return p.selectors.some((s) => s.some((r) => r.key.startsWith(NAMESPACE_LABEL_PREFIX)));
}
