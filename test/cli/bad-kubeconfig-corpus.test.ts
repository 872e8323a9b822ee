/**
 * The bad-input corpus for kubeconfigs: every field of a working kubeconfig broken in every way
 * (removed, null, the wrong type, empty, huge, odd text), read by `who` in-process. A broken
 * kubeconfig is the user's to fix: exit 2, 3 or 4 with one line, never exit 5 or a stack trace.
 * Its server is a closed loopback port and no breakage turns it into a host name, so nothing
 * leaves the machine and no name is looked up.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { brokenCopies, runInProcess, STACK_FRAME } from '../support/bad-input.ts';

const closedPort = await new Promise<number>((resolve) => {
  const probe = createServer().listen(0, '127.0.0.1', () => {
    const { port } = probe.address() as AddressInfo;
    probe.close(() => resolve(port));
  });
});
const dir = mkdtempSync(join(tmpdir(), 'egress-kubeconfig-corpus-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const KUBECONFIG = {
  apiVersion: 'v1',
  kind: 'Config',
  'current-context': 'lab',
  clusters: [
    {
      name: 'lab',
      cluster: {
        server: `https://127.0.0.1:${closedPort}`,
        'insecure-skip-tls-verify': true,
        'proxy-url': `http://127.0.0.1:${closedPort}`,
      },
    },
  ],
  users: [
    {
      name: 'me',
      user: { token: 'abc', 'client-certificate-data': 'bm90IGEgY2VydA==', 'client-key-data': 'bm90IGEga2V5' },
    },
  ],
  contexts: [{ name: 'lab', context: { cluster: 'lab', user: 'me', namespace: 'shop' } }],
};

describe('malformed kubeconfigs', () => {
  const cases = brokenCopies(KUBECONFIG, 5);

  it('has every field broken', () => {
    expect(cases.length).toBeGreaterThan(100);
  });

  it.each(cases.map((c, i) => [c.name, i] as const))('%s', async (_name, i) => {
    const file = join(dir, `${i}.kubeconfig`);
    writeFileSync(file, JSON.stringify(cases[i]!.value));
    const result = await runInProcess(['who', '--to', '8.8.8.8', '--kubeconfig', file, '--request-timeout', '5s'], '');
    expect(result.stderr).not.toMatch(/internal error/);
    expect(result.stderr).not.toMatch(STACK_FRAME);
    expect([2, 3, 4]).toContain(result.code);
  });
});
