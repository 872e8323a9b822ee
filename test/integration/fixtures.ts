/**
 * Seeds the lab: the objects of fixtures/cluster.yaml, pods with their status set through the
 * status subresource (as a kubelet would), the shipped RBAC, and the users' bindings.
 */
import { join } from 'node:path';
import { kubectl, type LabInfo } from '../support/lab.ts';
import { list, seedPods, type PodSeed } from '../support/pod-seeds.ts';

const FIXTURES = join(import.meta.dirname, 'fixtures');
const ROOT = join(import.meta.dirname, '..', '..');

export const PAGINATED_PODS = 23;

export const PODS: PodSeed[] = [
  ...['n1', 'n2'].map(
    (node, i): PodSeed => ({
      namespace: 'kube-system',
      name: `ip-masq-agent-${node}`,
      node,
      ip: `10.128.0.${5 + i}`,
      hostNetwork: true,
      owner: { apiVersion: 'apps/v1', kind: 'DaemonSet', name: 'ip-masq-agent' },
    }),
  ),
  {
    namespace: 'shop',
    name: 'web-5f7d8c9b6-aaaaa',
    node: 'n1',
    ip: '10.4.1.7',
    labels: { app: 'web', 'pod-template-hash': '5f7d8c9b6' },
    owner: { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web-5f7d8c9b6' },
  },
  {
    namespace: 'shop',
    name: 'web-5f7d8c9b6-bbbbb',
    node: 'n2',
    ip: '10.4.2.7',
    labels: { app: 'web', 'pod-template-hash': '5f7d8c9b6' },
    owner: { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web-5f7d8c9b6' },
  },
  {
    namespace: 'shop',
    name: 'legacy-frontend-x1y2z',
    node: 'n2',
    ip: '10.4.2.8',
    labels: { app: 'legacy' },
    owner: { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'legacy-frontend' },
  },
  {
    namespace: 'shop',
    name: 'backup-29400000-q7w8e',
    node: 'n1',
    ip: '10.4.1.9',
    labels: { app: 'backup' },
    owner: { apiVersion: 'batch/v1', kind: 'Job', name: 'backup-29400000' },
  },
  ...Array.from(
    { length: PAGINATED_PODS },
    (_, i): PodSeed => ({
      namespace: 'many',
      name: `filler-${String(i).padStart(2, '0')}`,
      node: 'n1',
      ip: `10.4.1.${100 + i}`,
      labels: { app: 'filler' },
    }),
  ),
];

export function seedCluster(lab: LabInfo): void {
  kubectl(lab, ['create', 'namespace', 'many']);
  kubectl(lab, ['create', '-f', join(FIXTURES, 'cluster.yaml')]);
  kubectl(lab, ['wait', '--for=condition=Established', 'crd/ciliumnodes.cilium.io', '--timeout=60s']);
  kubectl(
    lab,
    ['create', '-f', '-'],
    list([
      {
        apiVersion: 'cilium.io/v2',
        kind: 'CiliumNode',
        metadata: { name: 'n1' },
        spec: { addresses: [{ type: 'InternalIP', ip: '10.128.0.5' }] },
      },
    ]),
  );
  seedPods(lab, PODS);
  kubectl(lab, ['apply', '-f', join(ROOT, 'rbac', 'who.yaml')]);
  kubectl(lab, ['create', 'clusterrolebinding', 'who-user', '--clusterrole=kubectl-egress-who', '--user=who-user']);
  kubectl(lab, [
    '-n',
    'kube-system',
    'create',
    'rolebinding',
    'who-user',
    '--clusterrole=kubectl-egress-datapath',
    '--user=who-user',
  ]);
  // nocm-user may read everything but kube-system's ConfigMaps.
  kubectl(lab, ['create', 'clusterrolebinding', 'nocm-user', '--clusterrole=kubectl-egress-who', '--user=nocm-user']);
  kubectl(lab, ['-n', 'kube-system', 'create', 'role', 'daemonsets-only', '--verb=list', '--resource=daemonsets.apps']);
  kubectl(lab, [
    '-n',
    'kube-system',
    'create',
    'rolebinding',
    'nocm-user',
    '--role=daemonsets-only',
    '--user=nocm-user',
  ]);
}
