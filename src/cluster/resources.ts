/**
 * Every resource the tool reads, with where it lives. CRDs list their versions in order of
 * preference; discovery picks the first one the server serves.
 */
export interface ResourceSpec {
  group: string;
  versions: string[];
  plural: string;
  kind: string;
  namespaced: boolean;
}

export const NODES: ResourceSpec = { group: '', versions: ['v1'], plural: 'nodes', kind: 'Node', namespaced: false };
export const NAMESPACES: ResourceSpec = { group: '', versions: ['v1'], plural: 'namespaces', kind: 'Namespace', namespaced: false };
export const PODS: ResourceSpec = { group: '', versions: ['v1'], plural: 'pods', kind: 'Pod', namespaced: true };
export const CONFIGMAPS: ResourceSpec = { group: '', versions: ['v1'], plural: 'configmaps', kind: 'ConfigMap', namespaced: true };
export const DAEMONSETS: ResourceSpec = { group: 'apps', versions: ['v1'], plural: 'daemonsets', kind: 'DaemonSet', namespaced: true };
export const REPLICASETS: ResourceSpec = { group: 'apps', versions: ['v1'], plural: 'replicasets', kind: 'ReplicaSet', namespaced: true };
export const JOBS: ResourceSpec = { group: 'batch', versions: ['v1'], plural: 'jobs', kind: 'Job', namespaced: true };

/** The custom resources later mechanisms read (Cilium, Calico, GKE), each only where served. */
export const CUSTOM_RESOURCES: ResourceSpec[] = [
  { group: 'cilium.io', versions: ['v2', 'v2alpha1'], plural: 'ciliumegressgatewaypolicies', kind: 'CiliumEgressGatewayPolicy', namespaced: false },
  { group: 'cilium.io', versions: ['v2'], plural: 'ciliumnodes', kind: 'CiliumNode', namespaced: false },
  // Multi-gateway policies pick a gateway by hashing the endpoint's UID.
  { group: 'cilium.io', versions: ['v2'], plural: 'ciliumendpoints', kind: 'CiliumEndpoint', namespaced: true },
  { group: 'crd.projectcalico.org', versions: ['v1'], plural: 'ippools', kind: 'IPPool', namespaced: false },
  { group: 'crd.projectcalico.org', versions: ['v1'], plural: 'felixconfigurations', kind: 'FelixConfiguration', namespaced: false },
  { group: 'projectcalico.org', versions: ['v3'], plural: 'ippools', kind: 'IPPool', namespaced: false },
  { group: 'projectcalico.org', versions: ['v3'], plural: 'felixconfigurations', kind: 'FelixConfiguration', namespaced: false },
  { group: 'projectcalico.org', versions: ['v3'], plural: 'egressgatewaypolicies', kind: 'EgressGatewayPolicy', namespaced: false },
  { group: 'networking.gke.io', versions: ['v1'], plural: 'egressnatpolicies', kind: 'EgressNATPolicy', namespaced: false },
];

/** Where datapath agents and their ConfigMaps live (kube-system, and the CNIs' own namespaces). */
export const DATAPATH_NAMESPACES = ['kube-system', 'kube-flannel', 'calico-system', 'cilium'];

/** kubectl's name for a resource: `pods`, `daemonsets.apps`, `ippools.crd.projectcalico.org`. */
export function resourceName(spec: ResourceSpec): string {
  return spec.group ? `${spec.plural}.${spec.group}` : spec.plural;
}

export function apiVersionOf(spec: ResourceSpec, version: string): string {
  return spec.group ? `${spec.group}/${version}` : version;
}

export function collectionPath(spec: ResourceSpec, version: string, namespace?: string): string {
  const base = spec.group ? `/apis/${spec.group}/${version}` : `/api/${version}`;
  return namespace && spec.namespaced ? `${base}/namespaces/${namespace}/${spec.plural}` : `${base}/${spec.plural}`;
}
