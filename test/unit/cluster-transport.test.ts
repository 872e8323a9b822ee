/**
 * Talking to the API server: every transport failure becomes a sentence saying what happened
 * (never undici's UND_ERR_… codes), and connections are bounded the way client-go bounds them —
 * checked here against servers on loopback with shortened bounds.
 */
import { createServer as createHttpServer } from 'node:http';
import { createServer as createTcpServer, type AddressInfo, type Server } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { errors, request } from 'undici';
import {
  ConnectPhaseTimeout,
  createDispatcher,
  DIAL_TIMEOUT_MS,
  RESPONSE_HEADERS_TIMEOUT_MS,
  TLS_HANDSHAKE_TIMEOUT_MS,
} from '../../src/cluster/dispatcher.ts';
import { describeTransportError } from '../../src/cluster/transport-errors.ts';
import { kubeconfigFor } from '../support/plain-http-kubeconfig.ts';
import { ApiClient } from '../../src/cluster/http.ts';
import { ClusterError } from '../../src/errors.ts';
import { selfSignedServer } from '../support/tls-server.ts';

const SERVER = 'https://api.example.com:6443';
const sys = (code: string, message = `${code} something`) => Object.assign(new Error(message), { code });
const wrapped = (cause: Error) => new TypeError('fetch failed', { cause });

describe('transport failures in words', () => {
  it.each([
    [
      'the --request-timeout ran out',
      new DOMException('timed out', 'TimeoutError'),
      5000,
      'the API server at https://api.example.com:6443 did not answer within 5s (--request-timeout)',
    ],
    [
      'TCP did not connect',
      new ConnectPhaseTimeout('connect', 30_000),
      0,
      'the API server at https://api.example.com:6443 did not accept the connection within 30s (connect timeout)',
    ],
    [
      'TLS did not complete',
      wrapped(new ConnectPhaseTimeout('tls', 10_000)),
      0,
      'the API server at https://api.example.com:6443 did not complete the TLS handshake within 10s (TLS handshake timeout)',
    ],
    [
      'no answer after connecting',
      new errors.HeadersTimeoutError(),
      0,
      "the API server at https://api.example.com:6443 accepted the connection but did not answer within 32s (kubectl's bound; --request-timeout sets another)",
    ],
    [
      'a refused connection',
      sys('ECONNREFUSED'),
      0,
      'cannot reach the API server at https://api.example.com:6443: connection refused: nothing is listening at that address and port (ECONNREFUSED)',
    ],
    [
      'a refused connection, wrapped',
      wrapped(sys('ECONNREFUSED')),
      0,
      'cannot reach the API server at https://api.example.com:6443: connection refused: nothing is listening at that address and port (ECONNREFUSED)',
    ],
    [
      'an unknown host',
      sys('ENOTFOUND'),
      0,
      'cannot reach the API server at https://api.example.com:6443: host not found (ENOTFOUND)',
    ],
    [
      'a closed socket',
      new errors.SocketError('other side closed'),
      0,
      'cannot reach the API server at https://api.example.com:6443: the server closed the connection without answering',
    ],
    [
      'a request the server did not take over HTTP/2 or over HTTP/1.1',
      new errors.InformationalError('HTTP/2: "GOAWAY" frame received with code 0'),
      0,
      'the API server at https://api.example.com:6443 closed the connection without taking the request, over HTTP/2 and again over HTTP/1.1 (GOAWAY)',
    ],
    [
      "undici's own connect timeout (through a proxy)",
      new errors.ConnectTimeoutError(),
      0,
      'cannot reach the API server at https://api.example.com:6443: could not connect in time (connect timeout)',
    ],
    [
      'a stalled body',
      new errors.BodyTimeoutError(),
      0,
      'cannot reach the API server at https://api.example.com:6443: the server stopped sending its answer half-way (no data for 300s)',
    ],
    [
      'an unknown CA',
      sys('UNABLE_TO_VERIFY_LEAF_SIGNATURE'),
      0,
      'TLS error talking to https://api.example.com:6443: certificate signed by unknown authority (UNABLE_TO_VERIFY_LEAF_SIGNATURE)',
    ],
    [
      'plain HTTP spoken to by TLS',
      sys('ERR_SSL_WRONG_VERSION_NUMBER'),
      0,
      'TLS error talking to https://api.example.com:6443: the server did not answer in TLS; is it an http:// server? (ERR_SSL_WRONG_VERSION_NUMBER)',
    ],
    [
      'another OpenSSL failure',
      sys('ERR_SSL_UNKNOWN_THING', 'ssl says no\nsecond line'),
      0,
      'TLS error talking to https://api.example.com:6443: ssl says no',
    ],
    [
      'anything else, by its first line',
      new Error('something odd\nat somewhere'),
      0,
      'cannot reach the API server at https://api.example.com:6443: something odd',
    ],
  ])('%s', (_name, error, timeoutMs, expected) => {
    expect(describeTransportError(error, SERVER, timeoutMs)).toBe(expected);
  });

  it("never shows undici's codes", () => {
    for (const error of [
      new errors.HeadersTimeoutError(),
      new errors.ConnectTimeoutError(),
      new errors.BodyTimeoutError(),
      new errors.SocketError('x'),
    ]) {
      expect(describeTransportError(error, SERVER, 0)).not.toMatch(/UND_ERR/);
    }
  });
});

describe('connection bounds', () => {
  const servers: Server[] = [];
  afterAll(() => servers.forEach((s) => s.close()));
  const listen = async (server: Server) => {
    servers.push(server);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    return (server.address() as AddressInfo).port;
  };
  const failure = (promise: Promise<unknown>) =>
    promise.then(
      () => undefined,
      (e: unknown) => e,
    );

  it("are kubectl's by default: 30s to connect, 10s for the TLS handshake, 32s for the answer to start", () => {
    expect([DIAL_TIMEOUT_MS, TLS_HANDSHAKE_TIMEOUT_MS, RESPONSE_HEADERS_TIMEOUT_MS]).toEqual([30_000, 10_000, 32_000]);
  });

  it('gives up on a server that accepts TCP and never starts TLS after the handshake bound', async () => {
    const port = await listen(createTcpServer(() => undefined));
    const dispatcher = createDispatcher({ tls: {} }, { dialMs: 5000, tlsHandshakeMs: 300 });
    const started = Date.now();
    const error = await failure(request(`https://127.0.0.1:${port}/api`, { dispatcher }));
    expect(error).toBeInstanceOf(ConnectPhaseTimeout);
    expect(Date.now() - started).toBeLessThan(3000);
    expect(describeTransportError(error, 'https://x', 0)).toMatch(/did not complete the TLS handshake within/);
    await dispatcher.close();
  });

  it('gives up on a server that completes TLS and never answers after the headers bound', async () => {
    const server = await selfSignedServer(() => undefined);
    servers.push(server.server);
    const dispatcher = createDispatcher({ tls: { ca: server.cert } });
    const error = await failure(request(`https://127.0.0.1:${server.port}/api`, { dispatcher, headersTimeout: 400 }));
    expect((error as { code?: string }).code).toBe('UND_ERR_HEADERS_TIMEOUT');
    await dispatcher.destroy();
  });

  it('speaks TLS with the CA it is given, and plain HTTP to http:// servers', async () => {
    const tls = await selfSignedServer((socket) =>
      socket.end('HTTP/1.1 200 OK\r\ncontent-length: 2\r\nconnection: close\r\n\r\n{}'),
    );
    servers.push(tls.server);
    const dispatcher = createDispatcher({ tls: { ca: tls.cert } });
    expect((await request(`https://127.0.0.1:${tls.port}/api`, { dispatcher })).statusCode).toBe(200);
    const plain = await listen(
      createTcpServer((socket) => socket.end('HTTP/1.1 200 OK\r\ncontent-length: 2\r\nconnection: close\r\n\r\n{}')),
    );
    expect((await request(`http://127.0.0.1:${plain}/api`, { dispatcher })).statusCode).toBe(200);
    await dispatcher.close();
  });

  it('checks each new connection against the CA it was given, though it reads that CA once', async () => {
    const answer = (socket: import('node:net').Socket) =>
      socket.end('HTTP/1.1 200 OK\r\ncontent-length: 2\r\nconnection: close\r\n\r\n{}');
    const [trusted, stranger] = await Promise.all([selfSignedServer(answer), selfSignedServer(answer)]);
    servers.push(trusted.server, stranger.server);
    const dispatcher = createDispatcher({ tls: { ca: trusted.cert } });
    const statuses: number[] = [];
    // connection: close, so each request is a new connection and a new handshake.
    for (let i = 0; i < 3; i++)
      statuses.push((await request(`https://127.0.0.1:${trusted.port}/api`, { dispatcher })).statusCode);
    expect(statuses).toEqual([200, 200, 200]);
    const error = await failure(request(`https://127.0.0.1:${stranger.port}/api`, { dispatcher }));
    expect(describeTransportError(error, 'https://x', 0)).toMatch(/certificate|self-signed|unable to verify/i);
    await dispatcher.destroy();
  });

  it('connects to ports fetch() refuses as "bad ports" (Go\'s client, and so kubectl, has no such list)', async () => {
    const answer = (socket: import('node:net').Socket) =>
      socket.end('HTTP/1.1 200 OK\r\ncontent-length: 2\r\nconnection: close\r\n\r\n{}');
    let port: number | undefined;
    // Ports on the fetch standard's list; the first one free on this machine.
    for (const candidate of [6665, 6666, 6667, 6668, 6669, 6697, 10080, 6566]) {
      const server = createTcpServer(answer);
      const bound = await new Promise<boolean>((r) =>
        server.once('error', () => r(false)).listen(candidate, '127.0.0.1', () => r(true)),
      );
      if (bound) {
        servers.push(server);
        port = candidate;
        break;
      }
    }
    expect(port).toBeDefined();
    const dispatcher = createDispatcher({ tls: {} });
    expect((await request(`http://127.0.0.1:${port}/api`, { dispatcher })).statusCode).toBe(200);
    await dispatcher.close();
  });

  it('reports an invalid client key as an error, not a crash', async () => {
    const tls = await selfSignedServer(() => undefined);
    servers.push(tls.server);
    const dispatcher = createDispatcher({ tls: { ca: tls.cert, cert: tls.cert, key: 'not a key' } });
    const error = await failure(request(`https://127.0.0.1:${tls.port}/api`, { dispatcher }));
    expect(error).toBeInstanceOf(Error);
    expect(describeTransportError(error, 'https://x', 0)).toMatch(
      /^(TLS error talking to|cannot reach the API server at) https:\/\/x: /,
    );
    await dispatcher.destroy();
  });
});

describe('the wait for an answer to start, without --request-timeout', () => {
  const servers: Server[] = [];
  afterAll(() => servers.forEach((s) => s.close()));

  /** An http:// server that answers `{}` after `delayMs`, and the client of a kubeconfig pointing at it. */
  async function slowServer(delayMs: number): Promise<ApiClient> {
    const server = createHttpServer(
      (_request, response) => void setTimeout(() => response.end('{"items":[]}'), delayMs),
    );
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const kc = kubeconfigFor(server);
    return new ApiClient(kc, { timeoutMs: 0, answerStartMs: 200 });
  }

  it('is bounded for a single request, as kubectl bounds discovery', async () => {
    const client = await slowServer(1000);
    await expect(client.get('/api')).rejects.toThrow(ClusterError);
  });

  it('is not bounded for a list, which a server may take long to start, as kubectl waits for it', async () => {
    const client = await slowServer(1000);
    await expect(client.list('/api/v1/pods')).resolves.toEqual({ items: [] });
  });
});

describe('answers that say when to ask again, as client-go retries them', () => {
  const servers: Server[] = [];
  afterAll(() => servers.forEach((s) => s.close()));

  /** A server that answers each request with the next of `answers` (the last one repeating), counting them. */
  async function answering(answers: { status: number; retryAfter?: string }[]) {
    const made: string[] = [];
    const server = createHttpServer((request, response) => {
      const answer = answers[Math.min(made.length, answers.length - 1)]!;
      made.push(request.method ?? '');
      response.statusCode = answer.status;
      if (answer.retryAfter !== undefined) response.setHeader('Retry-After', answer.retryAfter);
      response.end(
        answer.status === 200
          ? '{"items":[]}'
          : '{"kind":"Status","reason":"TooManyRequests","message":"storage is (re)initializing"}',
      );
    });
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return { client: new ApiClient(kubeconfigFor(server), { timeoutMs: 0 }), made };
  }

  it.each([
    ['429 with Retry-After, to a GET', 'GET', 429, '0', 2],
    ['503 with Retry-After, to a GET', 'GET', 503, '0', 2],
    ['429 with Retry-After, to a POST', 'POST', 429, '0', 2],
  ])('asks again after %s', async (_name, method, status, retryAfter, requests) => {
    const { client, made } = await answering([{ status, retryAfter }, { status: 200 }]);
    const answer = method === 'GET' ? client.list('/api/v1/pods') : client.post('/apis/x', {});
    await expect(answer).resolves.toEqual({ items: [] });
    expect(made).toHaveLength(requests);
  });

  it.each([
    ['429 without Retry-After', 'GET', 429, undefined],
    ['a Retry-After that is not whole seconds', 'GET', 429, 'Wed, 21 Oct 2026 07:28:00 GMT'],
    ['503 with Retry-After, to a POST', 'POST', 503, '0'],
    ['403, Retry-After or not', 'GET', 403, '0'],
  ])('gives up at once on %s', async (_name, method, status, retryAfter) => {
    const { client, made } = await answering([{ status, retryAfter }, { status: 200 }]);
    const answer = method === 'GET' ? client.list('/api/v1/pods') : client.post('/apis/x', {});
    await expect(answer).rejects.toMatchObject({ status });
    expect(made).toHaveLength(1);
  });

  it('gives up after ten retries', async () => {
    const { client, made } = await answering([{ status: 429, retryAfter: '0' }]);
    await expect(client.list('/api/v1/pods')).rejects.toMatchObject({ status: 429, reason: 'TooManyRequests' });
    expect(made).toHaveLength(11);
  });
});
