/**
 * `kubectl egress` through the real kubectl's plugin discovery, with plugin/ on PATH. The kubectl
 * binary is built from its Go module by test/lab/build-k8s.sh; scripts/test.mjs passes its path.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PLUGIN, runPlugin } from './support/plugin.ts';

const kubectl = process.env['KUBECTL'];
const example = join(import.meta.dirname, '..', 'examples', 'gke-cluster.yaml');
const home = mkdtempSync(join(tmpdir(), 'egress-home-'));
afterAll(() => rmSync(home, { recursive: true, force: true }));

function viaKubectl(args: string[]) {
  if (!kubectl)
    throw new Error('KUBECTL is not set: run the suite with `npm test`, which builds kubectl from its Go module');
  const env = {
    ...process.env,
    HOME: home,
    KUBECONFIG: '',
    PATH: [dirname(PLUGIN), dirname(kubectl), '/usr/bin', '/bin'].join(delimiter),
  };
  return runPlugin(args, { command: kubectl, env });
}

describe('kubectl plugin discovery', () => {
  it('lists plugin/kubectl-egress as a plugin', async () => {
    const result = await viaKubectl(['plugin', 'list']);
    expect(result.stdout).toContain(PLUGIN);
  });

  it('runs `kubectl egress who` and passes every argument through', async () => {
    const result = await viaKubectl(['egress', 'who', '-A', '-f', example, '--to', '8.8.8.8', '-o', 'json']);
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout) as { items: { pod: string; sourceIP: string; identity: string }[] };
    expect(report.items.find((i) => i.pod === 'web-7d4b9c5f6-x2x8q')).toMatchObject({
      sourceIP: '34.76.10.20',
      identity: 'node-ip',
    });
  });

  it('shows help that reads `kubectl egress`', async () => {
    const result = await viaKubectl(['egress', '--help']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('kubectl egress who');
  });

  it("hands the plugin's exit code back to the caller", async () => {
    const result = await viaKubectl(['egress', 'who', '-f', example, '--to', 'nowhere!']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('error: invalid --to');
  });
});
