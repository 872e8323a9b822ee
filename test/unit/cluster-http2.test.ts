/**
 * The client speaks HTTP/2 to a server that takes it, as client-go does with the API server: every
 * request on one connection, a list read as over HTTP/1.1; HTTP/1.1 to a server that does not,
 * and under DISABLE_HTTP2 (any value), as kubectl.
 */
import {
  createSecureServer,
  type Http2SecureServer,
  type Http2ServerRequest,
  type Http2ServerResponse,
} from 'node:http2';
import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { KubeConfig } from '@kubernetes/client-node';
import { afterAll, describe, expect, it } from 'vitest';
import { http2Allowed } from '../../src/cluster/dispatcher.ts';
import { ApiClient } from '../../src/cluster/http.ts';
import { selfSignedCertificate } from '../support/tls-server.ts';

type Answer = (req: Http2ServerRequest, res: Http2ServerResponse) => void;

/** Each request's HTTP version and the connection it came on; answers an empty list. */
interface Seen {
  versions: string[];
  connections: Set<unknown>;
  /** The stream flow-control window the client announced, over HTTP/2. */
  streamWindows: number[];
}

const servers: (Http2SecureServer | HttpsServer)[] = [];
const certificate = selfSignedCertificate();
afterAll(() => {
  for (const server of servers) server.close();
  certificate.remove();
});

/**
 * `oneRequestPerConnection`: as the API server treats a client it did not authenticate over
 * HTTP/2 — it answers the first request of a connection (401 here) and sends a GOAWAY that takes
 * none of the others.
 */
async function serve(
  http2: boolean,
  oneRequestPerConnection = false,
): Promise<{ client: (options?: { http2?: boolean }) => ApiClient; seen: Seen }> {
  const seen: Seen = { versions: [], connections: new Set(), streamWindows: [] };
  const answer: Answer = (req, res) => {
    seen.versions.push(req.httpVersion);
    // Over HTTP/2 each request's socket is a stand-in; its session is the connection.
    seen.connections.add(req.httpVersion === '2.0' ? req.stream.session : req.socket);
    const window = req.httpVersion === '2.0' ? req.stream.session?.remoteSettings.initialWindowSize : undefined;
    if (window !== undefined) seen.streamWindows.push(window);
    if (oneRequestPerConnection) {
      if (req.httpVersion === '2.0') req.stream.session?.goaway(0, req.stream.id);
      res.writeHead(401, { 'content-type': 'application/json' });
      res.end(
        '{"kind":"Status","apiVersion":"v1","status":"Failure","message":"Unauthorized","reason":"Unauthorized","code":401}',
      );
      return;
    }
    res.setHeader('content-type', 'application/json');
    res.end('{"kind":"PodList","metadata":{},"items":[{"metadata":{"name":"p"}}]}');
  };
  const { key, cert } = certificate;
  const server = http2
    ? createSecureServer({ key, cert, allowHTTP1: true }, answer)
    : createHttpsServer({ key, cert }, answer as never);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [
      {
        name: 'lab',
        server: `https://127.0.0.1:${(server.address() as AddressInfo).port}`,
        caData: Buffer.from(cert).toString('base64'),
      },
    ],
    users: [{ name: 'nobody' }],
    contexts: [{ name: 'lab', cluster: 'lab', user: 'nobody' }],
    currentContext: 'lab',
  });
  return { client: (options = {}) => new ApiClient(kc, { timeoutMs: 0, ...options }), seen };
}

const POD = { apiVersion: 'v1', kind: 'Pod' };
const listSideBySide = (client: ApiClient) =>
  Promise.all(
    ['a', 'b', 'c', 'd'].map((ns) => client.list<{ items: unknown[] }>(`/api/v1/namespaces/${ns}/pods`, {}, POD)),
  );

describe('HTTP/2 to the API server', () => {
  it('is spoken to a server that takes it, every request side by side on one connection', async () => {
    const { client, seen } = await serve(true);
    const lists = await listSideBySide(client());
    expect(lists.map((l) => l.items)).toEqual(Array(4).fill([{ metadata: { name: 'p' } }]));
    expect(seen.versions).toEqual(['2.0', '2.0', '2.0', '2.0']);
    expect(seen.connections.size).toBe(1);
  });

  it("announces client-go's stream window, 4 MB, where Node's own is 64 kB", async () => {
    const { client, seen } = await serve(true);
    await listSideBySide(client());
    expect(seen.streamWindows).toEqual(Array(4).fill(4 << 20));
  });

  it('is not spoken when DISABLE_HTTP2 says so: HTTP/1.1, a connection per request in flight', async () => {
    const { client, seen } = await serve(true);
    await listSideBySide(client({ http2: false }));
    expect(seen.versions).toEqual(['1.1', '1.1', '1.1', '1.1']);
    expect(seen.connections.size).toBe(4);
  });

  it('asks again over HTTP/1.1 what the server did not take over HTTP/2, so a 401 reads as a 401', async () => {
    const { client, seen } = await serve(true, true);
    const one = client();
    const answers = await Promise.allSettled(
      ['a', 'b', 'c', 'd'].map((ns) => one.list(`/api/v1/namespaces/${ns}/pods`, {}, POD)),
    );
    expect(answers.map((a) => (a.status === 'rejected' ? (a.reason as { status?: number }).status : 'ok'))).toEqual([
      401, 401, 401, 401,
    ]);
    // Each HTTP/2 connection took one request (undici replays a refused one once itself); the rest came over HTTP/1.1.
    expect(seen.versions.filter((v) => v === '2.0').length).toBeLessThan(4);
    expect(seen.versions.filter((v) => v === '1.1').length).toBeGreaterThan(0);
  });

  it('falls back to HTTP/1.1 with a server that offers only that', async () => {
    const { client, seen } = await serve(false);
    const lists = await listSideBySide(client());
    expect(lists.map((l) => l.items.length)).toEqual([1, 1, 1, 1]);
    expect(seen.versions).toEqual(['1.1', '1.1', '1.1', '1.1']);
  });

  it.each([
    [{}, true],
    [{ DISABLE_HTTP2: '1' }, false],
    [{ DISABLE_HTTP2: 'false' }, false],
    [{ DISABLE_HTTP2: '' }, true],
  ])('DISABLE_HTTP2 in %j allows HTTP/2: %s (any value but empty disables it, as in client-go)', (env, allowed) => {
    expect(http2Allowed(env)).toBe(allowed);
  });
});
