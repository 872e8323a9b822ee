/**
 * The API server stores a Node's status.addresses as written: a node whose InternalIP is `banana`
 * is accepted, and no answer may rest on it (who unknown, allowlist incomplete, lint an error).
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { kubectl, writeKubeconfig } from '../support/lab.ts';
import { runPlugin } from '../support/plugin.ts';

const lab = inject('lab');
const NODE = 'n-invalid';
const POD = 'node-agent-invalid';
const list = (items: object[]) => JSON.stringify({ apiVersion: 'v1', kind: 'List', items });
const node = (withStatus: boolean) => ({
  apiVersion: 'v1',
  kind: 'Node',
  metadata: { name: NODE },
  spec: { podCIDR: '10.4.9.0/24', podCIDRs: ['10.4.9.0/24'] },
  ...(withStatus
    ? {
        status: {
          addresses: [
            { type: 'InternalIP', address: 'banana' },
            { type: 'Hostname', address: NODE },
          ],
        },
      }
    : {}),
});
const pod = (withStatus: boolean) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: POD, namespace: 'shop' },
  spec: { nodeName: NODE, hostNetwork: true, containers: [{ name: 'c', image: 'busybox' }] },
  ...(withStatus
    ? { status: { phase: 'Running', hostIP: '10.128.0.9', podIP: '10.128.0.9', podIPs: [{ ip: '10.128.0.9' }] } }
    : {}),
});

beforeAll(() => {
  kubectl(lab, ['create', '-f', '-'], list([node(false), pod(false)]));
  kubectl(lab, ['replace', '--subresource=status', '-f', '-'], list([node(true), pod(true)]));
});

afterAll(() => {
  // No kubelet runs here: a forced delete removes the pod at once.
  kubectl(lab, ['-n', 'shop', 'delete', 'pod', POD, '--force', '--grace-period=0']);
  kubectl(lab, ['delete', 'node', NODE]);
});

describe('a Node whose InternalIP is not an IP, on a real API server', () => {
  const kubeconfig = () => writeKubeconfig(lab, 'admin');

  it('is stored as written, and who answers unknown for the pod that needs it, with the reason', async () => {
    const result = await runPlugin([
      'who',
      '--kubeconfig',
      kubeconfig(),
      '-n',
      'shop',
      '--to',
      '172.16.0.1',
      '-o',
      'json',
    ]);
    expect({ code: result.code, stderr: result.stderr }).toEqual({ code: 0, stderr: '' });
    const report = JSON.parse(result.stdout) as {
      items: { pod: string; sourceIP: string | null; identity: string; reasons: { code: string }[] }[];
      warningDetails: { code: string; data?: unknown }[];
    };
    const item = report.items.find((i) => i.pod === POD)!;
    expect({ sourceIP: item.sourceIP, identity: item.identity, reasons: item.reasons.map((r) => r.code) }).toEqual({
      sourceIP: null,
      identity: 'unknown',
      reasons: ['NODE_ADDRESS_INVALID'],
    });
    expect(report.warningDetails.map((w) => w.code)).toContain('ADDRESS_INVALID');
  });

  it('makes the allowlist incomplete (exit 1), never a shorter set that says it is complete', async () => {
    const result = await runPlugin([
      'allowlist',
      `pod/${POD}`,
      '--kubeconfig',
      kubeconfig(),
      '-n',
      'shop',
      '--to',
      '172.16.0.1',
      '-o',
      'json',
    ]);
    expect(result.code).toBe(1);
    const report = JSON.parse(result.stdout) as { items: { complete: boolean; cidrs: string[] }[] };
    expect(report.items.map((i) => ({ complete: i.complete, cidrs: i.cidrs }))).toEqual([
      { complete: false, cidrs: [] },
    ]);
  });

  it('is a lint error on the Node', async () => {
    const result = await runPlugin(['lint', '--kubeconfig', kubeconfig(), '-A', '-o', 'json']);
    expect(result.code).toBe(1);
    const report = JSON.parse(result.stdout) as { items: { code: string; object: { kind: string; name: string } }[] };
    expect(report.items.filter((i) => i.code === 'ADDRESS_INVALID').map((i) => i.object)).toEqual([
      { kind: 'Node', name: NODE },
    ]);
  });
});
