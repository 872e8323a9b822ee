/**
 * What verify needs from the cluster besides reading: a permission pre-flight before anything is
 * created (design §6), the namespaces' UIDs for the probes' owner reference, and the cleanup of
 * probe pods left by earlier runs.
 */
import type { KubeObject } from '../model/objects.ts';
import { ClusterError } from '../errors.ts';
import { canI } from './access.ts';
import type { ApiClient } from './http.ts';

const NEEDED = [
  { verb: 'create', group: '', resource: 'pods' },
  { verb: 'get', group: '', resource: 'pods' },
  { verb: 'delete', group: '', resource: 'pods' },
  { verb: 'get', group: '', resource: 'pods', subresource: 'log' },
];

export async function checkProbeAccess(client: ApiClient, namespaces: readonly string[]): Promise<void> {
  for (const namespace of namespaces) {
    for (const attributes of NEEDED) {
      if ((await canI(client, { ...attributes, namespace })) === false) {
        const what = attributes.subresource
          ? `${attributes.verb} pods/${attributes.subresource}`
          : `${attributes.verb} pods`;
        throw new ClusterError(`forbidden: verify needs to ${what} in namespace "${namespace}"; see rbac/verify.yaml`);
      }
    }
  }
}

export async function namespaceUIDs(client: ApiClient, namespaces: readonly string[]): Promise<Record<string, string>> {
  const entries = await Promise.all(
    namespaces.map(async (ns) => {
      const obj = await client.get<KubeObject>(`/api/v1/namespaces/${ns}`).catch(() => undefined);
      return obj?.metadata.uid ? [[ns, obj.metadata.uid] as const] : [];
    }),
  );
  return Object.fromEntries(entries.flat());
}

/** Deletes every probe pod (by the managed-by label) in the namespace, or in all namespaces. */
export async function deleteProbePods(
  client: ApiClient,
  namespace: string | undefined,
  selector: string,
): Promise<string[]> {
  const path = namespace ? `/api/v1/namespaces/${namespace}/pods` : '/api/v1/pods';
  const list = await client.get<{ items: KubeObject[] }>(path, { labelSelector: selector });
  await Promise.all(
    list.items.map((p) =>
      client.delete(`/api/v1/namespaces/${p.metadata.namespace}/pods/${p.metadata.name}`, { gracePeriodSeconds: '0' }),
    ),
  );
  return list.items.map((p) => `${p.metadata.namespace}/${p.metadata.name}`);
}
