/**
 * A small JSON client over client-node's authentication (tokens, client certificates, exec
 * plugins, proxy-url) and undici's request: raw wire objects in, so live reads and `-f` files have
 * one form, and one place that turns transport failures into a clear line. Not fetch(): it refuses
 * "bad ports" that Go's client (and so kubectl) connects to.
 */
import type { KubeConfig } from '@kubernetes/client-node';
import { request, type Dispatcher } from 'undici';
import { ClusterError } from '../errors.ts';
import { CredentialSource, type Credentials } from './credentials.ts';
import { createDispatcher, RESPONSE_HEADERS_TIMEOUT_MS } from './dispatcher.ts';
import { describeTransportError, isGoAway, NotTaken } from './transport-errors.ts';
import { ApiStatusError, MAX_RETRIES, retryAfter, statusError, withRetryAfter } from './api-status.ts';
import { decodeList, decodeStatus, isProtobuf, PROTOBUF, readsProtobuf } from './protobuf/core-v1.ts';
import { NotExactError } from './protobuf/wire.ts';

export { ApiStatusError };

/** What `getIfVisible` gives for an object the server will not show (403). */
export const FORBIDDEN = Symbol('forbidden');

/** The object at `path`; undefined where the server has none (404), FORBIDDEN where it will not show it (403). */
export async function getIfVisible<T>(client: ApiClient, path: string): Promise<T | typeof FORBIDDEN | undefined> {
  try {
    return await client.get<T>(path);
  } catch (error) {
    if (error instanceof ApiStatusError && error.status === 404) return undefined;
    if (error instanceof ApiStatusError && error.status === 403) return FORBIDDEN;
    throw error;
  }
}

export interface ApiClientOptions {
  /**
   * --request-timeout in milliseconds, bounding each whole request (its exec plugin included);
   * 0 means kubectl's default: no overall bound, but the connection and the wait for the answer to
   * start are bounded as client-go bounds them (dispatcher.ts).
   */
  timeoutMs: number;
  /** Without --request-timeout, how long a request other than a list waits for the answer to start (tests shorten it). */
  answerStartMs?: number;
  /** Offer HTTP/2 to a TLS server (dispatcher.ts); default yes, no under DISABLE_HTTP2 (http2Allowed). */
  http2?: boolean;
}

/**
 * How long the answer may take to start: kubectl bounds discovery (32 s) but waits for a list as
 * long as the server takes to start it — an unpaged list of a large collection can take that long.
 */
type Wait = 'bounded' | 'list';

type Method = 'GET' | 'POST' | 'DELETE';

/** The items of a list: their apiVersion and kind. */
export interface ListItems {
  apiVersion: string;
  kind: string;
}

/** client-go's Accept for built-in types: protobuf, else JSON (a server or proxy without protobuf answers JSON). */
const PROTOBUF_FIRST = `${PROTOBUF}, application/json`;

interface RequestOptions {
  body?: unknown;
  /** How the answer is read: parsed JSON, the text as it came, or a list of these items in protobuf. */
  as?: 'json' | 'text' | ListItems;
  wait?: Wait;
  accept?: string;
}

export class ApiClient {
  private readonly kc: KubeConfig;
  private readonly options: ApiClientOptions;
  private readonly credentials: CredentialSource;
  /** One connection pool per TLS identity (an exec plugin may rotate the client certificate) and protocol. */
  private dispatcher: { key: string; value: Dispatcher } | undefined;
  /** Offered until the server sends a GOAWAY for a request it did not take (NotTaken). */
  private http2: boolean;
  readonly server: string;

  constructor(kc: KubeConfig, options: ApiClientOptions) {
    this.kc = kc;
    this.options = options;
    this.http2 = options.http2 ?? true;
    this.server = (kc.getCurrentCluster()?.server ?? '').replace(/\/+$/, '');
    this.credentials = new CredentialSource(kc);
  }

  get<T>(path: string, query: Record<string, string | undefined> = {}): Promise<T> {
    return this.request<T>('GET', path, query);
  }

  /** A GET asking for another representation first (aggregated discovery, discovery.ts). */
  getAccepting<T>(path: string, accept: string): Promise<T> {
    return this.request<T>('GET', path, {}, { accept });
  }

  /**
   * A page of a list, which the server may take long to start (see Wait). With `items`, a list
   * protobuf/core-v1.ts reads is asked for in protobuf, as client-go asks for built-in types, and
   * its items carry only the fields the cut keeps (config/snapshot-file.ts readFields), as their
   * JSON would have them. A server that answers JSON is read as JSON; an answer the reader cannot
   * read exactly (a field newer than it, in a part the cut keeps whole) is asked for again in JSON.
   */
  async list<T>(path: string, query: Record<string, string | undefined> = {}, items?: ListItems): Promise<T> {
    if (items && readsProtobuf(items.apiVersion, items.kind)) {
      try {
        return await this.request<T>('GET', path, query, { wait: 'list', as: items, accept: PROTOBUF_FIRST });
      } catch (error) {
        if (!(error instanceof NotExactError)) throw error;
      }
    }
    return this.request<T>('GET', path, query, { wait: 'list' });
  }

  post<T>(path: string, body: unknown): Promise<T> {
    return this.request<T>('POST', path, {}, { body });
  }

  async delete(path: string, query: Record<string, string | undefined> = {}): Promise<void> {
    await this.request<unknown>('DELETE', path, query);
  }

  /** A plain-text body, such as a container log. */
  getText(path: string, query: Record<string, string | undefined> = {}): Promise<string> {
    return this.request<string>('GET', path, query, { as: 'text' });
  }

  private async request<T>(
    method: Method,
    path: string,
    query: Record<string, string | undefined>,
    options: RequestOptions = {},
  ): Promise<T> {
    let replayed = false;
    for (let retry = 0; ; ) {
      try {
        return await this.requestOnce<T>(method, path, query, options);
      } catch (error) {
        if (error instanceof NotTaken) {
          if (replayed)
            throw new ClusterError(describeTransportError(error.cause, this.server, this.options.timeoutMs));
          // Every request from now on, and this one again, over HTTP/1.1.
          this.http2 = false;
          replayed = true;
          continue;
        }
        const seconds = retryAfter(error, method);
        if (seconds === undefined || retry >= MAX_RETRIES) throw error;
        retry++;
        await sleep(seconds * 1000);
      }
    }
  }

  private async requestOnce<T>(
    method: Method,
    path: string,
    query: Record<string, string | undefined>,
    { body, as = 'json', wait = 'bounded', accept = 'application/json' }: RequestOptions,
  ): Promise<T> {
    const url = new URL(this.server + path);
    for (const [key, value] of Object.entries(query)) if (value !== undefined) url.searchParams.set(key, value);
    const { timeoutMs } = this.options;
    // --request-timeout bounds the whole request, the exec plugin and the connection included.
    const signal = timeoutMs > 0 ? AbortSignal.timeout(timeoutMs) : undefined;
    const credentials = await this.credentials.load(signal, timeoutMs);
    const headers: Record<string, string> = { Accept: accept, ...credentials.headers };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    try {
      const sent = request(url, {
        method,
        headers,
        dispatcher: this.dispatcherFor(credentials),
        // 0: no bound of undici's own; the --request-timeout signal still bounds the whole request.
        headersTimeout:
          wait === 'list' || timeoutMs > 0 ? 0 : (this.options.answerStartMs ?? RESPONSE_HEADERS_TIMEOUT_MS),
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        ...(signal ? { signal } : {}),
      });
      const response = await untilAborted(sent, signal);
      const ok = response.statusCode >= 200 && response.statusCode < 300;
      const failed = (error: ApiStatusError) => withRetryAfter(error, response.headers['retry-after']);
      let text: string;
      if (typeof as === 'object') {
        const bytes = Buffer.from(await response.body.arrayBuffer());
        if (isProtobuf(bytes)) {
          if (ok) return decodeList(bytes, as.apiVersion, as.kind) as T;
          const { reason, message } = decodeStatus(bytes);
          throw failed(new ApiStatusError(response.statusCode, reason ?? '', message ?? ''));
        }
        // A server without protobuf answered JSON: read as every other answer.
        text = bytes.toString('utf8');
      } else {
        text = await response.body.text();
      }
      if (ok) return (as === 'text' ? text : this.parsed(text)) as T;
      throw failed(statusError(response.statusCode, text));
    } catch (error) {
      if (error instanceof ApiStatusError || error instanceof ClusterError || error instanceof NotExactError)
        throw error;
      if (isGoAway(error)) throw new NotTaken(error);
      throw new ClusterError(describeTransportError(error, this.server, timeoutMs));
    }
  }

  /** A 2xx answer that is not JSON comes from something that is not an API server (a web page, a login portal). */
  private parsed(text: string): unknown {
    try {
      return JSON.parse(text);
    } catch {
      throw new ClusterError(
        `the server at ${this.server} answered with something that is not JSON (${JSON.stringify(text.trim().slice(0, 40))}…): is this the API server's address?`,
      );
    }
  }

  private dispatcherFor({ tls }: Credentials): Dispatcher {
    const key = `${String(tls.cert ?? '')}\n${String(tls.key ?? '')}\n${this.http2}`;
    if (this.dispatcher?.key !== key) {
      const proxyUrl = this.kc.getCurrentCluster()?.proxyUrl;
      void this.dispatcher?.value.close();
      this.dispatcher = {
        key,
        value: createDispatcher({ tls, http2: this.http2, ...(proxyUrl ? { proxyUrl } : {}) }),
      };
    }
    return this.dispatcher.value;
  }
}

/** undici lets a connection attempt run to its own end after the signal fires; we do not wait for it. */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return promise;
  return new Promise((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
