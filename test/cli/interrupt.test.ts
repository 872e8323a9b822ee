/**
 * Ctrl-C and SIGTERM end a long run of the real entry point in every phase: reading a large -f
 * file, predicting and writing (entry/bin.ts, cli/pace.ts). No timing is asserted: the latency
 * measured by hand is in the change's report.
 */
import { spawn } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PLUGIN } from '../support/plugin.ts';

const dir = mkdtempSync(join(tmpdir(), 'egress-interrupt-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A List of `pods` pods on 100 nodes, written the way kubectl writes YAML. */
function clusterFile(name: string, pods: number): string {
  const lines = ['apiVersion: v1', 'kind: List', 'items:'];
  for (let n = 0; n < 100; n++) lines.push(`- apiVersion: v1\n  kind: Node\n  metadata:\n    name: node-${n}\n  status:\n    addresses:\n    - type: InternalIP\n      address: 192.168.${n}.1`);
  for (let p = 0; p < pods; p++) {
    lines.push(`- apiVersion: v1\n  kind: Pod\n  metadata:\n    name: web-${p}\n    namespace: ns-${p % 20}\n    labels:\n      app: web-${p % 300}\n  spec:\n    nodeName: node-${p % 100}\n    containers:\n    - name: c\n      image: registry.example/web:1\n  status:\n    phase: Running\n    podIP: 10.${p >> 16}.${(p >> 8) & 255}.${p & 255}`);
  }
  const path = join(dir, name);
  writeFileSync(path, `${lines.join('\n')}\n`);
  return path;
}

/**
 * The run's exit code and stderr, and whether stdout got the whole report (it must not). Stdout is
 * a file, as in `who -o json > report.json`: writes to it are synchronous, so a run that ignores
 * the signal finishes its report before the signal is handled.
 */
function interrupt(args: string[], signal: NodeJS.Signals, afterMs: number): Promise<{ code: number | null; stderr: string; complete: boolean }> {
  const out = join(dir, 'stdout');
  const fd = openSync(out, 'w');
  return new Promise((resolve, reject) => {
    const child = spawn(PLUGIN, args, { stdio: ['ignore', fd, 'pipe'] });
    closeSync(fd);
    let stderr = '';
    child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => child.kill(signal), afterMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      // A finished report (JSON or table) ends with a newline; a piece of one written before the signal does not.
      resolve({ code, stderr, complete: readFileSync(out, 'utf8').endsWith('\n') });
    });
  });
}

describe('an interrupted run exits 130 and says so', () => {
  const big = clusterFile('big.yaml', 100_000);
  const many = clusterFile('many.yaml', 3_000);
  const destinations = Array.from({ length: 200 }, (_, i) => ['--to', `203.0.${i >> 8}.${i & 255}`]).flat();

  it('while reading a large file', async () => {
    const result = await interrupt(['who', '-A', '-f', big, '-o', 'json'], 'SIGINT', 1500);
    expect(result).toEqual({ code: 130, stderr: '\ninterrupted\n', complete: false });
  }, 120_000);

  it('with SIGTERM, as 128 + 15', async () => {
    const result = await interrupt(['who', '-A', '-f', big], 'SIGTERM', 1500);
    expect(result).toEqual({ code: 143, stderr: '\ninterrupted\n', complete: false });
  }, 120_000);

  it('while predicting and writing 600,000 decisions', async () => {
    const result = await interrupt(['who', '-A', '-f', many, '-o', 'json', ...destinations], 'SIGINT', 3000);
    expect(result).toEqual({ code: 130, stderr: '\ninterrupted\n', complete: false });
  }, 120_000);
});
