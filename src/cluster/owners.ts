/**
 * The owners `who` groups by, fetched one by one only where the pod cannot tell: a ReplicaSet
 * whose name does not follow the Deployment controller's `<deployment>-<pod-template-hash>`, and
 * Jobs (to find their CronJob). Listing every ReplicaSet in a large cluster is never needed.
 */
import type { ReadGap } from '../model/gaps.ts';
import type { KubeObject } from '../model/objects.ts';
import { controllerOf } from '../config/pods.ts';
import { FORBIDDEN, getIfVisible, type ApiClient } from './http.ts';

const PARALLEL = 8;

/**
 * Owners only group pods into workloads (no address depends on them), so a refused GET leaves the
 * pod grouped by the owner it names and is reported as a gap (a warning), never as `unknown`.
 */
export async function resolveOwners(
  client: ApiClient,
  pods: readonly KubeObject[],
  gaps: ReadGap[] = [],
): Promise<KubeObject[]> {
  const wanted = new Map<
    string,
    { path: string; apiVersion: string; kind: string; resource: string; namespace: string }
  >();
  for (const pod of pods) {
    const owner = controllerOf(pod.metadata.ownerReferences);
    const namespace = pod.metadata.namespace ?? 'default';
    if (!owner) continue;
    const hash = pod.metadata.labels?.['pod-template-hash'];
    if (owner.kind === 'ReplicaSet' && !(hash && owner.name.endsWith(`-${hash}`))) {
      wanted.set(`rs/${namespace}/${owner.name}`, {
        path: `/apis/apps/v1/namespaces/${namespace}/replicasets/${owner.name}`,
        apiVersion: 'apps/v1',
        kind: 'ReplicaSet',
        resource: 'replicasets.apps',
        namespace,
      });
    }
    if (owner.kind === 'Job') {
      wanted.set(`job/${namespace}/${owner.name}`, {
        path: `/apis/batch/v1/namespaces/${namespace}/jobs/${owner.name}`,
        apiVersion: 'batch/v1',
        kind: 'Job',
        resource: 'jobs.batch',
        namespace,
      });
    }
  }
  const queue = [...wanted.values()];
  const found: KubeObject[] = [];
  const refused = new Set<string>();
  const worker = async () => {
    for (let next = queue.shift(); next; next = queue.shift()) {
      // A missing owner leaves the pod grouped by what its own reference says; a forbidden one, too, with a gap.
      const owner = await getIfVisible<KubeObject>(client, next.path);
      if (owner === FORBIDDEN) refused.add(`${next.resource} ${next.namespace}`);
      // Only the metadata matters: who owns the owner.
      else if (owner) found.push({ apiVersion: next.apiVersion, kind: next.kind, metadata: owner.metadata });
    }
  };
  await Promise.all(Array.from({ length: Math.min(PARALLEL, queue.length) }, worker));
  for (const key of [...refused].sort()) {
    const [resource, namespace] = key.split(' ') as [string, string];
    gaps.push({ resource, namespace, reason: 'forbidden' });
  }
  return found;
}
