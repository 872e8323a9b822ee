/**
 * `__complete` for values that live outside the tool: contexts, clusters and users from the merged
 * kubeconfig, namespaces from the API server. Completion runs while the user waits at the prompt,
 * so a cluster that cannot answer costs at most a short pause and prints nothing.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { createServer as createTcpServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { CLUSTER_TIMEOUT_MS, withDeadline } from '../../src/cli/completion/values.ts';
import { completion } from '../support/completion.ts';
import { freePort } from '../support/lab.ts';

const dir = mkdtempSync(join(tmpdir(), 'egress-complete-'));
const servers: { close: () => void }[] = [];
afterAll(() => {
  for (const server of servers) server.close();
  rmSync(dir, { recursive: true, force: true });
});

/** A kubeconfig with one context per cluster, each named after its cluster; the first is current. */
function kubeconfig(name: string, clusters: Record<string, string>): string {
  const names = Object.keys(clusters);
  const path = join(dir, name);
  writeFileSync(
    path,
    JSON.stringify({
      apiVersion: 'v1',
      kind: 'Config',
      'current-context': names[0],
      // client-node speaks plain http only with TLS verification off.
      clusters: names.map((n) => ({
        name: n,
        cluster: { server: clusters[n], 'insecure-skip-tls-verify': clusters[n]!.startsWith('http:') },
      })),
      users: names.map((n) => ({ name: `${n}-user`, user: { token: 't' } })),
      contexts: names.map((n) => ({ name: n, context: { cluster: n, user: `${n}-user` } })),
    }),
  );
  return path;
}

const env = (extra: NodeJS.ProcessEnv) => ({ ...process.env, HOME: dir, KUBECONFIG: '', ...extra });

/** An API server that lists these namespaces, and a socket that accepts connections and never answers. */
let apiServer = '';
let silentServer = '';
beforeAll(async () => {
  const api: Server = createServer((req, res) => {
    const found = req.url?.startsWith('/api/v1/namespaces');
    res.writeHead(found ? 200 : 404, { 'Content-Type': 'application/json' });
    res.end(
      JSON.stringify(
        found
          ? { items: ['shop', 'kube-system', 'default'].map((name) => ({ metadata: { name } })), metadata: {} }
          : {},
      ),
    );
  });
  await new Promise<void>((resolve) => api.listen(0, '127.0.0.1', resolve));
  apiServer = `http://127.0.0.1:${(api.address() as AddressInfo).port}`;
  const silent = createTcpServer(() => {});
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  silentServer = `https://127.0.0.1:${(silent.address() as AddressInfo).port}`;
  servers.push(api, silent);
});

describe('__complete names from the kubeconfig', () => {
  it('offers the contexts of the KUBECONFIG files, merged', async () => {
    const first = kubeconfig('first.json', {
      prod: 'https://prod.example',
      'arn:aws:eks:eu-west-1:1:cluster/shop': 'https://eks.example',
    });
    const second = kubeconfig('second.json', { lab: 'https://lab.example', prod: 'https://other.example' });
    const result = await completion(['who', '--context', ''], {
      env: env({ KUBECONFIG: [first, second].join(delimiter) }),
    });
    expect(result).toEqual({
      candidates: ['arn:aws:eks:eu-west-1:1:cluster/shop', 'lab', 'prod'],
      directive: 4,
      stderr: '',
      code: 0,
    });
  });

  it.each([
    ['the contexts of the --kubeconfig given before', ['--context', 'l'], ['lab']],
    ['the clusters', ['--cluster', ''], ['lab', 'stage']],
    ['the users', ['--user', 's'], ['stage-user']],
  ])('offers %s', async (_name, words, candidates) => {
    const file = kubeconfig('flag.json', { lab: 'https://lab.example', stage: 'https://stage.example' });
    const result = await completion(['verify', '--kubeconfig', file, ...words], { env: env({}) });
    expect(result.candidates).toEqual(candidates);
  });

  it('offers nothing, silently, when there is no kubeconfig or it is not one', async () => {
    const broken = join(dir, 'broken.yaml');
    writeFileSync(broken, 'clusters: [');
    for (const extra of [{}, { KUBECONFIG: broken }]) {
      expect(await completion(['who', '--context', ''], { env: env(extra) })).toEqual({
        candidates: [],
        directive: 4,
        stderr: '',
        code: 0,
      });
    }
  });
});

describe('__complete namespaces from the API server', () => {
  it('offers the namespaces the server lists, for the context given', async () => {
    const file = kubeconfig('live.json', { down: silentServer, live: apiServer });
    const result = await completion(['who', '--context', 'live', '-n', 'k'], { env: env({ KUBECONFIG: file }) });
    expect(result).toEqual({ candidates: ['kube-system'], directive: 4, stderr: '', code: 0 });
  });

  it('offers nothing, without a word, when the server is unreachable', async () => {
    const file = kubeconfig('refused.json', { refused: `https://127.0.0.1:${await freePort()}` });
    const result = await completion(['who', '-n', ''], { env: env({ KUBECONFIG: file }) });
    expect(result).toEqual({ candidates: [], directive: 4, stderr: '', code: 0 });
  });

  it('gives up, without a word, when the server never answers', async () => {
    const file = kubeconfig('silent.json', { silent: silentServer });
    const result = await completion(['explain', '--namespace', ''], { env: env({ KUBECONFIG: file }) });
    expect(result).toEqual({ candidates: [], directive: 4, stderr: '', code: 0 });
  });

  it('does not ask the cluster when objects come from files (-f)', async () => {
    const file = kubeconfig('files.json', { live: apiServer });
    const result = await completion(['who', '-f', 'cluster.yaml', '-n', ''], { env: env({ KUBECONFIG: file }) });
    expect(result.candidates).toEqual([]);
  });
});

describe('the deadline on asking the cluster', () => {
  // Fake timers: the bound is checked as logic, not by timing a run (times belong in npm run bench).
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('answers the fallback once CLUSTER_TIMEOUT_MS (3 s) has passed without an answer, not before', async () => {
    let answer: string[] | undefined;
    void withDeadline(new Promise<string[]>(() => {}), CLUSTER_TIMEOUT_MS, []).then((a) => (answer = a));
    await vi.advanceTimersByTimeAsync(CLUSTER_TIMEOUT_MS - 1);
    expect(answer).toBeUndefined();
    await vi.advanceTimersByTimeAsync(1);
    expect(answer).toEqual([]);
    expect(CLUSTER_TIMEOUT_MS).toBe(3000);
  });

  it('answers what the cluster said when it says it in time', async () => {
    const answer = withDeadline(Promise.resolve(['kube-system']), CLUSTER_TIMEOUT_MS, []);
    await expect(answer).resolves.toEqual(['kube-system']);
  });
});
