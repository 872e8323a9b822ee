/**
 * verify's plan: one probe per class of pods the engine treats alike — same namespace, node,
 * workload and predicted answer (which covers the policies that match) — or one per pod; and the
 * labels the probe wears, with the answer for a pod wearing them, which must be the workload's for
 * the probe to stand in for it.
 */
import type { Decision, Query } from '../model/decision.ts';
import type { PodInfo, Snapshot } from '../model/snapshot.ts';
import type { ProbePlan } from '../model/verification.ts';
import { predict } from './predict.ts';
import { inAnswerOrder } from './select.ts';

/** What `verify --cleanup` finds probes by: every probe has it, whatever else it wears. */
export const RUN_LABEL = 'kubectl-egress.io/run';
const MANAGED_BY = 'app.kubernetes.io/managed-by';

/** Labels controllers stamp on their pods; copying them could make a controller claim the probe. */
const CONTROLLER_LABELS = new Set([
  'pod-template-hash',
  'controller-revision-hash',
  'pod-template-generation',
  'statefulset.kubernetes.io/pod-name',
  'apps.kubernetes.io/pod-index',
  'controller-uid',
  'batch.kubernetes.io/controller-uid',
  'job-name',
  'batch.kubernetes.io/job-name',
]);

/**
 * The pod's labels less the controllers' ones, plus the run id; `app.kubernetes.io/managed-by:
 * kubectl-egress` only where the pod has no managed-by of its own (Helm's is common, and a policy
 * may select on it). What is left different, policies may still select on: probeTwins says so.
 */
export function probeLabels(podLabels: Readonly<Record<string, string>>, runId: string): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const [key, value] of Object.entries(podLabels)) if (!CONTROLLER_LABELS.has(key)) labels[key] = value;
  labels[MANAGED_BY] ??= 'kubectl-egress';
  labels[RUN_LABEL] = runId;
  return labels;
}

/**
 * Each plan with the answer for a pod in the workload pod's place wearing the probe's labels
 * (`probeDecision`): where it differs from the workload's, what the probe observes says nothing
 * about the workload (engine/compare.ts). The run id's value is no selector's business: any will do.
 */
export function probeTwins(
  snapshot: Snapshot,
  plans: readonly ProbePlan[],
  pods: readonly PodInfo[],
  query: Query,
): ProbePlan[] {
  const podByKey = new Map(pods.map((p) => [`${p.namespace}/${p.name}`, p]));
  const twins = plans.flatMap((plan) => {
    const pod = podByKey.get(`${plan.namespace}/${plan.pod}`);
    return pod ? [{ ...pod, labels: probeLabels(pod.labels, 'prediction') }] : [];
  });
  // One call for every twin: the call's derivations (policy view, node addresses) are made once.
  const key = (d: Decision) => `${d.namespace}/${d.pod}\u0000${d.destination.text}`;
  const decisions = new Map(
    predict(snapshot, inAnswerOrder(twins), { ...query, trace: false }).map((d) => [key(d), d]),
  );
  return plans.map((plan) => {
    const probeDecision = decisions.get(key(plan.decision));
    return probeDecision ? { ...plan, probeDecision } : plan;
  });
}

export function planProbes(decisions: readonly Decision[], pods: readonly PodInfo[], by: 'class' | 'pod'): ProbePlan[] {
  const podByKey = new Map(pods.map((p) => [`${p.namespace}/${p.name}`, p]));
  const plans = new Map<string, ProbePlan>();
  for (const d of decisions) {
    const pod = podByKey.get(`${d.namespace}/${d.pod}`);
    // A probe needs a node to be pinned to and a pod network to share; hostNetwork pods are left out.
    if (!pod?.nodeName || pod.hostNetwork) continue;
    const key = by === 'pod' ? `${d.namespace}/${d.pod}` : classKey(d, pod);
    const existing = plans.get(key);
    if (existing) existing.members.push(d.pod);
    else
      plans.set(key, {
        namespace: d.namespace,
        pod: d.pod,
        node: pod.nodeName,
        labels: pod.labels,
        annotations: pod.annotations,
        serviceAccount: pod.serviceAccount,
        decision: d,
        members: [d.pod],
      });
  }
  return [...plans.values()];
}

function classKey(d: Decision, pod: PodInfo): string {
  return [
    d.namespace,
    pod.nodeName,
    d.workload.kind,
    d.workload.name,
    d.destination.text,
    d.identity,
    d.sourceIP ?? d.sourceIPs.join(','),
    d.via,
    d.gateway?.node ?? '',
  ].join('|');
}
