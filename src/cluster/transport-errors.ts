/**
 * One clear line for each way talking to the API server fails before an HTTP status arrives:
 * a missing exec credential plugin (with kubectl's hint), TLS, refused or unresolvable hosts, timeouts.
 */
import type { KubeConfig } from '@kubernetes/client-node';

const TLS_CODES: Record<string, string> = {
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'certificate signed by unknown authority',
  SELF_SIGNED_CERT_IN_CHAIN: 'certificate signed by unknown authority',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'certificate signed by unknown authority (self-signed)',
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 'certificate signed by unknown authority',
  CERT_HAS_EXPIRED: 'certificate has expired',
  ERR_TLS_CERT_ALTNAME_INVALID: 'certificate is not valid for this host name',
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
  if (exec) return `exec credential plugin "${exec.command}" failed: ${firstLine(err.message ?? '') || 'it printed nothing'}`;
  return `cannot get credentials for user "${kc.getCurrentUser()?.name ?? ''}": ${firstLine(err.message ?? String(error))}`;
}

export function describeTransportError(error: unknown, server: string, timeoutMs: number): string {
  const err = error as NodeJS.ErrnoException & { cause?: NodeJS.ErrnoException & { cause?: NodeJS.ErrnoException } };
  if (err.name === 'TimeoutError' || err.name === 'AbortError' || err.cause?.name === 'TimeoutError') {
    return `the API server at ${server} did not answer within ${timeoutMs / 1000}s (--request-timeout)`;
  }
  const cause = err.cause?.cause ?? err.cause ?? err;
  const code = cause.code ?? '';
  if (TLS_CODES[code]) return `TLS error talking to ${server}: ${TLS_CODES[code]} (${code})`;
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return `cannot reach the API server at ${server}: host not found (${code})`;
  if (code) return `cannot reach the API server at ${server}: ${code}`;
  return `cannot reach the API server at ${server}: ${firstLine(cause.message ?? String(error))}`;
}

function firstLine(text: string): string {
  return text.trim().split('\n')[0] ?? '';
}
