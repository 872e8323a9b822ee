/**
 * Which Calico policies select a pod for egress. A pod is a workload endpoint whose labels are its
 * own plus `projectcalico.org/namespace`, `projectcalico.org/orchestrator: k8s` and
 * `projectcalico.org/serviceaccount` (libcalico-go/lib/backend/k8s/conversion
 * workload_endpoint_default.go; updateprocessors/workloadendpointprocessor.go drops its own `pcns.`
 * and `pcsa.` labels and sets the service account), and inherits its namespace's labels as `pcns.<key>`
 * and its ServiceAccount's as `pcsa.<key>`, each with `projectcalico.org/name` (conversion.go
 * NamespaceToProfile, ServiceAccountToProfile). ServiceAccounts are not read: a selector that needs
 * their labels cannot decide. A NetworkPolicy applies to the workload endpoints of its namespace
 * only; a hostNetwork pod has no workload endpoint, and only GlobalNetworkPolicies reach it, through
 * a host endpoint (docs.tigera.io calico/latest/reference/resources networkpolicy, hostendpoint).
 */
import type { CalicoPolicyInfo } from '../../model/calico-policy.ts';
import type { CodesOf, Finding } from '../../model/reasons.ts';
import type { PodInfo, Snapshot } from '../../model/snapshot.ts';

/** What Calico's policies read of the source pod: its workload endpoint's labels and its own address (subject.ts CalicoFacts). */
export type CalicoEndpoint = Pick<PodInfo, 'namespace' | 'labels' | 'hostNetwork' | 'serviceAccount'> & {
  readonly podIPs: readonly string[];
};
import { derivation, type EngineContext } from '../core/context.ts';
import type { Findings } from '../core/mechanism.ts';
import { withClusterWide } from './by-namespace.ts';
import { evaluate, UNREAD, type LabelLookup } from './calico-selector.ts';

export const CALICO_SELECTION_FINDINGS = {
  CALICO_POLICY_SELECTS: (d) =>
    `Calico ${d['policies']} ${d['count'] === '1' ? 'selects' : 'select'} the pod for egress, and what ${d['count'] === '1' ? 'it decides' : 'they decide'} is not worked out: ${d['why']}`,
  CALICO_POLICY_MAY_SELECT: (d) =>
    `whether Calico ${d['kind']} ${d['policy']} selects the pod for egress depends on labels that were not read (${d['labels']}): ${d['why']}`,
  CALICO_POLICY_INVALID: (d) =>
    `Calico ${d['kind']} ${d['policy']} has ${d['field']} = ${d['value']}, which Calico refuses (${d['error']}): which pods it selects is unknown`,
  CALICO_HOST_ENDPOINT_POLICY: (d) =>
    `the pod uses the host network, where Calico applies GlobalNetworkPolicies through host endpoints, which are not read: ${d['policies']} may select it`,
  CALICO_POLICY_HOST_CHAINS: (d) =>
    `Calico GlobalNetworkPolicy ${d['policy']} sets ${d['field']}, which applies it to host endpoints before the workload's own policies; this tool does not work that out`,
  CALICO_POLICIES_DO_NOT_SELECT: (d) => `no Calico policy selects the pod for egress (${d['count']} read)`,
} satisfies Findings;

declare module '../../model/reasons.ts' {
  interface MechanismReasonCodes extends CodesOf<typeof CALICO_SELECTION_FINDINGS> {}
}

/** What the Calico policies say about a pod: the ones that select it, reasons that leave that unknown, or else a note that none selects it. */
export interface CalicoSelection {
  selected: CalicoPolicyInfo[];
  unknowns: Finding[];
  note?: Finding;
}

const NAME_LABEL = 'projectcalico.org/name';
/** Set by the API server on every Namespace (Kubernetes 1.21 and later); -f input may lack it. */
const METADATA_NAME = 'kubernetes.io/metadata.name';

/** `policies`: every GlobalNetworkPolicy and the pod's namespace's Calico NetworkPolicies; `total`: how many Calico policies were read. */
export function calicoSelection(
  policies: readonly CalicoPolicyInfo[],
  total: number,
  pod: CalicoEndpoint,
  namespaceLabels: Record<string, string> | undefined,
): CalicoSelection {
  const egress = policies.filter((p) => p.egress);
  if (pod.hostNetwork)
    return hostNetwork(
      egress.filter((p) => p.namespace === undefined),
      total,
    );
  const labels = endpointLabels(pod, namespaceLabels);
  const unknowns: Finding[] = [];
  const selecting: CalicoPolicyInfo[] = [];
  for (const policy of egress) {
    if (policy.invalid) {
      unknowns.push({
        code: 'CALICO_POLICY_INVALID',
        data: { kind: policy.kind, policy: nameOf(policy), ...policy.invalid },
        source: sourceOf(policy),
      });
      continue;
    }
    const { truth, unread } = evaluate(policy.endpoints!, labels);
    if (truth !== 'no' && policy.hostChains)
      unknowns.push({
        code: 'CALICO_POLICY_HOST_CHAINS',
        data: { policy: nameOf(policy), field: policy.hostChains },
        source: sourceOf(policy),
      });
    else if (truth === 'yes') selecting.push(policy);
    if (truth === 'unknown')
      unknowns.push({
        code: 'CALICO_POLICY_MAY_SELECT',
        data: {
          kind: policy.kind,
          policy: nameOf(policy),
          labels: unread.join(', '),
          why: whyUnread(unread, pod.namespace),
        },
        source: sourceOf(policy),
      });
  }
  if (selecting.length > 0 || unknowns.length > 0) return { selected: selecting, unknowns };
  return { selected: [], unknowns, note: { code: 'CALICO_POLICIES_DO_NOT_SELECT', data: { count: String(total) } } };
}

/** Why the verdict is unknown where the Calico verdict is not worked out (`why`): the policies that select the pod, and what else is unknown. */
export function selectionUnknowns(selection: CalicoSelection, why: string): Finding[] {
  const { selected, unknowns } = selection;
  if (selected.length === 0) return unknowns;
  const finding: Finding = {
    code: 'CALICO_POLICY_SELECTS',
    data: { policies: names(selected), count: String(selected.length), why },
    ...(selected.length === 1 && { source: sourceOf(selected[0]!) }),
  };
  return [finding, ...unknowns];
}

function hostNetwork(globals: readonly CalicoPolicyInfo[], total: number): CalicoSelection {
  if (globals.length === 0)
    return {
      selected: [],
      unknowns: [],
      note: { code: 'CALICO_POLICIES_DO_NOT_SELECT', data: { count: String(total) } },
    };
  return { selected: [], unknowns: [{ code: 'CALICO_HOST_ENDPOINT_POLICY', data: { policies: names(globals) } }] };
}

/** The workload endpoint's labels with the ones it inherits from its namespace's and ServiceAccount's profiles. */
export function endpointLabels(pod: CalicoEndpoint, namespaceLabels: Record<string, string> | undefined): LabelLookup {
  return (key) => {
    if (key.startsWith('pcns.')) return namespaceLabel(key.slice('pcns.'.length), pod.namespace, namespaceLabels);
    if (key.startsWith('pcsa.')) return key === `pcsa.${NAME_LABEL}` ? pod.serviceAccount : UNREAD;
    if (key === 'projectcalico.org/namespace') return pod.namespace;
    if (key === 'projectcalico.org/orchestrator') return 'k8s';
    if (key === 'projectcalico.org/serviceaccount') return pod.serviceAccount;
    return Object.hasOwn(pod.labels, key) ? pod.labels[key] : undefined;
  };
}

function namespaceLabel(
  key: string,
  namespace: string,
  read: Record<string, string> | undefined,
): string | undefined | typeof UNREAD {
  if (key === NAME_LABEL || key === METADATA_NAME) return namespace;
  if (!read) return UNREAD;
  return Object.hasOwn(read, key) ? read[key] : undefined;
}

function whyUnread(keys: readonly string[], namespace: string): string {
  const why: string[] = [];
  if (keys.some((k) => k.startsWith('pcns.'))) why.push(`namespace ${namespace} was not read`);
  if (keys.some((k) => k.startsWith('pcsa.'))) why.push('ServiceAccounts are not read');
  return why.join('; ');
}

function names(policies: readonly CalicoPolicyInfo[]): string {
  const shown = policies
    .slice(0, 3)
    .map((p) => `${p.kind} ${nameOf(p)}`)
    .join(', ');
  return policies.length > 3 ? `${shown} and ${policies.length - 3} more` : shown;
}

function nameOf(policy: CalicoPolicyInfo): string {
  return policy.namespace ? `${policy.namespace}/${policy.name}` : policy.name;
}

function sourceOf(policy: CalicoPolicyInfo): Finding['source'] {
  return { kind: policy.kind, ...(policy.namespace && { namespace: policy.namespace }), name: policy.name };
}

/** The Calico policies that may select a pod of each namespace: its NetworkPolicies and every GlobalNetworkPolicy ('' holds the global ones alone). */
export const calicoByNamespace = derivation(
  (snapshot: Snapshot): Map<string, CalicoPolicyInfo[]> => withClusterWide(snapshot.policy.calico ?? []),
);

/** The Calico selection for the pod, or undefined where no Calico policy was read. */
export function calicoSelectionOf(ctx: EngineContext, pod: CalicoEndpoint): CalicoSelection | undefined {
  const total = ctx.snapshot.policy.calico?.length ?? 0;
  if (total === 0) return undefined;
  const byNamespace = ctx.of(calicoByNamespace, ctx.snapshot);
  return calicoSelection(
    byNamespace.get(pod.namespace) ?? byNamespace.get('')!,
    total,
    pod,
    ctx.snapshot.namespaceLabels[pod.namespace],
  );
}
