/**
 * The API server's non-2xx answers: their Status reason and message, and whether and when to ask
 * again.
 */
/** A non-2xx answer from the API server, with its Status reason. */
export class ApiStatusError extends Error {
  readonly status: number;
  readonly reason: string;
  /** The Retry-After header's whole seconds, when the answer had one. */
  retryAfterSeconds?: number;

  constructor(status: number, reason: string, message: string) {
    super(message);
    this.status = status;
    this.reason = reason;
  }
}

/**
 * client-go's retries (rest/request.go checkWait, with_retry.go): an answer of 429, or of 500–504 to
 * a GET, that says when to come back (Retry-After, in seconds) is asked again then, up to ten times
 * (maxRetries). The API server answers 429 "storage is (re)initializing", Retry-After 1, to a list
 * its watch cache serves while the cache is still filling, just after it starts.
 */
export const MAX_RETRIES = 10;

export function retryAfter(error: unknown, method: string): number | undefined {
  if (!(error instanceof ApiStatusError) || error.retryAfterSeconds === undefined) return undefined;
  const { status } = error;
  return status === 429 || (method === 'GET' && status >= 500 && status <= 504) ? error.retryAfterSeconds : undefined;
}

export function withRetryAfter(error: ApiStatusError, header: string | string[] | undefined): ApiStatusError {
  const value = Array.isArray(header) ? header[0] : header;
  if (value !== undefined && /^\d+$/.test(value.trim())) error.retryAfterSeconds = Number(value.trim());
  return error;
}

export function statusError(status: number, text: string): ApiStatusError {
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
