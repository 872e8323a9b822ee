/**
 * Paginated lists as kubectl does them (limit/continue, --chunk-size, default 500), restarting
 * from the beginning when the continue token has expired (410 Gone: "The provided continue
 * parameter is too old"), which happens when etcd compacts past the list's resourceVersion.
 */
import type { KubeObject } from '../model/objects.ts';
import { readFields } from '../config/snapshot-file.ts';
import { ClusterError } from '../errors.ts';
import { ApiStatusError, type ApiClient } from './http.ts';
import { apiVersionOf, collectionPath, resourceName, type ResourceSpec } from './resources.ts';

export interface ListOptions {
  namespace?: string;
  labelSelector?: string;
  /** E.g. spec.nodeName=NAME: the API server filters pods by node (an indexed field in its watch cache). */
  fieldSelector?: string;
  /**
   * Served from the API server's watch cache as it stands (resourceVersion=0), as client-go's
   * reflector makes an informer's first list, instead of first asking etcd for its latest revision:
   * for the many small lists per node of the agents' pods (agent-pods.ts): about 0.15 s of
   * `who -n team-00`'s 1.6 s on the benchmark cluster (611 lists, ten alternating runs). The cache
   * trails etcd by moments, which lists read one after another trail each other by anyway.
   */
  fromWatchCache?: boolean;
  chunkSize: number;
  /**
   * Called after each page with the count so far, whether more pages follow and the page's own
   * (cut) objects; progress reporting, the read's early decisions (read.ts) and tests hook in here.
   */
  onPage?: (page: number, items: number, more: boolean, objects: readonly KubeObject[]) => Promise<void> | void;
}

interface ListBody {
  items?: KubeObject[];
  metadata?: { continue?: string };
}

const MAX_RESTARTS = 3;

export async function listAll(
  client: ApiClient,
  spec: ResourceSpec,
  version: string,
  options: ListOptions,
): Promise<KubeObject[]> {
  for (let attempt = 0; attempt <= MAX_RESTARTS; attempt++) {
    try {
      return await listOnce(client, spec, version, options);
    } catch (error) {
      if (!(error instanceof ApiStatusError && error.status === 410)) throw error;
    }
  }
  throw new ClusterError(
    `listing ${resourceName(spec)} kept expiring (410 Gone) after ${MAX_RESTARTS} restarts; try a larger --chunk-size`,
  );
}

async function listOnce(
  client: ApiClient,
  spec: ResourceSpec,
  version: string,
  options: ListOptions,
): Promise<KubeObject[]> {
  const path = collectionPath(spec, version, options.namespace);
  const apiVersion = apiVersionOf(spec, version);
  const objects: KubeObject[] = [];
  let token: string | undefined;
  let page = 0;
  do {
    const body = await client.list<ListBody>(
      path,
      {
        limit: options.chunkSize > 0 ? String(options.chunkSize) : undefined,
        continue: token,
        labelSelector: options.labelSelector,
        fieldSelector: options.fieldSelector,
        resourceVersion: options.fromWatchCache ? '0' : undefined,
      },
      { apiVersion, kind: spec.kind },
    );
    // List items carry no apiVersion/kind on the wire; -f files and snapshots need them.
    const pageObjects = (body.items ?? []).map((item) => readFields({ ...item, apiVersion, kind: spec.kind }));
    for (const object of pageObjects) objects.push(object);
    token = body.metadata?.continue || undefined;
    await options.onPage?.(++page, objects.length, token !== undefined, pageObjects);
  } while (token);
  return objects;
}
