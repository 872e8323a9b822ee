/**
 * verify against the real API server of the integration lab, which runs no kubelet: probe pods are
 * really created, admitted (Pod Security included), watched and deleted, but never start — the
 * end-to-end answers need the kubelet lab. What this proves: RBAC pre-flight, admission, cleanup on
 * every path (timeout, Ctrl-C, --cleanup), and the error verdicts.
 */
import { spawn } from 'node:child_process';
import { describe, expect, inject, it } from 'vitest';
import { kubectl, writeKubeconfig } from '../support/lab.ts';
import { PLUGIN, runPlugin } from '../support/plugin.ts';

const lab = inject('lab');
const admin = () => writeKubeconfig(lab, 'admin');
const probePods = () => kubectl(lab, ['get', 'pods', '-A', '-l', 'kubectl-egress.io/run', '-o', 'name']).trim();
const echo = 'http://203.0.113.10:8080/';

interface VerifyItem {
  pod: string;
  verdict: string;
  verdictReason: { observation: string; detail: string };
  probe: { name: string; node: string };
}

describe('verify against a real API server', () => {
  it('refuses to start when the user may not create pods, before creating anything', async () => {
    const result = await runPlugin([
      'verify',
      '-n',
      'shop',
      '--echo',
      echo,
      '--kubeconfig',
      writeKubeconfig(lab, 'who-user'),
    ]);
    expect(result).toMatchObject({
      code: 4,
      stderr: 'error: forbidden: verify needs to create pods in namespace "shop"; see rbac/verify.yaml\n',
    });
    expect(probePods()).toBe('');
  });

  it('reports probes that never start as errors, exits 6, and deletes them', async () => {
    const result = await runPlugin([
      'verify',
      '-n',
      'shop',
      '--echo',
      echo,
      '--start-timeout',
      '2s',
      '--kubeconfig',
      admin(),
      '-o',
      'json',
    ]);
    expect(result.code).toBe(6);
    const report = JSON.parse(result.stdout) as { kind: string; items: VerifyItem[]; summary: Record<string, number> };
    expect(report.kind).toBe('EgressVerification');
    expect(report.items.map((i) => [i.verdict, i.verdictReason.observation])).toEqual(
      report.items.map(() => ['error', 'POD_NEVER_STARTED']),
    );
    expect(report.summary).toEqual({ match: 0, mismatch: 0, inconclusive: 0, error: report.items.length });
    expect(report.items.length).toBeGreaterThan(1);
    expect(probePods()).toBe('');
  });

  it('gets its probe admitted in a namespace that enforces Pod Security restricted', async () => {
    kubectl(lab, ['create', 'namespace', 'restricted']);
    kubectl(lab, [
      '-n',
      'restricted',
      'run',
      'app',
      '--image=busybox',
      '--restart=Never',
      '--overrides={"spec":{"nodeName":"n1"}}',
    ]);
    kubectl(lab, ['label', 'namespace', 'restricted', 'pod-security.kubernetes.io/enforce=restricted']);
    const result = await runPlugin([
      'verify',
      '-n',
      'restricted',
      '--echo',
      echo,
      '--start-timeout',
      '1s',
      '--kubeconfig',
      admin(),
      '-o',
      'json',
    ]);
    const [item] = (JSON.parse(result.stdout) as { items: VerifyItem[] }).items;
    // Admitted (a rejection would be PROBE_REJECTED), then never started: no kubelet here.
    expect(item!.verdictReason.observation).toBe('POD_NEVER_STARTED');
  });

  it('deletes its probe pods when interrupted with Ctrl-C', async () => {
    const child = spawn(PLUGIN, [
      'verify',
      '-n',
      'shop',
      '--echo',
      echo,
      '--start-timeout',
      '120s',
      '--kubeconfig',
      admin(),
    ]);
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    for (let i = 0; i < 100 && probePods() === ''; i++) await new Promise((r) => setTimeout(r, 200));
    expect(probePods()).not.toBe('');
    child.kill('SIGINT');
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(code).toBe(130);
    expect(stderr).toMatch(/interrupted: deleted the probe pods of run [0-9a-f]{6}/);
    expect(probePods()).toBe('');
  });

  it('removes leftovers of earlier runs with --cleanup', async () => {
    kubectl(lab, [
      '-n',
      'shop',
      'run',
      'egress-probe-old-0',
      '--image=busybox',
      '--restart=Never',
      '--labels=app.kubernetes.io/managed-by=kubectl-egress,kubectl-egress.io/run=old',
      '--overrides={"spec":{"nodeName":"n1"}}',
    ]);
    expect(probePods()).toBe('pod/egress-probe-old-0');
    const result = await runPlugin(['verify', '--cleanup', '-A', '--kubeconfig', admin()]);
    expect(result).toMatchObject({ code: 0, stdout: 'deleted 1 probe pod\n  shop/egress-probe-old-0\n' });
    expect(probePods()).toBe('');
  });
});
