/**
 * The owners `who` groups by, fetched one by one only where the pod cannot tell: a ReplicaSet
 * whose name does not follow the Deployment controller's `<deployment>-<pod-template-hash>`, and
 * Jobs (to find their CronJob). Listing every ReplicaSet in a large cluster is never needed.
 */
import type { KubeObject } from '../model/objects.ts';
import { controllerOf } from '../config/pods.ts';
import { ApiStatusError, type ApiClient } from './http.ts';

const PARALLEL = 8;

export async function resolveOwners(client: ApiClient, pods: readonly KubeObject[]): Promise<KubeObject[]> {
  const wanted = new Map<string, { path: string; apiVersion: string; kind: string }>();
  for (const pod of pods) {
    const owner = controllerOf(pod.metadata.ownerReferences);
    const namespace = pod.metadata.namespace ?? 'default';
    if (!owner) continue;
    const hash = pod.metadata.labels?.['pod-template-hash'];
    if (owner.kind === 'ReplicaSet' && !(hash && owner.name.endsWith(`-${hash}`))) {
      wanted.set(`rs/${namespace}/${owner.name}`, { path: `/apis/apps/v1/namespaces/${namespace}/replicasets/${owner.name}`, apiVersion: 'apps/v1', kind: 'ReplicaSet' });
    }
    if (owner.kind === 'Job') {
      wanted.set(`job/${namespace}/${owner.name}`, { path: `/apis/batch/v1/namespaces/${namespace}/jobs/${owner.name}`, apiVersion: 'batch/v1', kind: 'Job' });
    }
  }
  const queue = [...wanted.values()];
  const found: KubeObject[] = [];
  const worker = async () => {
    for (let next = queue.shift(); next; next = queue.shift()) {
      const owner = await getOrSkip(client, next.path);
      // Only the metadata matters: who owns the owner.
      if (owner) found.push({ apiVersion: next.apiVersion, kind: next.kind, metadata: owner.metadata });
    }
  };
  await Promise.all(Array.from({ length: Math.min(PARALLEL, queue.length) }, worker));
  return found;
}

/** A missing or forbidden owner leaves the pod grouped by what its own reference says. */
async function getOrSkip(client: ApiClient, path: string): Promise<KubeObject | undefined> {
  try {
    return await client.get<KubeObject>(path);
  } catch (error) {
    if (error instanceof ApiStatusError && (error.status === 403 || error.status === 404)) return undefined;
    throw error;
  }
}
