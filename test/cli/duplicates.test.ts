/**
 * The same object in two -f files, through the real entry point: a warning when the copies agree,
 * exit 3 naming both files when they do not; never last-wins.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runPlugin } from '../support/plugin.ts';

const dir = mkdtempSync(join(tmpdir(), 'egress-dup-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const file = (name: string, text: string) => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};

const nodeYaml =
  'apiVersion: v1\nkind: Node\nmetadata: {name: n1}\nstatus: {addresses: [{type: InternalIP, address: 10.0.0.1}]}\n';
const podYaml = (ip: string) =>
  `apiVersion: v1\nkind: Pod\nmetadata: {name: web-1, namespace: shop}\nspec: {nodeName: n1}\nstatus: {phase: Running, podIP: ${ip}}\n`;
const cluster = file('cluster.yaml', `${nodeYaml}---\n${podYaml('10.4.0.7')}`);

describe('the same object in two -f files', () => {
  it('reads an identical copy once and warns', async () => {
    const copy = file('copy.yaml', podYaml('10.4.0.7'));
    const result = await runPlugin(['who', '-n', 'shop', '-f', cluster, '-f', copy, '--to', '10.9.9.9', '-o', 'json']);
    expect(result.code).toBe(0);
    expect(result.stderr).toBe(
      `Warning: ${copy}: document 1: Pod shop/web-1 repeats ${cluster}: document 2 (the same in every field kubectl egress reads); reading it once\n`,
    );
    expect((JSON.parse(result.stdout) as { items: unknown[] }).items).toHaveLength(1);
  });

  it('refuses a copy with other content, naming both files (exit 3)', async () => {
    const moved = file('moved.yaml', podYaml('10.4.0.8'));
    const result = await runPlugin(['who', '-n', 'shop', '-f', cluster, '-f', moved, '--to', '10.9.9.9']);
    expect(result.code).toBe(3);
    expect(result.stderr).toBe(
      `error: ${moved}: document 1: Pod shop/web-1 is also at ${cluster}: document 2, with different content; remove one of them (which one is true decides the answer)\n`,
    );
    expect(result.stdout).toBe('');
  });
});
