/**
 * Seeds the read-status lab (fixtures/read-status*.yaml): Cilium, Calico, a GKE node, EKS Auto Mode nodes and an OVN-Kubernetes node side by
 * side, an OVN-Kubernetes EgressService with its Service, a pod opting into an AKS static egress gateway, pods with their status set as a kubelet would, and one user per resource the tool reads,
 * bound to the shipped ClusterRoles (rbac/who.yaml) minus that one resource.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { kubectl, type LabInfo } from '../support/lab.ts';
import { list, seedPods, type PodSeed } from '../support/pod-seeds.ts';

const FIXTURES = join(import.meta.dirname, 'fixtures');
const RBAC = join(import.meta.dirname, '..', '..', 'rbac', 'who.yaml');

/** Every resource the shipped roles grant for reading; one refusing user each. */
export const REFUSABLE = [
  'nodes',
  'namespaces',
  'pods',
  'configmaps',
  'daemonsets',
  'replicasets',
  'jobs',
  'ciliumegressgatewaypolicies',
  'ciliumnodes',
  'ciliumendpoints',
  'ippools',
  'felixconfigurations',
  'egressgatewaypolicies',
  'egressnatpolicies',
  'nodeclasses',
  'nodepools',
  'networkpolicies',
  'egressips',
  'services',
  'endpointslices',
  'staticgatewayconfigurations',
  'gatewayvmconfigurations',
] as const;
export type Refusable = (typeof REFUSABLE)[number];
export const refusingUser = (resource: Refusable) => `no-${resource}`;
/** The namespaces where the lab's agents live, where the datapath role is bound. */
const AGENT_NAMESPACES = ['kube-system', 'calico-system'];

const agent = (node: string, ip: string): PodSeed => ({
  namespace: 'kube-system',
  name: `cilium-${node}`,
  node,
  ip,
  hostNetwork: true,
  owner: { apiVersion: 'apps/v1', kind: 'DaemonSet', name: 'cilium' },
});

export const PODS: PodSeed[] = [
  agent('n1', '10.0.0.1'),
  agent('gw', '10.0.0.9'),
  {
    namespace: 'shop',
    name: 'web-5f7d8c9b6-aaaaa',
    node: 'n1',
    ip: '10.244.1.7',
    labels: { app: 'web', 'pod-template-hash': '5f7d8c9b6' },
    owner: { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web-5f7d8c9b6' },
  },
  {
    namespace: 'shop',
    name: 'legacy-frontend-x1y2z',
    node: 'n1',
    ip: '10.244.1.8',
    labels: { app: 'legacy' },
    owner: { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'legacy-frontend' },
  },
  {
    namespace: 'shop',
    name: 'backup-29400000-q7w8e',
    node: 'n1',
    ip: '10.244.1.10',
    labels: { app: 'backup' },
    owner: { apiVersion: 'batch/v1', kind: 'Job', name: 'backup-29400000' },
  },
  { namespace: 'shop', name: 'batch', node: 'n1', ip: '10.244.1.9', labels: { app: 'batch' } },
  { namespace: 'shop', name: 'calico-app', node: 'n3', ip: '10.244.16.7', labels: { app: 'calico-app' } },
  { namespace: 'shop', name: 'gke-app', node: 'g1', ip: '10.4.0.7', labels: { app: 'gke-app' } },
  { namespace: 'shop', name: 'auto-app', node: 'a1', ip: '10.20.1.40', labels: { app: 'auto-app' } },
  { namespace: 'shop', name: 'pool-app', node: 'a2', ip: '10.20.2.40', labels: { app: 'pool-app' } },
  { namespace: 'shop', name: 'ovn-app', node: 'o1', ip: '10.245.1.7', labels: { app: 'ovn-app' } },
  { namespace: 'shop', name: 'ovn-lb-app', node: 'o1', ip: '10.245.1.8', labels: { app: 'ovn-lb-app' } },
  {
    namespace: 'shop',
    name: 'aks-app',
    node: 'n1',
    ip: '10.244.1.11',
    labels: { app: 'aks-app' },
    annotations: { 'kubernetes.azure.com/static-gateway-configuration': 'sgw1' },
  },
];

interface Rule {
  apiGroups: string[];
  resources: string[];
  verbs: string[];
}
export interface Role {
  metadata: { name: string };
  rules: Rule[];
}

/** The shipped roles with one resource left out (rules left empty are dropped). */
export function rolesWithout(resource: string, shipped: Role[]): object[] {
  return shipped.map((role) => ({
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRole',
    metadata: { name: `${role.metadata.name}-no-${resource}` },
    rules: role.rules
      .map((r) => ({ ...r, resources: r.resources.filter((x) => x !== resource) }))
      .filter((r) => r.resources.length > 0),
  }));
}

/** `who` cluster-wide and `datapath` in each agent namespace, for one user. */
export function bindings(
  user: string,
  who: string,
  datapath: string,
  namespaces: readonly string[] = AGENT_NAMESPACES,
): object[] {
  const subjects = [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: user }];
  const roleRef = (name: string) => ({ apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name });
  return [
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      metadata: { name: user },
      subjects,
      roleRef: roleRef(who),
    },
    ...namespaces.map((namespace) => ({
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: { name: user, namespace },
      subjects,
      roleRef: roleRef(datapath),
    })),
  ];
}

/** `full-user` has exactly the shipped roles; `no-<resource>` the same minus that resource. */
function seedUsers(lab: LabInfo): void {
  const shipped = parseAllDocuments(readFileSync(RBAC, 'utf8')).map((d) => d.toJS() as Role);
  const [who, datapath] = shipped.map((r) => r.metadata.name) as [string, string];
  const objects: object[] = [
    ...shipped.map((r) => ({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', ...r })),
    ...bindings('full-user', who, datapath),
  ];
  for (const resource of REFUSABLE) {
    objects.push(
      ...rolesWithout(resource, shipped),
      ...bindings(refusingUser(resource), `${who}-no-${resource}`, `${datapath}-no-${resource}`),
    );
  }
  // The user without pods may still list the pods asked about (in shop), not the agents' pods.
  objects.push({
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'Role',
    metadata: { name: 'list-pods', namespace: 'shop' },
    rules: [{ apiGroups: [''], resources: ['pods'], verbs: ['list'] }],
  });
  objects.push({
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'RoleBinding',
    metadata: { name: 'no-pods', namespace: 'shop' },
    subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: refusingUser('pods') }],
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'list-pods' },
  });
  kubectl(lab, ['apply', '-f', '-'], list(objects));
}

export const LAB_USERS_FOR_READ_STATUS = ['full-user', ...REFUSABLE.map(refusingUser)];

export function seedReadStatusLab(lab: LabInfo): void {
  kubectl(lab, ['create', '-f', join(FIXTURES, 'read-status-crds.yaml')]);
  kubectl(lab, ['create', '-f', join(FIXTURES, 'read-status.yaml')]);
  kubectl(lab, ['wait', '--for=condition=Established', '--timeout=60s', '-f', join(FIXTURES, 'read-status-crds.yaml')]);
  kubectl(lab, ['create', '-f', join(FIXTURES, 'read-status-custom.yaml')]);
  // The gateway controller writes the egress prefix through the status subresource once provisioned.
  kubectl(lab, [
    'patch',
    'staticgatewayconfiguration',
    'sgw1',
    '-n',
    'shop',
    '--subresource=status',
    '--type=merge',
    '-p',
    JSON.stringify({ status: { egressIpPrefix: '20.65.41.84/31' } }),
  ]);
  const profiles = [
    { nodeName: 'aks-gatewaypool-0', primaryIP: '10.224.0.6', secondaryIP: '10.224.0.10' },
    { nodeName: 'aks-gatewaypool-1', primaryIP: '10.224.0.7', secondaryIP: '10.224.0.11' },
  ];
  kubectl(lab, [
    'patch',
    'gatewayvmconfiguration',
    'sgw1',
    '-n',
    'shop',
    '--subresource=status',
    '--type=merge',
    '-p',
    JSON.stringify({ status: { egressIpPrefix: '20.65.41.84/31', gatewayVMProfiles: profiles } }),
  ]);
  // MetalLB's part: the load-balancer IP of the Service the EgressService names.
  kubectl(lab, [
    'patch',
    'service',
    'ovn-lb',
    '-n',
    'shop',
    '--subresource=status',
    '--type=merge',
    '-p',
    JSON.stringify({ status: { loadBalancer: { ingress: [{ ip: '10.0.0.60' }] } } }),
  ]);
  seedPods(lab, PODS);
  seedUsers(lab);
}
