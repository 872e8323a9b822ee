/**
 * kubectl's `-o name`: `kind.group/name` in lower case (`deployment.apps/web`, `pod/web-0`,
 * `configmap/ip-masq-agent`), the core group without a suffix, no namespace.
 */
import type { Decision } from '../model/decision.ts';
import type { KubeObject } from '../model/objects.ts';

/** The API groups of the workload kinds who groups by (decisions carry the kind, not the group). */
const WORKLOAD_GROUPS: Readonly<Record<string, string>> = {
  Deployment: 'apps',
  StatefulSet: 'apps',
  DaemonSet: 'apps',
  ReplicaSet: 'apps',
  Job: 'batch',
  CronJob: 'batch',
};

function resourceName(kind: string, group: string, name: string): string {
  return `${(group ? `${kind}.${group}` : kind).toLowerCase()}/${name}`;
}

/** The snapshot's objects, one line each, in its order. */
export function renderObjectNames(objects: readonly KubeObject[]): string {
  return objects
    .map(
      (o) =>
        `${resourceName(o.kind, o.apiVersion.includes('/') ? o.apiVersion.split('/')[0]! : '', o.metadata.name)}\n`,
    )
    .join('');
}

/**
 * The workloads (or pods, `--by pod`) who answered for, once each (a line per destination would
 * repeat them), in answer order; like kubectl with -A, namesakes in two namespaces are two lines.
 */
export function renderDecisionNames(decisions: readonly Decision[], by: 'workload' | 'pod'): string {
  const names = new Map<string, string>();
  for (const d of decisions) {
    const name =
      by === 'pod'
        ? resourceName('Pod', '', d.pod)
        : resourceName(d.workload.kind, WORKLOAD_GROUPS[d.workload.kind] ?? '', d.workload.name);
    names.set(`${d.namespace}\u0000${name}`, name);
  }
  return [...names.values()].map((n) => `${n}\n`).join('');
}
