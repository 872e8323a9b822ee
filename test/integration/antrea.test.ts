/**
 * Antrea against a real kube-apiserver: the Egress and ExternalIPPool CRDs served as Antrea serves
 * them, listed with the shipped roles (rbac/who.yaml), docs/egress.md's High-Availability Egress
 * answered exactly, and a user who may not list Egresses (or antrea-config) told `unknown` with the
 * RBAC rule to add, never a guessed address. Its own lab (antrea-fixtures.ts).
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startLab, writeKubeconfig, type Lab } from '../support/lab.ts';
import { runPlugin } from '../support/plugin.ts';
import { ANTREA_LAB_USERS, seedAntreaLab } from './antrea-fixtures.ts';

interface Item {
  pod: string;
  sourceIP: string | null;
  identity: string;
  gateway?: { node: string };
  reasons: { code: string; message: string }[];
}

let lab: Lab;

beforeAll(async () => {
  lab = await startLab(inject('lab').binDir, { users: ANTREA_LAB_USERS });
  seedAntreaLab(lab);
});

afterAll(async () => {
  await lab?.stop();
});

const kubeconfig = (user: string) => writeKubeconfig(lab, { name: user, token: lab.tokens[user]! });

async function whoAs(user: string): Promise<{ items: Record<string, Item>; warnings: string[] }> {
  const result = await runPlugin([
    'who',
    '-n',
    'prod',
    '--to',
    '8.8.8.8',
    '-o',
    'json',
    '--kubeconfig',
    kubeconfig(user),
  ]);
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  const report = JSON.parse(result.stdout) as { items: Item[]; warnings: string[] };
  return { items: Object.fromEntries(report.items.map((i) => [i.pod, i])), warnings: report.warnings };
}

describe('Antrea Egress read from a live API server', () => {
  it("answers the shipped roles' user exactly: the Egress IP through its node, the node IP for pods no Egress selects", async () => {
    const { items } = await whoAs('full-user');
    expect(items['web']).toMatchObject({ sourceIP: '10.10.0.11', identity: 'egress-ip', gateway: { node: 'node-4' } });
    expect(items['api']).toMatchObject({ sourceIP: '10.10.0.101', identity: 'node-ip' });
  });

  it.each([
    ['egresses', 'ANTREA_EGRESSES_UNREADABLE', 'resources: [egresses]'],
    ['configmaps', 'ANTREA_CONFIG_UNREADABLE', 'kubectl-egress-datapath'],
  ])('answers a user who may not list %s unknown for every pod, with the rule to add', async (resource, code, rule) => {
    const { items, warnings } = await whoAs(`no-${resource}`);
    for (const pod of ['web', 'api']) {
      expect({ pod, identity: items[pod]!.identity, sourceIP: items[pod]!.sourceIP }).toEqual({
        pod,
        identity: 'unknown',
        sourceIP: null,
      });
      const reason = items[pod]!.reasons.find((r) => r.code === code);
      expect(reason?.message).toContain(rule);
    }
    expect(warnings.some((w) => w.includes(`cannot list ${resource}`))).toBe(true);
  });

  it('says the allowlist is incomplete for the user who may not list Egresses (exit 1), complete for the full user', async () => {
    const refused = await runPlugin([
      'allowlist',
      '-n',
      'prod',
      '-l',
      'app=web',
      '--to',
      '8.8.8.8',
      '--kubeconfig',
      kubeconfig('no-egresses'),
    ]);
    expect(refused.code).toBe(1);
    expect(refused.stdout).toMatch(/INCOMPLETE/);
    const full = await runPlugin([
      'allowlist',
      '-n',
      'prod',
      '-l',
      'app=web',
      '--to',
      '8.8.8.8',
      '-o',
      'plain',
      '--kubeconfig',
      kubeconfig('full-user'),
    ]);
    expect({ code: full.code, stdout: full.stdout }).toEqual({ code: 0, stdout: '10.10.0.11/32\n' });
  });

  it('keeps the Egresses and the pool in a snapshot, which answers the same offline', async () => {
    const snapshot = await runPlugin(['snapshot', '-A', '--kubeconfig', kubeconfig('full-user')]);
    expect(snapshot.code).toBe(0);
    expect(snapshot.stdout).toMatch(/kind: Egress\n/);
    expect(snapshot.stdout).toMatch(/kind: ExternalIPPool\n/);
    const offline = await runPlugin(['who', '-n', 'prod', '--to', '8.8.8.8', '-o', 'json', '-f', '-'], {
      stdin: snapshot.stdout,
    });
    const items = (JSON.parse(offline.stdout) as { items: Item[] }).items;
    expect(items.map((i) => `${i.pod} ${i.identity} ${i.sourceIP}`).sort()).toEqual([
      'api node-ip 10.10.0.101',
      'web egress-ip 10.10.0.11',
    ]);
  });
});
