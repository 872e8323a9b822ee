/**
 * Seeds the Antrea lab (fixtures/antrea.yaml): the objects, the Egress status the agent holding
 * its IP writes, pods with their status, and one user per Antrea input the tool reads, bound to the
 * shipped roles (rbac/who.yaml) minus that input.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import { kubectl, type LabInfo } from '../support/lab.ts';
import { list, seedPods, type PodSeed } from '../support/pod-seeds.ts';
import { bindings, rolesWithout, type Role } from './read-status-fixtures.ts';

const FIXTURE = join(import.meta.dirname, 'fixtures', 'antrea.yaml');
const RBAC = join(import.meta.dirname, '..', '..', 'rbac', 'who.yaml');

/** What a user may not list: the Egresses, or the ConfigMaps (antrea-config). */
export const ANTREA_REFUSABLE = ['egresses', 'configmaps'] as const;
export const ANTREA_LAB_USERS = ['full-user', ...ANTREA_REFUSABLE.map((r) => `no-${r}`)];

const agent = (node: string, ip: string): PodSeed => ({
  namespace: 'kube-system',
  name: `antrea-agent-${node}`,
  node,
  ip,
  hostNetwork: true,
  owner: { apiVersion: 'apps/v1', kind: 'DaemonSet', name: 'antrea-agent' },
});

const PODS: PodSeed[] = [
  agent('node-1', '10.10.0.101'),
  agent('node-4', '10.10.0.104'),
  { namespace: 'prod', name: 'web', node: 'node-1', ip: '10.244.1.7', labels: { app: 'web' } },
  { namespace: 'prod', name: 'api', node: 'node-1', ip: '10.244.1.8', labels: { app: 'api' } },
];

function seedUsers(lab: LabInfo): void {
  const shipped = parseAllDocuments(readFileSync(RBAC, 'utf8')).map((d) => d.toJS() as Role);
  const [who, datapath] = shipped.map((r) => r.metadata.name) as [string, string];
  const objects: object[] = [
    ...shipped.map((r) => ({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', ...r })),
    ...bindings('full-user', who, datapath, ['kube-system']),
  ];
  for (const resource of ANTREA_REFUSABLE) {
    objects.push(
      ...rolesWithout(resource, shipped),
      ...bindings(`no-${resource}`, `${who}-no-${resource}`, `${datapath}-no-${resource}`, ['kube-system']),
    );
  }
  kubectl(lab, ['apply', '-f', '-'], list(objects));
}

export function seedAntreaLab(lab: LabInfo): void {
  const { items } = parse(readFileSync(FIXTURE, 'utf8')) as { items: { kind: string }[] };
  const isCrd = (o: { kind: string }) => o.kind === 'CustomResourceDefinition';
  kubectl(lab, ['create', '-f', '-'], list(items.filter(isCrd)));
  kubectl(lab, [
    'wait',
    '--for=condition=Established',
    '--timeout=60s',
    'crd/egresses.crd.antrea.io',
    'crd/externalippools.crd.antrea.io',
  ]);
  kubectl(lab, ['create', '-f', '-'], list(items.filter((o) => !isCrd(o))));
  // The agent on node-4 claims the pool IP and writes the status (egress_controller.go updateEgressStatus).
  kubectl(lab, [
    'patch',
    'egress',
    'egress-prod-web',
    '--subresource=status',
    '--type=merge',
    '-p',
    JSON.stringify({ status: { egressNode: 'node-4', egressIP: '10.10.0.11' } }),
  ]);
  seedPods(lab, PODS);
  seedUsers(lab);
}
