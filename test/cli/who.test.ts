/**
 * `who` and `explain` through the real entry point, on the example shipped in examples/.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { runInProcess } from '../support/bad-input.ts';
import { runPlugin } from '../support/plugin.ts';

const example = join(import.meta.dirname, '..', '..', 'examples', 'gke-cluster.yaml');

describe('who', () => {
  it('prints one row per workload and destination, grouped, with kubectl-style columns', async () => {
    const result = await runPlugin(['who', '-n', 'shop', '-f', example, '--to', '8.8.8.8']);
    expect(result.code).toBe(0);
    const [header, ...lines] = result.stdout.trimEnd().split('\n');
    expect(header).toBe(
      'Datapath: gke-default-snat (on) + ip-masq-agent (kube-system/ip-masq-agent, chain IP-MASQ, config file)',
    );
    expect(lines[0]!.split(/\s{2,}/)).toEqual([
      'NAMESPACE',
      'WORKLOAD',
      'PODS',
      'DESTINATION',
      'SOURCE IP',
      'VIA',
      'POLICY',
    ]);
    expect(lines.slice(1).map((l) => l.split(/\s{2,}/))).toEqual([
      ['shop', 'StatefulSet/postgres', '1', '8.8.8.8', '<unknown>', 'ip-masq-agent', 'allowed'],
      ['shop', 'Deployment/web', '2', '8.8.8.8', '34.76.10.20, <unknown>', 'ip-masq-agent', 'allowed'],
    ]);
  });

  it('marks an answer that rests on an assumption, and says which under the table', async () => {
    const offCloud = join(import.meta.dirname, '..', 'scenarios', 'cilium-e05-excluded-cidrs', 'objects.yaml');
    const result = await runPlugin(['who', '-A', '-f', offCloud, '--to', '1.1.1.22']);
    const row = result.stdout
      .trimEnd()
      .split('\n')
      .at(-1)!
      .split(/\s{2,}/);
    expect(row).toEqual(['default', 'Pod/ep-1', '1', '1.1.1.22', '192.168.1.1*', 'cilium', 'allowed']);
    expect(result.stderr).toContain(
      '* the answer rests on an assumption (see explain or -o json):\n  node k8s1 has no cloud providerID: assuming no NAT beyond the node\n',
    );
  });

  it('marks nothing when no answer rests on an assumption', async () => {
    const result = await runPlugin(['who', '-n', 'shop', '-f', example, '--to', '203.0.113.10']);
    expect(result.stdout).not.toContain('*');
    expect(result.stderr).not.toContain('assumption');
  });

  it("accepts kubectl's joined short flags (-nshop, -ojson)", async () => {
    const result = await runPlugin(['who', '-nshop', '-f', example, '--to', '203.0.113.10', '-ojson']);
    const report = JSON.parse(result.stdout) as { items: { pod: string; sourceIP: string; identity: string }[] };
    expect(report.items.map((i) => [i.pod, i.sourceIP, i.identity])).toEqual([
      ['postgres-0', '10.4.2.30', 'pod-ip'],
      ['web-7d4b9c5f6-q8w2e', '10.4.2.12', 'pod-ip'],
      ['web-7d4b9c5f6-x2x8q', '10.4.1.7', 'pod-ip'],
    ]);
  });

  it('writes the design §5 contract in JSON and YAML alike', async () => {
    const json = await runPlugin([
      'who',
      '-A',
      '-f',
      example,
      '--to',
      'internet',
      '-o',
      'json',
      '--nat-ip',
      '35.187.0.9',
    ]);
    const yaml = await runPlugin([
      'who',
      '-A',
      '-f',
      example,
      '--to',
      'internet',
      '-o',
      'yaml',
      '--nat-ip',
      '35.187.0.9',
    ]);
    const report = JSON.parse(json.stdout) as Record<string, unknown> & { items: Record<string, unknown>[] };
    expect(parse(yaml.stdout)).toEqual(report);
    expect(report).toMatchObject({
      apiVersion: 'kubectl-egress/v1alpha1',
      kind: 'EgressReport',
      datapath: { mechanisms: ['gke-default-snat', 'ip-masq-agent'] },
    });
    const web = report.items.find((i) => i['pod'] === 'web-7d4b9c5f6-q8w2e')!;
    expect(Object.keys(web)).toEqual([
      'namespace',
      'pod',
      'workload',
      'node',
      'podIP',
      'hostNetwork',
      'destination',
      'destinationName',
      'port',
      'protocol',
      'sourceIP',
      'sourceIPs',
      'identity',
      'via',
      'policy',
      'reasons',
      'warnings',
    ]);
    expect(web['policy']).toEqual({
      verdict: 'allowed',
      decidedBy: [],
      reasons: [expect.objectContaining({ code: 'NETPOL_NOT_ISOLATED' })],
    });
    expect(web).toMatchObject({
      workload: { kind: 'Deployment', name: 'web' },
      destination: '8.8.8.8',
      destinationName: 'internet',
      sourceIP: '35.187.0.9',
      sourceIPs: ['35.187.0.9'],
      identity: 'nat',
    });
  });

  it('groups by pod with --by pod and adds the reason with -o wide', async () => {
    const result = await runPlugin([
      'who',
      '-n',
      'monitoring',
      '-f',
      example,
      '--to',
      '8.8.8.8',
      '--by',
      'pod',
      '-o',
      'wide',
    ]);
    const [, head, row] = result.stdout
      .trimEnd()
      .split('\n')
      .map((l) => l.split(/\s{2,}/));
    expect(head).toEqual([
      'NAMESPACE',
      'POD',
      'NODE',
      'DESTINATION',
      'SOURCE IP',
      'IDENTITY',
      'VIA',
      'POLICY',
      'POD IP',
      'GATEWAY',
      'REASON',
    ]);
    expect(row!.slice(0, 10)).toEqual([
      'monitoring',
      'node-exporter-5rt7n',
      'gke-prod-pool-1-a1b2',
      '8.8.8.8',
      '34.76.10.20',
      'node-ip',
      'host-network',
      'allowed',
      '10.128.0.5',
      '<none>',
    ]);
  });

  it('reads objects from standard input with -f -', async () => {
    const result = await runPlugin(['who', '-n', 'monitoring', '-f', '-', '--to', '10.1.1.1', '-o', 'json'], {
      stdin: readFileSync(example, 'utf8'),
    });
    expect((JSON.parse(result.stdout) as { items: { sourceIP: string }[] }).items.map((i) => i.sourceIP)).toEqual([
      '10.128.0.5',
    ]);
  });

  it('resolves a hostname locally and reports each address', async () => {
    // In-process with an injected resolver: tests never ask the machine's DNS.
    const lookup = async (name: string) => (name === 'echo.corp.test' ? ['203.0.113.7', '2001:db8::7'] : []);
    const result = await runInProcess(
      ['who', '-n', 'monitoring', '-f', example, '--to', 'echo.corp.test', '-o', 'json'],
      '',
      lookup,
    );
    const items = (JSON.parse(result.stdout) as { items: { destination: string; destinationName: string }[] }).items;
    expect(items.every((i) => i.destinationName === 'echo.corp.test')).toBe(true);
    expect([...new Set(items.map((i) => i.destination))].sort()).toEqual(['2001:db8::7', '203.0.113.7']);
  });

  it('says on stderr which namespaces the input has pods in when the one asked for has none', async () => {
    const result = await runPlugin(['who', '-n', 'empty', '-f', example]);
    expect([result.code, result.stdout]).toEqual([0, '']);
    expect(result.stderr).toBe(
      'No pods in namespace "empty" in the input (its pods are in namespaces kube-system, monitoring, shop).\n',
    );
  });
});

describe('explain', () => {
  it('prints one trace line per layer with the object and key each came from', async () => {
    const result = await runPlugin([
      'explain',
      'web-7d4b9c5f6-x2x8q',
      '-n',
      'shop',
      '-f',
      example,
      '--to',
      '8.8.8.8',
      '-o',
      'json',
    ]);
    const [item] = (
      JSON.parse(result.stdout) as {
        items: { trace: { layer: string; outcome: string; code: string; source?: object }[] }[];
      }
    ).items;
    expect(item!.trace.map((s) => [s.layer, s.outcome, s.code])).toEqual([
      ['pod-network', 'applied', 'POD_IP'],
      ['egress-policy', 'allowed', 'NETPOL_NOT_ISOLATED'],
      ['gke-default-snat', 'not-applicable', 'GKE_DEFAULT_SNAT_CHAIN_OWNED_BY_AGENT'],
      ['ip-masq-agent', 'masquerade', 'DST_NOT_IN_NON_MASQ_CIDRS'],
      ['node-snat', 'masquerade', 'MASQUERADED_TO_NODE_IP'],
      ['beyond-node', 'applied', 'NODE_EXTERNAL_IP'],
    ]);
    expect(item!.trace[3]!.source).toEqual({
      kind: 'ConfigMap',
      namespace: 'kube-system',
      name: 'ip-masq-agent',
      key: 'config',
    });
  });

  it('explains the first pod of a workload named KIND/NAME and says which', async () => {
    const result = await runPlugin(['explain', 'deploy/web', '-n', 'shop', '-f', example, '--to', 'metadata']);
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('Explaining pod web-7d4b9c5f6-q8w2e (1 of 2 pods of Deployment/web)\n');
    expect(result.stdout).toContain('Result:       10.4.2.12 (identity pod-ip, via ip-masq-agent)');
    expect(result.stdout).toMatch(/ip-masq-agent\s+exempt\s+link-local destinations are not masqueraded/);
  });
});

describe('help', () => {
  it('reads as kubectl egress and exits 0', async () => {
    const result = await runPlugin(['who', '--help']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('kubectl egress who -A');
  });
});
