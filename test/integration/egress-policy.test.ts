/**
 * Egress policy verdicts from a real kube-apiserver: NetworkPolicies listed live with the shipped
 * role, the port and protocol of `--to`, and what reading every pod (-A) decides that reading one
 * namespace cannot. This lab runs no NetworkPolicy enforcer (ip-masq-agent only), so a verdict
 * that would deny is `unknown` with POLICY_ENFORCER_NOT_FOUND; the kube-router lab shows real denials.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { writeKubeconfig } from '../support/lab.ts';
import { runPlugin } from '../support/plugin.ts';
import { seedClientToDb } from '../support/pod-seeds.ts';

const lab = inject('lab');
const NAMESPACE = 'policy-live';

interface Item {
  pod: string;
  destination: string;
  port: number | null;
  sourceIP: string | null;
  policy: {
    verdict: string;
    reasons: { code: string; data: Record<string, string> }[];
    decidedBy: { name: string; rule: string }[];
  };
}

let removePolicy = () => {};
beforeAll(() => {
  removePolicy = seedClientToDb(lab, NAMESPACE, [
    { name: 'client', node: 'n1', ip: '10.4.9.7', labels: { app: 'client' } },
    { name: 'db', node: 'n1', ip: '10.4.9.8', labels: { app: 'db' } },
  ]);
});
afterAll(() => removePolicy());

async function verdicts(scope: string[]): Promise<Record<string, string>> {
  const result = await runPlugin([
    'who',
    ...scope,
    '--to',
    '10.4.9.8:5432',
    '--to',
    '10.4.9.8:80',
    '--to',
    '8.8.8.8:5432',
    '-o',
    'json',
    '--kubeconfig',
    writeKubeconfig(lab, 'who-user'),
  ]);
  expect([result.code, result.stderr]).toEqual([0, '']);
  const items = (JSON.parse(result.stdout) as { items: Item[] }).items.filter((i) => i.pod === 'client');
  return Object.fromEntries(
    items.map((i) => [
      `${i.destination}:${i.port}`,
      `${i.policy.verdict} ${i.policy.reasons.map((r) => r.code).join(',')}`,
    ]),
  );
}

describe('egress policy from the live cluster', () => {
  it('allows the port a NetworkPolicy allows to the pods it selects, whether or not anything enforces it', async () => {
    const result = await runPlugin([
      'who',
      '-n',
      NAMESPACE,
      '--to',
      '10.4.9.8:5432',
      '-o',
      'json',
      '--kubeconfig',
      writeKubeconfig(lab, 'who-user'),
    ]);
    const client = (JSON.parse(result.stdout) as { items: Item[] }).items.find((i) => i.pod === 'client')!;
    expect([client.policy.verdict, client.policy.decidedBy]).toEqual([
      'allowed',
      [{ kind: 'NetworkPolicy', namespace: NAMESPACE, name: 'client-to-db', rule: 'egress[0]' }],
    ]);
    expect(client.sourceIP).not.toBeNull();
  });

  it('reading one namespace cannot rule out that an outside address is a pod: unknown, saying so', async () => {
    expect(await verdicts(['-n', NAMESPACE])).toEqual({
      '10.4.9.8:5432': 'allowed NETPOL_ALLOWED',
      '10.4.9.8:80': 'unknown POLICY_ENFORCER_NOT_FOUND,NETPOL_DENIED',
      '8.8.8.8:5432': 'unknown NETPOL_DESTINATION_POD_UNKNOWN',
    });
  });

  it('reading every pod (-A) rules it out: the policy would deny it, and with no enforcer in sight that is unknown, saying why', async () => {
    expect((await verdicts(['-A']))['8.8.8.8:5432']).toBe('unknown POLICY_ENFORCER_NOT_FOUND,NETPOL_DENIED');
  });
});
