/**
 * Where the values of a flag come from, for shell completion: the command's own lists (-o, --by,
 * in the command table), the shared flags' fixed lists, file names, names in the kubeconfig, and
 * the cluster's namespaces.
 */
import { homedir } from 'node:os';
import { delimiter } from 'node:path';
import { DATAPATH_NAMES } from '../../engine/registry/mechanisms.ts';
import { DESTINATION_CLASSES } from '../../config/destinations.ts';
import type { CommandSpec } from '../command-spec.ts';

/** The flags given so far, by name, with their values: --kubeconfig and --context pick the cluster. */
export type GivenValues = Readonly<Record<string, string>>;

/** `files`: let the shell complete file names. */
export type ValueSource = 'files' | ((given: GivenValues) => Promise<readonly string[]>);

const SHARED_VALUES: Record<string, readonly string[]> = {
  datapath: DATAPATH_NAMES,
  to: Object.keys(DESTINATION_CLASSES),
};

/** Flags that take comma-separated lists: `--datapath calico,ip-masq-agent`. */
export const LIST_FLAGS: ReadonlySet<string> = new Set(['datapath', 'to']);

const FILE_FLAGS = new Set(['filename', 'kubeconfig']);

const KUBECONFIG_NAMES = { context: 'contexts', cluster: 'clusters', user: 'users' } as const;

/**
 * How long completion waits for the API server, in all: the user is waiting at the prompt, and
 * kubectl waits for us. An exec credential plugin that prompts, or a server that does not answer,
 * must cost a short pause, not a hung shell.
 */
export const CLUSTER_TIMEOUT_MS = 3000;

export function valueSource(flag: string, command: CommandSpec | undefined): ValueSource | undefined {
  const fixed = command?.values?.[flag] ?? SHARED_VALUES[flag];
  if (fixed) return async () => fixed;
  if (FILE_FLAGS.has(flag)) return 'files';
  if (flag in KUBECONFIG_NAMES)
    return (given) => kubeconfigNames(KUBECONFIG_NAMES[flag as keyof typeof KUBECONFIG_NAMES], given);
  if (flag === 'namespace') return (given) => withDeadline(liveNamespaces(given), CLUSTER_TIMEOUT_MS, []);
  return undefined;
}

const environment = () => ({ env: process.env, home: homedir(), pathDelimiter: delimiter });

async function kubeconfigNames(kind: 'contexts' | 'clusters' | 'users', given: GivenValues): Promise<string[]> {
  const kubeconfig = await import('../../cluster/kubeconfig.ts');
  return kubeconfig.kubeconfigNames(given, environment())[kind];
}

async function liveNamespaces(given: GivenValues): Promise<string[]> {
  // With -f the objects come from files: no cluster to ask.
  if (given['filename'] !== undefined) return [];
  const { loadKubeconfig } = await import('../../cluster/kubeconfig.ts');
  const { ApiClient } = await import('../../cluster/http.ts');
  const { http2Allowed } = await import('../../cluster/dispatcher.ts');
  const { listAll } = await import('../../cluster/list.ts');
  const { NAMESPACES } = await import('../../cluster/resources.ts');
  const client = new ApiClient(loadKubeconfig(given, environment()), {
    timeoutMs: CLUSTER_TIMEOUT_MS,
    http2: http2Allowed(process.env),
  });
  const namespaces = await listAll(client, NAMESPACES, 'v1', { chunkSize: 500 });
  return namespaces.map((n) => n.metadata.name).sort();
}

/** The work's answer, or the fallback once `ms` have passed without one. */
export function withDeadline<T>(work: Promise<T>, ms: number, fallback: T): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<T>((resolve) => (timer = setTimeout(() => resolve(fallback), ms)));
  return Promise.race([work, deadline]).finally(() => clearTimeout(timer));
}
