/**
 * `who` against a real kube-apiserver: the answers, RBAC (the shipped ClusterRole, a user without
 * kube-system ConfigMaps), CRDs that exist and that do not, owners, pagination, and snapshots.
 */
import { writeFileSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { kubectl, writeKubeconfig } from '../support/lab.ts';
import { PLUGIN, runPlugin } from '../support/plugin.ts';
import { PAGINATED_PODS } from './fixtures.ts';

const lab = inject('lab');

interface Item {
  namespace: string;
  pod: string;
  workload: { kind: string; name: string };
  destination: string;
  sourceIP: string | null;
  identity: string;
  reasons: { code: string }[];
}
interface Report {
  items: Item[];
  warnings: string[];
}

async function whoAs(user: 'admin' | 'who-user' | 'nocm-user', args: string[]): Promise<Report> {
  const result = await runPlugin(['who', '--kubeconfig', writeKubeconfig(lab, user), '-o', 'json', ...args]);
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  return JSON.parse(result.stdout) as Report;
}

const answer = (r: Report, pod: string, to: string) => r.items.find((i) => i.pod === pod && i.destination === to);

describe('who against a real API server', () => {
  it('answers from the live objects: ip-masq-agent ConfigMap, nodes and pods', async () => {
    const report = await whoAs('admin', ['-n', 'shop', '--to', '203.0.113.10', '--to', '172.16.0.1']);
    expect(answer(report, 'web-5f7d8c9b6-aaaaa', '203.0.113.10')).toMatchObject({
      sourceIP: '10.4.1.7',
      identity: 'pod-ip',
    });
    expect(answer(report, 'web-5f7d8c9b6-aaaaa', '172.16.0.1')).toMatchObject({
      sourceIP: '10.128.0.5',
      identity: 'node-ip',
    });
    expect(answer(report, 'web-5f7d8c9b6-bbbbb', '172.16.0.1')).toMatchObject({
      sourceIP: '10.128.0.6',
      identity: 'node-ip',
    });
    expect(report.warnings).toEqual([]);
  });

  it('groups pods by their real owners: a Deployment by name, another through a fetched ReplicaSet, a CronJob through its Job', async () => {
    const report = await whoAs('admin', ['-n', 'shop', '--to', '10.0.0.1']);
    expect(Object.fromEntries(report.items.map((i) => [i.pod, `${i.workload.kind}/${i.workload.name}`]))).toEqual({
      'backup-29400000-q7w8e': 'CronJob/backup',
      'legacy-frontend-x1y2z': 'Deployment/legacy',
      'web-5f7d8c9b6-aaaaa': 'Deployment/web',
      'web-5f7d8c9b6-bbbbb': 'Deployment/web',
    });
  });

  it('gives a user bound to the shipped ClusterRole the same answer as an admin', async () => {
    const args = ['-A', '--to', '203.0.113.10', '--to', '8.8.8.8'];
    expect(await whoAs('who-user', args)).toEqual(await whoAs('admin', args));
  });

  it('turns a refused read into a warning and unknown answers, never a crash', async () => {
    const report = await whoAs('nocm-user', ['-n', 'shop', '--to', '203.0.113.10']);
    expect(report.warnings).toEqual(['cannot list configmaps in kube-system: results may be incomplete']);
    for (const item of report.items) {
      expect(item).toMatchObject({ sourceIP: null, identity: 'unknown' });
      expect(item.reasons.map((r) => r.code)).toContain('AGENT_CONFIGMAP_UNREADABLE');
    }
  });

  it("reads the API server's own ServiceCIDR, so a ClusterIP as the destination is unknown rather than judged as an address", async () => {
    const kubernetesService = kubectl(lab, [
      'get',
      'service',
      'kubernetes',
      '-n',
      'default',
      '-o',
      'jsonpath={.spec.clusterIP}',
    ]).trim();
    const report = await whoAs('who-user', ['-n', 'shop', '--to', kubernetesService, '--to', '10.97.0.1']);
    const service = answer(report, 'web-5f7d8c9b6-aaaaa', kubernetesService);
    expect(service).toMatchObject({ sourceIP: null, identity: 'unknown' });
    expect(service?.reasons.map((r) => r.code)).toEqual(['DST_IS_SERVICE_ADDRESS']);
    // --service-cluster-ip-range=10.96.0.0/16 (test/support/lab.ts): the next /16 is no Service's.
    expect(answer(report, 'web-5f7d8c9b6-aaaaa', '10.97.0.1')?.reasons.map((r) => r.code)).not.toContain(
      'DST_IS_SERVICE_ADDRESS',
    );
  });

  it('reads every page of a large list with a small --chunk-size', async () => {
    const report = await whoAs('admin', ['-n', 'many', '--chunk-size', '5', '--to', '10.0.0.1']);
    expect(report.items).toHaveLength(PAGINATED_PODS);
  });
});

describe('through kubectl', () => {
  it("runs `kubectl egress who` against the cluster through kubectl's plugin discovery", async () => {
    const env = {
      ...process.env,
      KUBECONFIG: writeKubeconfig(lab, 'admin'),
      PATH: [dirname(PLUGIN), '/usr/bin', '/bin'].join(delimiter),
    };
    const result = await runPlugin(['egress', 'who', '-n', 'shop', '--to', '172.16.0.1', '-o', 'json'], {
      command: join(lab.binDir, 'kubectl'),
      env,
    });
    expect(result.stderr).toBe('');
    const report = JSON.parse(result.stdout) as Report;
    expect(answer(report, 'web-5f7d8c9b6-bbbbb', '172.16.0.1')).toMatchObject({
      sourceIP: '10.128.0.6',
      identity: 'node-ip',
    });
  });
});

describe('snapshot', () => {
  it('reproduces the live answer offline with who -f', async () => {
    const kubeconfig = writeKubeconfig(lab, 'admin');
    const snapshot = await runPlugin(['snapshot', '-A', '--kubeconfig', kubeconfig]);
    expect(snapshot.code).toBe(0);
    const file = join(lab.dir, 'snapshot.yaml');
    writeFileSync(file, snapshot.stdout);
    const args = ['who', '-A', '-o', 'json', '--to', '203.0.113.10', '--to', '8.8.8.8', '--to', 'metadata'];
    const live = await runPlugin([...args, '--kubeconfig', kubeconfig]);
    const offline = await runPlugin([...args, '-f', file]);
    expect(JSON.parse(offline.stdout)).toEqual(JSON.parse(live.stdout));
  });

  it('written as the pages of pods arrive, holds what a read in one page holds, pods first', async () => {
    const kubeconfig = writeKubeconfig(lab, 'admin');
    type Item = { kind: string; metadata: { namespace?: string; name: string } };
    const items = async (chunkSize: string) => {
      const run = await runPlugin([
        'snapshot',
        '-A',
        '--kubeconfig',
        kubeconfig,
        '-o',
        'json',
        '--chunk-size',
        chunkSize,
      ]);
      expect(run.code).toBe(0);
      return (JSON.parse(run.stdout) as { items: Item[] }).items;
    };
    const [paged, whole] = [await items('2'), await items('500')];
    const podCount = whole.filter((i) => i.kind === 'Pod').length;
    expect(podCount).toBeGreaterThan(4);
    expect(paged.slice(0, podCount).every((i) => i.kind === 'Pod')).toBe(true);
    const key = (i: Item) => `${i.kind} ${i.metadata.namespace ?? ''}/${i.metadata.name}`;
    expect(paged.map(key)).toEqual(whole.map(key));
    expect(paged).toEqual(whole);
  });

  it('keeps cilium-config, which no DaemonSet mounts, and leaves out ConfigMaps no mechanism reads', async () => {
    const configMaps = [
      {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: 'cilium-config', namespace: 'kube-system' },
        data: { 'enable-bpf-masquerade': 'true' },
      },
      {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: 'aws-auth', namespace: 'kube-system' },
        data: { mapRoles: '- rolearn: arn:aws:iam::111122223333:role/admin' },
      },
    ];
    kubectl(lab, ['create', '-f', '-'], JSON.stringify({ apiVersion: 'v1', kind: 'List', items: configMaps }));
    try {
      const kubeconfig = writeKubeconfig(lab, 'admin');
      const snapshot = await runPlugin(['snapshot', '-A', '--kubeconfig', kubeconfig, '-o', 'json']);
      const names = (JSON.parse(snapshot.stdout) as { items: { kind: string; metadata: { name: string } }[] }).items
        .filter((i) => i.kind === 'ConfigMap')
        .map((i) => i.metadata.name);
      expect(names.sort()).toEqual(['cilium-config', 'ip-masq-agent']);
      const file = join(lab.dir, 'snapshot-cilium.json');
      writeFileSync(file, snapshot.stdout);
      const args = ['who', '-A', '-o', 'json', '--to', '203.0.113.10', '--to', '8.8.8.8'];
      const live = await runPlugin([...args, '--kubeconfig', kubeconfig]);
      expect((JSON.parse(live.stdout) as { datapath: { mechanisms: string[] } }).datapath.mechanisms).toContain(
        'cilium',
      );
      expect((await runPlugin([...args, '-f', file])).stdout).toBe(live.stdout);
    } finally {
      kubectl(lab, ['-n', 'kube-system', 'delete', 'configmap', 'cilium-config', 'aws-auth']);
    }
  });

  it('keeps a refused read in the snapshot, so the offline answer is unknown too', async () => {
    const kubeconfig = writeKubeconfig(lab, 'nocm-user');
    const file = join(lab.dir, 'snapshot-nocm.yaml');
    writeFileSync(file, (await runPlugin(['snapshot', '-n', 'shop', '--kubeconfig', kubeconfig])).stdout);
    const args = ['who', '-n', 'shop', '-o', 'json', '--to', '203.0.113.10'];
    const offline = await runPlugin([...args, '-f', file]);
    const live = await runPlugin([...args, '--kubeconfig', kubeconfig]);
    expect(JSON.parse(offline.stdout)).toEqual(JSON.parse(live.stdout));
  });

  it('writes the objects it reads, custom resources included, and no Secrets or container env', async () => {
    const snapshot = await runPlugin(['snapshot', '-A', '--kubeconfig', writeKubeconfig(lab, 'admin'), '-o', 'json']);
    const list = JSON.parse(snapshot.stdout) as {
      kind: string;
      items: { kind: string; metadata: { name: string }; spec?: { containers?: unknown } }[];
    };
    expect(list.kind).toBe('List');
    const kinds = new Set(list.items.map((i) => i.kind));
    expect([...kinds].sort()).toEqual([
      'CiliumNode',
      'ConfigMap',
      'DaemonSet',
      'Job',
      'Namespace',
      'Node',
      'Pod',
      'ReplicaSet',
      'ServiceCIDR',
    ]);
    expect(list.items.filter((i) => i.kind === 'Pod').every((p) => p.spec?.containers === undefined)).toBe(true);
  });
});
