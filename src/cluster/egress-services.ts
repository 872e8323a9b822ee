/**
 * What decides an OVN-Kubernetes EgressService: the Service of the same name and namespace (one
 * GET each) and that Service's EndpointSlices (a list by the kubernetes.io/service-name label, as
 * OVN-Kubernetes' allEndpointsFor selects them). Read only for the EgressServices found, usually
 * none: the cluster's Services are never listed.
 */
import type { ReadGap } from '../model/gaps.ts';
import type { KubeObject } from '../model/objects.ts';
import { readFields } from '../config/snapshot-file.ts';
import { ENDPOINT_SLICES, SERVICE_NAME_LABEL, SERVICES } from '../config/ovn-kubernetes.ts';
import { ApiStatusError, FORBIDDEN, getIfVisible, type ApiClient } from './http.ts';
import { listAll } from './list.ts';
import { ENDPOINTSLICES } from './resources.ts';

/**
 * A refused GET or list is a gap for that namespace (the answers of the Service's endpoints are
 * then unknown, config/ovn-kubernetes.ts); a Service that is not there is absent.
 */
export async function readEgressServiceTargets(
  client: ApiClient,
  egressServices: readonly KubeObject[],
  chunkSize: number,
  gaps: ReadGap[],
): Promise<KubeObject[]> {
  const refused = new Set<string>();
  const read = await Promise.all(
    egressServices.map(async (es) => {
      const namespace = es.metadata.namespace ?? 'default';
      const { name } = es.metadata;
      const [service, slices] = await Promise.all([
        getIfVisible<KubeObject>(
          client,
          `/api/v1/namespaces/${encodeURIComponent(namespace)}/services/${encodeURIComponent(name)}`,
        ),
        listIfVisible(client, namespace, name, chunkSize),
      ]);
      if (service === FORBIDDEN) refused.add(`${SERVICES} ${namespace}`);
      if (slices === FORBIDDEN) refused.add(`${ENDPOINT_SLICES} ${namespace}`);
      return [
        ...(service && service !== FORBIDDEN ? [readFields({ ...service, apiVersion: 'v1', kind: 'Service' })] : []),
        ...(slices === FORBIDDEN ? [] : slices),
      ];
    }),
  );
  for (const key of [...refused].sort()) {
    const [resource, namespace] = key.split(' ') as [string, string];
    gaps.push({ resource, namespace, reason: 'forbidden' });
  }
  return read.flat();
}

async function listIfVisible(
  client: ApiClient,
  namespace: string,
  service: string,
  chunkSize: number,
): Promise<KubeObject[] | typeof FORBIDDEN> {
  try {
    return await listAll(client, ENDPOINTSLICES, 'v1', {
      chunkSize,
      namespace,
      labelSelector: `${SERVICE_NAME_LABEL}=${service}`,
    });
  } catch (error) {
    if (error instanceof ApiStatusError && error.status === 403) return FORBIDDEN;
    throw error;
  }
}
