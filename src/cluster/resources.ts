/**
 * The built-in resources the tool reads, with where they live; each mechanism names the custom
 * resources and namespaces its objects are in (its Detection's `reads`). CRDs list their versions
 * in order of preference; discovery picks the first one the server serves.
 */
import { resourceName, type ResourceSpec } from '../model/resources.ts';

export type { ResourceSpec };

export const NODES: ResourceSpec = { group: '', versions: ['v1'], plural: 'nodes', kind: 'Node', namespaced: false };
export const NAMESPACES: ResourceSpec = {
  group: '',
  versions: ['v1'],
  plural: 'namespaces',
  kind: 'Namespace',
  namespaced: false,
};
export const PODS: ResourceSpec = { group: '', versions: ['v1'], plural: 'pods', kind: 'Pod', namespaced: true };
export const CONFIGMAPS: ResourceSpec = {
  group: '',
  versions: ['v1'],
  plural: 'configmaps',
  kind: 'ConfigMap',
  namespaced: true,
};
export const DAEMONSETS: ResourceSpec = {
  group: 'apps',
  versions: ['v1'],
  plural: 'daemonsets',
  kind: 'DaemonSet',
  namespaced: true,
};
export const REPLICASETS: ResourceSpec = {
  group: 'apps',
  versions: ['v1'],
  plural: 'replicasets',
  kind: 'ReplicaSet',
  namespaced: true,
};
export const JOBS: ResourceSpec = { group: 'batch', versions: ['v1'], plural: 'jobs', kind: 'Job', namespaced: true };
/** Only the Services OVN-Kubernetes EgressServices name, and their EndpointSlices (egress-services.ts). */
export const SERVICES: ResourceSpec = {
  group: '',
  versions: ['v1'],
  plural: 'services',
  kind: 'Service',
  namespaced: true,
};
export const ENDPOINTSLICES: ResourceSpec = {
  group: 'discovery.k8s.io',
  versions: ['v1'],
  plural: 'endpointslices',
  kind: 'EndpointSlice',
  namespaced: true,
};

export { resourceName };

export function apiVersionOf(spec: ResourceSpec, version: string): string {
  return spec.group ? `${spec.group}/${version}` : version;
}

export function collectionPath(spec: ResourceSpec, version: string, namespace?: string): string {
  const base = spec.group ? `/apis/${spec.group}/${version}` : `/api/${version}`;
  return namespace && spec.namespaced ? `${base}/namespaces/${namespace}/${spec.plural}` : `${base}/${spec.plural}`;
}
