/**
 * `verify` as far as it goes without a kubelet, through the real entry point, against a stand-in
 * API server that records what it is asked: which cluster and namespace verify works in, where its
 * predictions come from, and that it asks for permission before creating any probe pod.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { text } from 'node:stream/consumers';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { runPlugin } from '../support/plugin.ts';

const example = join(import.meta.dirname, '..', '..', 'examples', 'gke-cluster.yaml');
const echo = 'http://203.0.113.10:8080/';
const dir = mkdtempSync(join(tmpdir(), 'egress-verify-'));
const env = { ...process.env, HOME: dir, KUBECONFIG: '' };

/** What the server was asked: `GET /path`, and for access reviews `may I create pods in shop`. */
let asked: string[] = [];

const list = (items: object[]) => ({ items, metadata: {} });
const PROBE_POD = { metadata: { name: 'egress-probe-0a1b2c-web', namespace: 'shop' } };
const APP_POD = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'web', namespace: 'shop', labels: { app: 'web' } },
  spec: { nodeName: 'n1' },
  status: { phase: 'Running', podIP: '10.4.1.7', podIPs: [{ ip: '10.4.1.7' }] },
};
const NODE = {
  apiVersion: 'v1',
  kind: 'Node',
  metadata: { name: 'n1' },
  spec: { podCIDR: '10.4.1.0/24' },
  status: { addresses: [{ type: 'InternalIP', address: '10.0.0.2' }] },
};

/** Lists what it has, serves no custom resources, and allows every access review but creating pods. */
const server = createServer(async (req, res) => {
  const url = new URL(req.url!, 'http://server');
  const body = await text(req);
  const reply = (status: number, json: object) =>
    res.writeHead(status, { 'Content-Type': 'application/json' }).end(JSON.stringify(json));
  if (url.pathname === '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews') {
    const attributes = (
      JSON.parse(body) as { spec: { resourceAttributes: { verb: string; resource: string; namespace?: string } } }
    ).spec.resourceAttributes;
    asked.push(`may I ${attributes.verb} ${attributes.resource} in ${attributes.namespace ?? 'all namespaces'}`);
    return reply(201, { status: { allowed: attributes.verb !== 'create' } });
  }
  asked.push(
    `${req.method} ${url.pathname}${url.searchParams.has('labelSelector') ? `?labelSelector=${url.searchParams.get('labelSelector')}` : ''}`,
  );
  if (req.method === 'DELETE') return reply(200, {});
  if (url.searchParams.get('labelSelector') === 'kubectl-egress.io/run') return reply(200, list([PROBE_POD]));
  if (url.pathname === '/api/v1/namespaces/shop/pods') return reply(200, list([APP_POD]));
  if (url.pathname === '/api/v1/nodes') return reply(200, list([NODE]));
  if (/^\/apis\/[^/]+\/[^/]+$/.test(url.pathname))
    return reply(404, {
      kind: 'Status',
      reason: 'NotFound',
      message: 'the server could not find the requested resource',
    });
  return reply(200, list([]));
});

/** A kubeconfig whose current context points at the stand-in server, in namespace shop. */
let kubeconfig = '';
beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  kubeconfig = join(dir, 'kubeconfig.json');
  writeFileSync(
    kubeconfig,
    JSON.stringify({
      apiVersion: 'v1',
      kind: 'Config',
      'current-context': 'lab',
      // client-node speaks plain http only with TLS verification off.
      clusters: [
        {
          name: 'lab',
          cluster: {
            server: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
            'insecure-skip-tls-verify': true,
          },
        },
      ],
      users: [{ name: 'lab-user', user: { token: 't' } }],
      contexts: [{ name: 'lab', context: { cluster: 'lab', user: 'lab-user', namespace: 'shop' } }],
    }),
  );
});
beforeEach(() => void (asked = []));
afterAll(() => {
  server.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('verify --cleanup', () => {
  it("deletes the probe pods left in the context's namespace, and reads nothing else", async () => {
    const result = await runPlugin(['verify', '--cleanup', '--kubeconfig', kubeconfig], { env });
    expect(result).toEqual({ code: 0, stdout: 'deleted 1 probe pod\n  shop/egress-probe-0a1b2c-web\n', stderr: '' });
    expect(asked).toEqual([
      'GET /api/v1/namespaces/shop/pods?labelSelector=kubectl-egress.io/run',
      'DELETE /api/v1/namespaces/shop/pods/egress-probe-0a1b2c-web',
    ]);
  });

  it('looks in every namespace with -A', async () => {
    const result = await runPlugin(['verify', '--cleanup', '-A', '--kubeconfig', kubeconfig], { env });
    expect(result.code).toBe(0);
    expect(asked[0]).toBe('GET /api/v1/pods?labelSelector=kubectl-egress.io/run');
  });
});

describe('verify before it creates a probe', () => {
  it("predicts from the cluster it probes, in the context's namespace, and stops when it may not create pods there", async () => {
    const result = await runPlugin(['verify', '--echo', echo, '--kubeconfig', kubeconfig], { env });
    expect(result).toMatchObject({
      code: 4,
      stdout: '',
      stderr: 'error: forbidden: verify needs to create pods in namespace "shop"; see rbac/verify.yaml\n',
    });
    expect(asked).toContain('GET /api/v1/namespaces/shop/pods');
    expect(asked).toContain('may I create pods in shop');
    expect(asked.filter((a) => a.startsWith('POST') || a.startsWith('DELETE'))).toEqual([]);
  });

  it("with -f, predicts from the files without reading the cluster, and probes the --kubeconfig cluster in its context's namespace", async () => {
    const result = await runPlugin(['verify', '-f', example, '--echo', echo, '--kubeconfig', kubeconfig], { env });
    expect(result).toMatchObject({
      code: 4,
      stderr: 'error: forbidden: verify needs to create pods in namespace "shop"; see rbac/verify.yaml\n',
    });
    expect(asked).toEqual(['may I create pods in shop']);
  });
});
