/**
 * The connections to the API server, with kubectl's bounds rather than undici's. client-go dials
 * with a 30 s timeout (transport/cache.go), gives the TLS handshake 10 s (apimachinery
 * util/net SetTransportDefaults), and kubectl's first requests, API discovery, carry the discovery
 * client's 32 s timeout (discovery_client.go defaultTimeout) — so kubectl gives up on a server that
 * accepts connections and never answers after 32 s. undici would wait 10 s for TCP and TLS
 * together and 300 s for response headers. With --request-timeout the whole request is bounded by
 * it instead (http.ts). kubectl 1.34 retries discovery five times (160 s against a server that
 * completes TLS and says nothing, 50 s against one that never starts TLS); we give up after the
 * first bound, since a retry of a silent server only repeats the wait.
 */
import { isIP } from 'node:net';
import {
  connect as tlsConnect,
  createSecureContext,
  type ConnectionOptions,
  type SecureContext,
  type TLSSocket,
} from 'node:tls';
import { Agent, buildConnector, ProxyAgent, type Dispatcher } from 'undici';

export const DIAL_TIMEOUT_MS = 30_000;
export const TLS_HANDSHAKE_TIMEOUT_MS = 10_000;
/** When there is no --request-timeout: how long a request waits for the server to start answering. */
export const RESPONSE_HEADERS_TIMEOUT_MS = 32_000;

/** A connection phase that ran out of time; transport-errors.ts words it. */
export class ConnectPhaseTimeout extends Error {
  readonly phase: 'connect' | 'tls';
  readonly timeoutMs: number;

  constructor(phase: 'connect' | 'tls', timeoutMs: number) {
    super(phase === 'connect' ? 'connect timeout' : 'TLS handshake timeout');
    this.name = 'ConnectPhaseTimeout';
    this.phase = phase;
    this.timeoutMs = timeoutMs;
  }
}

export interface ConnectBounds {
  dialMs: number;
  tlsHandshakeMs: number;
}

const KUBECTL_BOUNDS: ConnectBounds = { dialMs: DIAL_TIMEOUT_MS, tlsHandshakeMs: TLS_HANDSHAKE_TIMEOUT_MS };

export interface DispatcherOptions {
  tls: ConnectionOptions;
  proxyUrl?: string;
  /** Offer HTTP/2 in the TLS handshake (default yes; a proxy's tunnel stays HTTP/1.1); see HTTP2_WINDOWS. */
  http2?: boolean;
}

/**
 * HTTP/2 where the server takes it, as client-go speaks it to the API server (k8s.io/apimachinery
 * pkg/util/net/http.go SetTransportDefaults), with the flow-control windows of its HTTP/2 client
 * (golang.org/x/net/http2 transport.go: transportDefaultStreamFlow 4 MB, transportDefaultConnFlow
 * 1 GB) where Node's are 64 kB, which would hold a list of 2,000 Nodes (5.7 MB) to 64 kB a round
 * trip. Every request then shares one connection and one TLS handshake, where HTTP/1.1 opened one
 * per request in flight (14 for explain), and the API server frames a list in DATA frames of 4 kB
 * where over HTTP/1.1 it comes in chunks of at most 2 kB, each a pass through the parser. HTTP/2
 * alone, explain on the benchmark cluster: 0.71 to 0.68 s, 0.82 to 0.76 s of CPU (21 alternating
 * runs).
 */
const HTTP2_WINDOWS = { initialWindowSize: 4 << 20, connectionWindowSize: 1 << 30 };

/** As client-go: any value of DISABLE_HTTP2 keeps to HTTP/1.1 (the same SetTransportDefaults). */
export function http2Allowed(env: Readonly<Record<string, string | undefined>>): boolean {
  return !env['DISABLE_HTTP2'];
}

/**
 * `bounds`: kubectl's, unless a test needs shorter ones. The wait for an answer to start is each
 * request's own (http.ts: bounded for most, not for lists, as kubectl).
 */
export function createDispatcher(
  { tls, proxyUrl, http2 = true }: DispatcherOptions,
  bounds: ConnectBounds = KUBECTL_BOUNDS,
): Dispatcher {
  // Keep-alive probes every 30 s, as client-go's dialer.
  if (proxyUrl)
    return new ProxyAgent({
      uri: proxyUrl,
      requestTls: tls,
      connect: { keepAlive: true, keepAliveInitialDelay: 30_000 },
    });
  return new Agent({ connect: phasedConnector(tls, bounds, http2), ...(http2 ? HTTP2_WINDOWS : {}) });
}

/** TCP within the dial timeout, then (for https) the TLS handshake within its own. */
function phasedConnector(tls: ConnectionOptions, bounds: ConnectBounds, http2: boolean): buildConnector.connector {
  const tcp = buildConnector({ timeout: bounds.dialMs, keepAlive: true, keepAliveInitialDelay: 30_000 });
  // One SecureContext for every connection, where tls.connect would parse the CA, certificate and
  // key again for each (about 0.4 ms apiece; a live command opens some twenty). Made at the first
  // connection, so that PEM it cannot read fails that connection, as tls.connect's own would.
  let secureContext: SecureContext | undefined;
  return (options, callback) => {
    tcp({ ...options, protocol: 'http:' }, (error, socket) => {
      if (error || !socket)
        return callback(
          isUndiciConnectTimeout(error)
            ? new ConnectPhaseTimeout('connect', bounds.dialMs)
            : (error ?? new Error('no socket')),
          null,
        );
      if (options.protocol !== 'https:') return callback(null, socket);
      const host = options.hostname.replace(/^\[|\]$/g, '');
      const servername = tls.servername ?? (isIP(host) ? undefined : host);
      let secure: TLSSocket;
      try {
        secureContext ??= createSecureContext(tls);
        secure = tlsConnect({
          ...tls,
          secureContext,
          socket,
          host,
          ...(servername ? { servername } : {}),
          // undici reads the protocol the server picked and speaks HTTP/2 on `h2`.
          ...(http2 ? { ALPNProtocols: ['h2', 'http/1.1'] } : {}),
        });
      } catch (failure) {
        // A CA, certificate or key that is not valid PEM, or a key that does not match: thrown, not emitted.
        socket.destroy();
        return callback(failure as Error, null);
      }
      let settled = false;
      const settle = (failure: Error | null) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        if (!failure) return callback(null, secure);
        secure.destroy();
        callback(failure, null);
      };
      const timer = setTimeout(
        () => settle(new ConnectPhaseTimeout('tls', bounds.tlsHandshakeMs)),
        bounds.tlsHandshakeMs,
      );
      timer.unref();
      secure.once('error', settle);
      secure.once('secureConnect', () => settle(null));
    });
  };
}

function isUndiciConnectTimeout(error: Error | null): boolean {
  return (error as { code?: string } | null)?.code === 'UND_ERR_CONNECT_TIMEOUT';
}
