/**
 * One clear line for each way talking to the API server fails before an HTTP status arrives:
 * credentials (a missing or failing exec plugin), TLS, refused or unresolvable hosts, timeouts —
 * in words, with the system's code in parentheses where a search for it helps, and never
 * undici's internal codes (UND_ERR_…).
 */
import type { KubeConfig } from '@kubernetes/client-node';
import { ConnectPhaseTimeout, RESPONSE_HEADERS_TIMEOUT_MS } from './dispatcher.ts';

/** What happened, by the code of the error (or of its cause). */
const BY_CODE: Record<string, string> = {
  ECONNREFUSED: 'connection refused: nothing is listening at that address and port (ECONNREFUSED)',
  ECONNRESET: 'the connection was reset by the server or a network device (ECONNRESET)',
  EPIPE: 'the server closed the connection while the request was being sent (EPIPE)',
  UND_ERR_SOCKET: 'the server closed the connection without answering',
  ENOTFOUND: 'host not found (ENOTFOUND)',
  EAI_AGAIN: 'host not found: the name could not be resolved now (EAI_AGAIN)',
  EHOSTUNREACH: 'no route to the host (EHOSTUNREACH)',
  ENETUNREACH: 'the network is unreachable (ENETUNREACH)',
  ETIMEDOUT: 'the connection timed out (ETIMEDOUT)',
  EADDRNOTAVAIL: 'the address is not available on this machine (EADDRNOTAVAIL)',
  UND_ERR_CONNECT_TIMEOUT: 'could not connect in time (connect timeout)',
  UND_ERR_BODY_TIMEOUT: 'the server stopped sending its answer half-way (no data for 300s)',
  UND_ERR_INFO: 'the server sent an invalid HTTP answer',
  UND_ERR_RES_CONTENT_LENGTH_MISMATCH: 'the server sent an answer shorter or longer than it announced',
  HPE_INVALID_CONSTANT: "the server did not answer in HTTP; is the server URL's scheme (https:// or http://) right?",
};

const TLS_CODES: Record<string, string> = {
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'certificate signed by unknown authority',
  SELF_SIGNED_CERT_IN_CHAIN: 'certificate signed by unknown authority',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'certificate signed by unknown authority (self-signed)',
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 'certificate signed by unknown authority',
  UNABLE_TO_GET_ISSUER_CERT: 'certificate signed by unknown authority',
  CERT_HAS_EXPIRED: 'certificate has expired',
  CERT_NOT_YET_VALID: "certificate is not yet valid (is this machine's clock right?)",
  ERR_TLS_CERT_ALTNAME_INVALID: 'certificate is not valid for this host name',
  ERR_SSL_WRONG_VERSION_NUMBER: 'the server did not answer in TLS; is it an http:// server?',
  ERR_SSL_TLSV1_ALERT_UNKNOWN_CA: 'the server does not trust the client certificate',
  ERR_SSL_SSLV3_ALERT_BAD_CERTIFICATE: 'the server rejected the client certificate',
  ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED: 'the server requires a client certificate',
  ERR_OSSL_X509_KEY_VALUES_MISMATCH: 'the client-key does not match the client-certificate',
};

/** Getting credentials failed: an exec plugin missing or failing, an unreadable certificate file. */
export function describeCredentialError(error: unknown, kc: KubeConfig): string {
  const err = error as NodeJS.ErrnoException;
  const exec = kc.getCurrentUser()?.exec as { command?: string; installHint?: string } | undefined;
  if (exec && err.code === 'ENOENT' && err.syscall?.startsWith('spawn')) {
    // kubectl's wording (k8s.io/client-go plugin/pkg/client/auth/exec), with the kubeconfig's installHint.
    const hint = exec.installHint ? ` ${exec.installHint.trim().replace(/\s*\n\s*/g, ' ')}` : '';
    return `exec credential plugin "${exec.command}" not found: it looks like you are trying to use a client-go credential plugin that is not installed.${hint}`;
  }
  if (exec)
    return `exec credential plugin "${exec.command}" failed: ${firstLine(err.message ?? '') || 'it printed nothing'}`;
  return `cannot get credentials for user "${kc.getCurrentUser()?.name ?? ''}": ${firstLine(err.message ?? String(error))}`;
}

type Failure = Error & { code?: string; cause?: unknown };

export function describeTransportError(error: unknown, server: string, timeoutMs: number): string {
  const chain = causes(error);
  if (chain.some((e) => e.name === 'TimeoutError' || e.name === 'AbortError')) {
    return `the API server at ${server} did not answer within ${timeoutMs / 1000}s (--request-timeout)`;
  }
  const phase = chain.find((e): e is ConnectPhaseTimeout => e instanceof ConnectPhaseTimeout);
  if (phase) {
    const what = phase.phase === 'connect' ? 'accept the connection' : 'complete the TLS handshake';
    return `the API server at ${server} did not ${what} within ${phase.timeoutMs / 1000}s (${phase.message})`;
  }
  if (chain.some(isGoAway)) {
    return `the API server at ${server} closed the connection without taking the request, over HTTP/2 and again over HTTP/1.1 (GOAWAY)`;
  }
  if (chain.some((e) => e.code === 'UND_ERR_HEADERS_TIMEOUT')) {
    return `the API server at ${server} accepted the connection but did not answer within ${RESPONSE_HEADERS_TIMEOUT_MS / 1000}s (kubectl's bound; --request-timeout sets another)`;
  }
  for (const e of chain) {
    const code = e.code ?? '';
    if (TLS_CODES[code]) return `TLS error talking to ${server}: ${TLS_CODES[code]} (${code})`;
    if (BY_CODE[code]) return `cannot reach the API server at ${server}: ${BY_CODE[code]}`;
  }
  const last = chain[chain.length - 1]!;
  if (/^ERR_(SSL|OSSL|TLS)_/.test(last.code ?? '')) return `TLS error talking to ${server}: ${firstLine(last.message)}`;
  return `cannot reach the API server at ${server}: ${firstLine(last.message || String(error))}`;
}

/** The error and its causes, outermost first (fetch and proxies wrap the system error). */
function causes(error: unknown): Failure[] {
  const chain: Failure[] = [];
  for (let e: unknown = error; e && chain.length < 5; e = (e as Failure).cause) {
    chain.push(e instanceof Error ? (e as Failure) : Object.assign(new Error(String(e)), {}));
  }
  return chain;
}

function firstLine(text: string): string {
  return text.trim().split('\n')[0] ?? '';
}

/**
 * A request the server did not take: an HTTP/2 GOAWAY (NO_ERROR) above it, which undici had
 * already replayed once on a new connection. The API server sends one after the first request
 * of a client it did not authenticate, or as anonymous, on each HTTP/2 connection (its
 * UnauthenticatedHTTP2DOSMitigation, for CVE-2023-44487: "degrade them to the performance of
 * http1 with keep-alive disabled", k8s.io/apiserver pkg/endpoints/filters/authentication.go), and
 * at random under --goaway-chance. client-go replays such a request on new connections; here it is
 * asked again over HTTP/1.1, where every request in flight has its own connection, so that a 401
 * answers as a 401 and not as the stream that lost the race.
 */
export class NotTaken extends Error {
  constructor(cause: unknown) {
    super('the server did not take the request (HTTP/2 GOAWAY)', { cause });
  }
}

export function isGoAway(error: unknown): boolean {
  return (error as { code?: string } | null)?.code === 'UND_ERR_INFO' && /GOAWAY/.test((error as Error).message);
}
