/**
 * Ctrl-C and SIGTERM end a long run of the real entry point in every phase: reading a large -f
 * file, predicting and writing (entry/bin.ts, cli/pace.ts). No timing is asserted: the latency
 * measured by hand is in the change's report.
 */
import { spawn } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PLUGIN } from '../support/plugin.ts';

const dir = mkdtempSync(join(tmpdir(), 'egress-interrupt-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A List of `pods` pods on 100 nodes, written the way kubectl writes YAML. */
function clusterFile(name: string, pods: number): string {
  const lines = ['apiVersion: v1', 'kind: List', 'items:'];
  for (let n = 0; n < 100; n++)
    lines.push(
      `- apiVersion: v1\n  kind: Node\n  metadata:\n    name: node-${n}\n  status:\n    addresses:\n    - type: InternalIP\n      address: 192.168.${n}.1`,
    );
  for (let p = 0; p < pods; p++) {
    lines.push(
      `- apiVersion: v1\n  kind: Pod\n  metadata:\n    name: web-${p}\n    namespace: ns-${p % 20}\n    labels:\n      app: web-${p % 300}\n  spec:\n    nodeName: node-${p % 100}\n    containers:\n    - name: c\n      image: registry.example/web:1\n  status:\n    phase: Running\n    podIP: 10.${p >> 16}.${(p >> 8) & 255}.${p & 255}`,
    );
  }
  const path = join(dir, name);
  writeFileSync(path, `${lines.join('\n')}\n`);
  return path;
}

/**
 * The run's exit code and stderr, and how many lines of its report it wrote (not all). Stdout is
 * a file, as in `who -o json > report.json`: writes to it are synchronous, so a run that ignores
 * the signal finishes its report before the signal is handled.
 */
function interrupt(
  args: string[],
  signal: NodeJS.Signals,
  when: { afterMs: number } | 'writing',
): Promise<{ code: number | null; stderr: string; lines: number }> {
  const out = join(dir, 'stdout');
  const fd = openSync(out, 'w');
  return new Promise((resolve, reject) => {
    const child = spawn(PLUGIN, args, { stdio: ['ignore', fd, 'pipe'] });
    closeSync(fd);
    let stderr = '';
    child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    // 'writing': once the report has begun, so after reading and predicting, while it is written.
    const timer =
      when === 'writing'
        ? setInterval(() => statSync(out).size > 0 && child.kill(signal), 20)
        : setTimeout(() => child.kill(signal), when.afterMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearInterval(timer);
      resolve({ code, stderr, lines: readFileSync(out, 'utf8').split('\n').length - 1 });
    });
  });
}

describe('an interrupted run exits 130 and says so', () => {
  const big = clusterFile('big.yaml', 300_000);
  const many = clusterFile('many.yaml', 3_000);
  const destinations = Array.from({ length: 200 }, (_, i) => ['--to', `203.0.${i >> 8}.${i & 255}`]).flat();

  it('while reading a large file', async () => {
    const result = await interrupt(['who', '-A', '-f', big, '-o', 'json'], 'SIGINT', { afterMs: 1000 });
    expect(result).toEqual({ code: 130, stderr: '\ninterrupted\n', lines: 0 });
  }, 120_000);

  it('with SIGTERM, as 128 + 15', async () => {
    const result = await interrupt(['who', '-A', '-f', big], 'SIGTERM', { afterMs: 1000 });
    expect(result).toEqual({ code: 143, stderr: '\ninterrupted\n', lines: 0 });
  }, 120_000);

  it('while writing 600,000 decisions as JSON', async () => {
    const result = await interrupt(['who', '-A', '-f', many, '-o', 'json', ...destinations], 'SIGINT', 'writing');
    expect({ ...result, lines: 0 }).toEqual({ code: 130, stderr: '\ninterrupted\n', lines: 0 });
    // The whole report has more than 20 lines a decision.
    expect(result.lines).toBeLessThan(600_000);
  }, 120_000);

  it('while writing a table of 300,000 rows', async () => {
    const result = await interrupt(
      ['who', '-A', '-f', many, '--by', 'pod', ...destinations.slice(0, 200)],
      'SIGINT',
      'writing',
    );
    expect(result.code).toBe(130);
    // The table's warnings come first, on stderr.
    expect(result.stderr).toMatch(/^Warning: .*\n\ninterrupted\n$/);
    expect(result.lines).toBeLessThan(300_001);
  }, 120_000);
});
