/**
 * A small JSON client over client-node's authentication (tokens, client certificates, exec
 * plugins, proxy-url): raw wire objects in, so live reads and `-f` files have one form, and one
 * place that turns transport failures into a clear line.
 */
import { HttpMethod, IsomorphicFetchHttpLibrary, RequestContext, type KubeConfig } from '@kubernetes/client-node';
import { ClusterError } from '../errors.ts';
import { describeCredentialError, describeTransportError } from './transport-errors.ts';

/** A non-2xx answer from the API server, with its Status reason. */
export class ApiStatusError extends Error {
  readonly status: number;
  readonly reason: string;

  constructor(status: number, reason: string, message: string) {
    super(message);
    this.status = status;
    this.reason = reason;
  }
}

export interface ApiClientOptions {
  /** --request-timeout in milliseconds; 0 means no timeout (kubectl's default). */
  timeoutMs: number;
}

export class ApiClient {
  private readonly http = new IsomorphicFetchHttpLibrary();
  private readonly kc: KubeConfig;
  private readonly options: ApiClientOptions;
  readonly server: string;

  constructor(kc: KubeConfig, options: ApiClientOptions) {
    this.kc = kc;
    this.options = options;
    this.server = (kc.getCurrentCluster()?.server ?? '').replace(/\/+$/, '');
  }

  get<T>(path: string, query: Record<string, string | undefined> = {}): Promise<T> {
    return this.request<T>(HttpMethod.GET, path, query);
  }

  post<T>(path: string, body: unknown): Promise<T> {
    return this.request<T>(HttpMethod.POST, path, {}, body);
  }

  async delete(path: string, query: Record<string, string | undefined> = {}): Promise<void> {
    await this.request<unknown>(HttpMethod.DELETE, path, query);
  }

  /** A plain-text body, such as a container log. */
  getText(path: string, query: Record<string, string | undefined> = {}): Promise<string> {
    return this.request<string>(HttpMethod.GET, path, query, undefined, 'text');
  }

  private async request<T>(method: HttpMethod, path: string, query: Record<string, string | undefined>, body?: unknown, as: 'json' | 'text' = 'json'): Promise<T> {
    const url = new URL(this.server + path);
    for (const [key, value] of Object.entries(query)) if (value !== undefined) url.searchParams.set(key, value);
    const ctx = new RequestContext(url.toString(), method);
    ctx.setHeaderParam('Accept', 'application/json');
    if (body !== undefined) {
      ctx.setHeaderParam('Content-Type', 'application/json');
      ctx.setBody(JSON.stringify(body));
    }
    if (this.options.timeoutMs > 0) ctx.setSignal(AbortSignal.timeout(this.options.timeoutMs));
    try {
      await this.kc.applySecurityAuthentication(ctx);
    } catch (error) {
      throw new ClusterError(describeCredentialError(error, this.kc));
    }
    try {
      const response = await this.http.send(ctx).toPromise();
      const text = await response.body.text();
      if (response.httpStatusCode >= 200 && response.httpStatusCode < 300) return (as === 'text' ? text : JSON.parse(text)) as T;
      throw statusError(response.httpStatusCode, text);
    } catch (error) {
      if (error instanceof ApiStatusError || error instanceof ClusterError) throw error;
      throw new ClusterError(describeTransportError(error, this.server, this.options.timeoutMs));
    }
  }
}

function statusError(status: number, text: string): ApiStatusError {
  let reason = '';
  let message = text.trim().slice(0, 200);
  try {
    const parsed = JSON.parse(text) as { reason?: string; message?: string };
    reason = parsed.reason ?? '';
    message = parsed.message ?? message;
  } catch {
    // not a Status object: keep the raw text
  }
  return new ApiStatusError(status, reason, message);
}
