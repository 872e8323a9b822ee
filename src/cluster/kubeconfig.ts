/**
 * The kubeconfig, loaded the way kubectl loads it (k8s.io/client-go tools/clientcmd loader.go):
 * KUBECONFIG files merged with the first occurrence of each name winning and the first
 * current-context winning — client-node's own loader throws on duplicates and takes the last
 * file's context (reference/kubectl-plugin-ecosystem.md §5.6) — then --context/--cluster/--user,
 * then in-cluster config, and never client-node's silent fallback to http://localhost:8080.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { KubeConfig, type Cluster, type Context, type User } from '@kubernetes/client-node';
import { ClusterError } from '../errors.ts';
import { applyProxyFromEnvironment } from './proxy.ts';

export interface KubeconfigOptions {
  kubeconfig?: string;
  context?: string;
  cluster?: string;
  user?: string;
}

export interface KubeconfigEnvironment {
  env: NodeJS.ProcessEnv;
  home: string;
  pathDelimiter: string;
  /** Prefix of the service-account files (client-node's loadFromCluster pathPrefix); "" in a pod. */
  inClusterRoot?: string;
}

const IN_CLUSTER_TOKEN = '/var/run/secrets/kubernetes.io/serviceaccount/token';

export function loadKubeconfig(options: KubeconfigOptions, environment: KubeconfigEnvironment): KubeConfig {
  const files = kubeconfigFiles(options, environment);
  const kc = files.length > 0 ? mergeFiles(files) : inClusterConfig(environment);
  applyOverrides(kc, options);
  checkServerURL(kc);
  applyProxyFromEnvironment(kc, environment.env);
  checkProxyURL(kc);
  return kc;
}

/** The context, cluster and user names of the merged kubeconfig files (none when there are no files), for shell completion. */
export function kubeconfigNames(
  options: Pick<KubeconfigOptions, 'kubeconfig'>,
  environment: KubeconfigEnvironment,
): Record<'contexts' | 'clusters' | 'users', string[]> {
  const files = kubeconfigFiles(options, environment);
  const kc = files.length > 0 ? mergeFiles(files) : new KubeConfig();
  const names = (items: { name: string }[]) => items.map((i) => i.name).sort();
  return { contexts: names(kc.getContexts()), clusters: names(kc.getClusters()), users: names(kc.getUsers()) };
}

function kubeconfigFiles(options: KubeconfigOptions, { env, home, pathDelimiter }: KubeconfigEnvironment): string[] {
  if (options.kubeconfig) {
    if (!existsSync(options.kubeconfig))
      throw new ClusterError(`cannot load kubeconfig: ${options.kubeconfig} does not exist`);
    return [options.kubeconfig];
  }
  // Like clientcmd, KUBECONFIG entries that do not exist are skipped.
  if (env['KUBECONFIG']) return env['KUBECONFIG'].split(pathDelimiter).filter((f) => f && existsSync(f));
  const fallback = join(home, '.kube', 'config');
  return existsSync(fallback) ? [fallback] : [];
}

function mergeFiles(files: string[]): KubeConfig {
  const clusters = new Map<string, Cluster>();
  const users = new Map<string, User>();
  const contexts = new Map<string, Context>();
  let currentContext = '';
  for (const file of files) {
    const kc = new KubeConfig();
    try {
      kc.loadFromFile(file);
    } catch (error) {
      // client-node reads fields without checking their types: its TypeErrors say nothing a user can act on.
      const why =
        error instanceof TypeError
          ? 'an entry or field is null or of the wrong type (clusters, users and contexts are lists of maps with a name; server, paths and names are strings)'
          : (error as Error).message.split('\n')[0];
      throw new ClusterError(`cannot load kubeconfig ${file}: ${why}`);
    }
    for (const c of kc.getClusters()) if (!clusters.has(c.name)) clusters.set(c.name, c);
    for (const u of kc.getUsers()) if (!users.has(u.name)) users.set(u.name, u);
    for (const c of kc.getContexts()) if (!contexts.has(c.name)) contexts.set(c.name, c);
    currentContext ||= kc.getCurrentContext() ?? '';
  }
  const merged = new KubeConfig();
  merged.loadFromOptions({
    clusters: [...clusters.values()],
    users: [...users.values()],
    contexts: [...contexts.values()],
    currentContext,
  });
  return merged;
}

/** Like clientcmd's InClusterConfig: only inside a pod (service host set and token mounted). */
function inClusterConfig({ env, inClusterRoot = '' }: KubeconfigEnvironment): KubeConfig {
  if (!env['KUBERNETES_SERVICE_HOST'] || !existsSync(`${inClusterRoot}${IN_CLUSTER_TOKEN}`)) {
    throw new ClusterError(
      'no kubeconfig found: set KUBECONFIG, pass --kubeconfig, or read objects from a file with -f',
    );
  }
  const kc = new KubeConfig();
  kc.loadFromCluster(inClusterRoot);
  return kc;
}

/** --context picks a context; --cluster and --user replace the ones it names, as in kubectl. */
function applyOverrides(kc: KubeConfig, options: KubeconfigOptions): void {
  const name = options.context ?? kc.getCurrentContext();
  if (options.context && !kc.getContextObject(options.context))
    throw new ClusterError(`context "${options.context}" does not exist in the kubeconfig`);
  if (options.cluster && !kc.getCluster(options.cluster))
    throw new ClusterError(`cluster "${options.cluster}" does not exist in the kubeconfig`);
  if (options.user && !kc.getUser(options.user))
    throw new ClusterError(`user "${options.user}" does not exist in the kubeconfig`);
  const context = name ? kc.getContextObject(name) : null;
  if (!context && !(options.cluster && options.user)) {
    throw new ClusterError(
      name
        ? `context "${name}" does not exist in the kubeconfig`
        : 'the kubeconfig has no current-context: pass --context',
    );
  }
  const effective: Context = {
    name: name || 'kubectl-egress',
    cluster: options.cluster ?? context!.cluster,
    user: options.user ?? context!.user,
    ...(context?.namespace ? { namespace: context.namespace } : {}),
  };
  kc.contexts = [...kc.getContexts().filter((c) => c.name !== effective.name), effective];
  kc.setCurrentContext(effective.name);
  if (!kc.getCurrentCluster())
    throw new ClusterError(
      `context "${effective.name}" names cluster "${effective.cluster}", which does not exist in the kubeconfig`,
    );
  if (!kc.getCurrentUser())
    throw new ClusterError(
      `context "${effective.name}" names user "${effective.user}", which does not exist in the kubeconfig`,
    );
}

/** The cluster's server, checked as Go's url.Parse and dialer would: http or https, a port that exists. */
function checkServerURL(kc: KubeConfig): void {
  const cluster = kc.getCurrentCluster();
  const server = (cluster?.server ?? '').replace(/\/+$/, '');
  const where = `the kubeconfig's server URL "${server}" (cluster "${cluster?.name ?? ''}")`;
  const port = /^[a-z][a-z0-9+.-]*:\/\/(?:\[[^\]]*\]|[^/:?#]*):([^/?#]*)/i.exec(server)?.[1];
  if (port !== undefined && port !== '' && !(/^\d+$/.test(port) && Number(port) > 0 && Number(port) <= 65535)) {
    throw new ClusterError(`${where} has an invalid port "${port}" (it must be 1 to 65535)`);
  }
  let url: URL;
  try {
    url = new URL(server);
  } catch {
    throw new ClusterError(`${where} is not a valid URL`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    throw new ClusterError(`${where} must start with https:// or http://`);
}

/** The kubeconfig's proxy-url, or the one HTTPS_PROXY/HTTP_PROXY gave: undici would only say "Invalid URL". */
function checkProxyURL(kc: KubeConfig): void {
  const proxyUrl: unknown = kc.getCurrentCluster()?.proxyUrl;
  if (proxyUrl === undefined || proxyUrl === null || proxyUrl === '') return;
  const valid =
    typeof proxyUrl === 'string' && URL.canParse(proxyUrl) && /^(https?|socks5?):$/.test(new URL(proxyUrl).protocol);
  if (!valid)
    throw new ClusterError(
      `the proxy URL ${JSON.stringify(proxyUrl)} (the kubeconfig's proxy-url, or HTTPS_PROXY/HTTP_PROXY) is not an http://, https:// or socks5:// URL`,
    );
}

/** The namespace kubectl would use: the context's, else "default". */
export function contextNamespace(kc: KubeConfig): string {
  return kc.getContextObject(kc.getCurrentContext())?.namespace || 'default';
}
