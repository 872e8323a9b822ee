/**
 * What a request carries to prove who we are: headers (token, basic auth, impersonation, an exec
 * plugin's token) and TLS material (CA, client certificate and key, perhaps from the plugin),
 * taken from client-node's own kubeconfig logic so every auth provider it knows keeps working.
 *
 * Two things client-node leaves out. Files the kubeconfig names are checked first, so a missing CA
 * says so (clientcmd's "unable to read certificate-authority …") instead of surfacing as a TLS or
 * credentials failure. And an exec plugin is bounded: client-go runs it with exec.Command and no
 * deadline (plugin/pkg/client/auth/exec), so kubectl waits for it forever; we wait at most
 * --request-timeout when one is given (none otherwise, as kubectl: a plugin may be asking for a
 * second factor), and kill it when the time runs out or the process exits (Ctrl-C).
 */
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { accessSync, constants, readFileSync, statSync } from 'node:fs';
import type { RequestOptions } from 'node:https';
import type { ConnectionOptions } from 'node:tls';
import type { KubeConfig } from '@kubernetes/client-node';
import { ClusterError } from '../errors.ts';
import { describeCredentialError } from './transport-errors.ts';

export interface Credentials {
  headers: Record<string, string>;
  tls: ConnectionOptions;
}

/** The parts of client-node 2.0.1's KubeConfig and ExecAuth that are private in its typings. */
interface KubeConfigInternals {
  applyOptions(options: RequestOptions): Promise<void>;
  authenticators?: { execFn?: typeof spawn }[];
}

/** Runs kubeconfig authentication with exec plugins tracked, so they can be bounded and killed. */
export class CredentialSource {
  private readonly kc: KubeConfig;
  private readonly plugins = new Set<ChildProcess>();
  private pending: Promise<Credentials> | undefined;

  constructor(kc: KubeConfig) {
    this.kc = kc;
    for (const auth of (kc as unknown as KubeConfigInternals).authenticators ?? []) {
      if (typeof auth.execFn === 'function')
        auth.execFn = ((command: string, args: string[] | undefined, options: SpawnOptions) =>
          this.run(command, args, options)) as typeof spawn;
    }
  }

  /**
   * `signal`: --request-timeout's, aborting the wait (and killing the plugin). Concurrent requests
   * share one run, as client-go's Authenticator holds a mutex: one plugin process, not one each.
   */
  async load(signal: AbortSignal | undefined, timeoutMs: number): Promise<Credentials> {
    checkFiles(this.kc);
    this.pending ??= this.apply().finally(() => (this.pending = undefined));
    return signal ? this.bounded(this.pending, signal, timeoutMs) : this.pending;
  }

  private async apply(): Promise<Credentials> {
    const options: RequestOptions = {};
    try {
      await (this.kc as unknown as KubeConfigInternals).applyOptions(options);
    } catch (error) {
      if (error instanceof TypeError && !this.kc.getCurrentUser()?.exec) {
        // Buffer.from on a number or map: client-node does not check the fields' types.
        throw new ClusterError(
          `user "${this.kc.getCurrentUser()?.name ?? ''}" or its cluster has a credential field of the wrong type (certificate and key data, token and paths are strings)`,
        );
      }
      throw new ClusterError(describeCredentialError(error, this.kc));
    }
    return { headers: headersOf(this.kc, options), tls: tlsOf(options) };
  }

  private bounded(pending: Promise<Credentials>, signal: AbortSignal, timeoutMs: number): Promise<Credentials> {
    const command = (this.kc.getCurrentUser()?.exec as { command?: string } | undefined)?.command ?? 'exec';
    const expired = () => {
      for (const plugin of this.plugins) plugin.kill('SIGKILL');
      return new ClusterError(
        `exec credential plugin "${command}" did not finish within ${timeoutMs / 1000}s (--request-timeout)`,
      );
    };
    if (signal.aborted) return Promise.reject(expired());
    return new Promise((resolve, reject) => {
      const onAbort = () => reject(expired());
      signal.addEventListener('abort', onAbort, { once: true });
      pending.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
    });
  }

  /**
   * Runs the plugin as client-go does (plugin/pkg/client/auth/exec refreshCredsLocked): its stderr
   * goes to the user (a login prompt, a URL to open), stdin too when interactive, and
   * KUBERNETES_EXEC_INFO tells it which, with the cluster when provideClusterInfo asks.
   * client-node left stdin an open pipe, on which a plugin that prompts waits forever.
   */
  private run(command: string, args: string[] | undefined, options: SpawnOptions): ChildProcess {
    const exec = (this.kc.getCurrentUser()?.exec ?? {}) as ExecConfig;
    const terminal = process.stdin.isTTY === true;
    if (exec.interactiveMode === 'Always' && !terminal)
      throw new Error('exec plugin cannot support interactive mode: standard input is not a terminal');
    const interactive = exec.interactiveMode !== 'Never' && terminal;
    const info = {
      apiVersion: exec.apiVersion ?? 'client.authentication.k8s.io/v1',
      kind: 'ExecCredential',
      spec: { interactive, ...(exec.provideClusterInfo ? { cluster: clusterInfo(this.kc) } : {}) },
    };
    const env = { ...(options.env ?? process.env), KUBERNETES_EXEC_INFO: JSON.stringify(info) };
    const child = spawn(command, args ?? [], {
      ...options,
      env,
      stdio: [interactive ? 'inherit' : 'ignore', 'pipe', 'pipe'],
    });
    child.stderr?.on('data', (chunk: Buffer) => process.stderr.write(chunk));
    return this.track(child);
  }

  private track(child: ChildProcess): ChildProcess {
    this.plugins.add(child);
    // process.exit (Ctrl-C, SIGTERM, the end of the command) would leave a hanging plugin behind.
    if (this.plugins.size === 1) process.on('exit', this.killAll);
    child.once('close', () => {
      this.plugins.delete(child);
      if (this.plugins.size === 0) process.removeListener('exit', this.killAll);
    });
    return child;
  }

  private readonly killAll = () => {
    for (const plugin of this.plugins) plugin.kill('SIGKILL');
  };
}

interface ExecConfig {
  apiVersion?: string;
  interactiveMode?: string;
  provideClusterInfo?: boolean;
}

/** client.authentication.k8s.io Cluster: what a plugin may need to know about the cluster it authenticates to. */
function clusterInfo(kc: KubeConfig): Record<string, unknown> {
  const cluster = kc.getCurrentCluster();
  if (!cluster) return {};
  const ca = cluster.caData ?? (cluster.caFile ? readFileSync(cluster.caFile).toString('base64') : undefined);
  return {
    server: cluster.server,
    ...(cluster.tlsServerName ? { 'tls-server-name': cluster.tlsServerName } : {}),
    ...(cluster.skipTLSVerify ? { 'insecure-skip-tls-verify': true } : {}),
    ...(ca ? { 'certificate-authority-data': ca } : {}),
    ...(cluster.proxyUrl ? { 'proxy-url': cluster.proxyUrl } : {}),
  };
}

function headersOf(kc: KubeConfig, options: RequestOptions): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [key, value] of Object.entries(options.headers ?? {}))
    if (value !== undefined) headers[key] = String(value);
  const user = kc.getCurrentUser();
  if (user?.username)
    headers['Authorization'] = `Basic ${Buffer.from(`${user.username}:${user.password ?? ''}`).toString('base64')}`;
  // What an HTTP header may carry (RFC 9110 field-value); undici would only say "invalid … header".
  for (const [key, value] of Object.entries(headers)) {
    if (/[^\t\x20-\x7e\x80-\xff]/.test(value))
      throw new ClusterError(
        `the ${key === 'Authorization' ? 'token or password' : key} of user "${user?.name ?? ''}" holds characters an HTTP header cannot carry`,
      );
  }
  return headers;
}

function tlsOf(options: RequestOptions): ConnectionOptions {
  const tls: ConnectionOptions = {};
  if (options.ca) tls.ca = options.ca;
  if (options.cert) tls.cert = options.cert;
  if (options.key) tls.key = options.key;
  if (options.rejectUnauthorized !== undefined) tls.rejectUnauthorized = options.rejectUnauthorized;
  if (options.servername) tls.servername = options.servername;
  return tls;
}

/** clientcmd's wording for a file the kubeconfig names that cannot be read. */
function checkFiles(kc: KubeConfig): void {
  const cluster = kc.getCurrentCluster();
  const user = kc.getCurrentUser();
  const files: [string, string | undefined, string][] = [
    ['certificate-authority', cluster?.caFile, `cluster "${cluster?.name ?? ''}"`],
    ['client-certificate', user?.certFile, `user "${user?.name ?? ''}"`],
    ['client-key', user?.keyFile, `user "${user?.name ?? ''}"`],
  ];
  for (const [field, path, owner] of files) {
    if (!path) continue;
    const problem = unreadable(path);
    if (problem) throw new ClusterError(`unable to read ${field} ${path} for ${owner}: ${problem}`);
  }
}

function unreadable(path: string): string | undefined {
  try {
    accessSync(path, constants.R_OK);
    return statSync(path).isDirectory() ? 'it is a directory' : undefined;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return 'no such file';
    if (code === 'EACCES') return 'permission denied';
    return (error as Error).message;
  }
}
