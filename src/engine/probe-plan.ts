/**
 * verify's plan: one probe per class of pods the engine treats alike — same namespace, node,
 * workload and predicted answer (which covers the policies that match) — or one per pod.
 */
import type { Decision } from '../model/decision.ts';
import type { PodInfo } from '../model/snapshot.ts';
import type { ProbePlan } from '../model/verification.ts';

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
    else plans.set(key, { namespace: d.namespace, pod: d.pod, node: pod.nodeName, labels: pod.labels, annotations: pod.annotations, decision: d, members: [d.pod] });
  }
  return [...plans.values()];
}

function classKey(d: Decision, pod: PodInfo): string {
  return [d.namespace, pod.nodeName, d.workload.kind, d.workload.name, d.destination.text, d.identity, d.sourceIP ?? d.sourceIPs.join(','), d.via, d.gateway?.node ?? ''].join('|');
}
