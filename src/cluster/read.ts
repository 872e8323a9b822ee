/**
 * The live read: Nodes, Pods, Namespaces, and the ConfigMaps and DaemonSets of kube-system where
 * the datapath agents live, turned into the raw object form `-f` files have.
 * Any refusal or failure stops the read with one clear line; partial views come with issue 3's RBAC work.
 */
import { AppsV1Api, CoreV1Api, type KubeConfig } from '@kubernetes/client-node';
import type { KubeObject } from '../model/objects.ts';
import { ClusterError } from '../errors.ts';

export interface ReadScope {
  /** undefined means all namespaces. */
  namespace?: string;
  labelSelector?: string;
}

const DATAPATH_NAMESPACE = 'kube-system';
const PAGE = 500;

interface Page {
  items: unknown[];
  metadata?: { _continue?: string };
}

export async function readCluster(kc: KubeConfig, scope: ReadScope): Promise<KubeObject[]> {
  const core = kc.makeApiClient(CoreV1Api);
  const apps = kc.makeApiClient(AppsV1Api);
  const server = kc.getCurrentCluster()?.server ?? '';
  const lists = await Promise.all([
    listAll('v1', 'Node', 'nodes', (c) => core.listNode({ limit: PAGE, _continue: c }), server),
    listAll('v1', 'Namespace', 'namespaces', (c) => core.listNamespace({ limit: PAGE, _continue: c }), server),
    listAll('v1', 'Pod', 'pods', (c) => scope.namespace === undefined
      ? core.listPodForAllNamespaces({ limit: PAGE, _continue: c, labelSelector: scope.labelSelector })
      : core.listNamespacedPod({ namespace: scope.namespace, limit: PAGE, _continue: c, labelSelector: scope.labelSelector }), server),
    // The agents' own pods tell which nodes they run on, whatever namespace the user asked about.
    listAll('v1', 'Pod', `pods in ${DATAPATH_NAMESPACE}`, (c) => core.listNamespacedPod({ namespace: DATAPATH_NAMESPACE, limit: PAGE, _continue: c }), server),
    listAll('v1', 'ConfigMap', `configmaps in ${DATAPATH_NAMESPACE}`, (c) => core.listNamespacedConfigMap({ namespace: DATAPATH_NAMESPACE, limit: PAGE, _continue: c }), server),
    listAll('apps/v1', 'DaemonSet', `daemonsets in ${DATAPATH_NAMESPACE}`, (c) => apps.listNamespacedDaemonSet({ namespace: DATAPATH_NAMESPACE, limit: PAGE, _continue: c }), server),
  ]);
  return lists.flat();
}

async function listAll(
  apiVersion: string,
  kind: string,
  what: string,
  list: (continueToken: string | undefined) => Promise<Page>,
  server: string,
): Promise<KubeObject[]> {
  const objects: KubeObject[] = [];
  let token: string | undefined;
  do {
    let page: Page;
    try {
      page = await list(token);
    } catch (error) {
      throw new ClusterError(describeFailure(error, what, server));
    }
    // Typed client-node models serialise to the wire form for every field we read; list items lack kind.
    for (const item of page.items) objects.push({ ...(JSON.parse(JSON.stringify(item)) as KubeObject), apiVersion, kind });
    token = page.metadata?._continue || undefined;
  } while (token);
  return objects;
}

function describeFailure(error: unknown, what: string, server: string): string {
  const status = (error as { code?: number }).code;
  if (status === 401) return `the API server at ${server} rejected the credentials (401 Unauthorized) while listing ${what}`;
  if (status === 403) return `forbidden: cannot list ${what} (403); see the README for the ClusterRole kubectl egress needs`;
  if (typeof status === 'number') return `listing ${what} failed with HTTP ${status}`;
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  const detail = cause?.code ?? cause?.message ?? (error as Error).message;
  return `cannot reach the API server at ${server}: ${detail}`;
}
