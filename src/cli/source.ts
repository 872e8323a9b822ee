/**
 * The one way commands reach the cluster (the kubeconfig flags' client) and get their objects
 * (from -f files or that cluster), turned into a snapshot. The cluster code is imported only when
 * it is needed, so file-only runs never load the API client.
 */
import { homedir } from 'node:os';
import { delimiter } from 'node:path';
import type { KubeObject } from '../model/objects.ts';
import type { ReadGap } from '../model/gaps.ts';
import type { Snapshot } from '../model/snapshot.ts';
import { buildSnapshot } from '../engine/snapshot.ts';
import type { ApiClient } from '../cluster/http.ts';
import type { TargetPodPages } from '../cluster/read.ts';
import { ClusterError } from '../errors.ts';
import type { Io } from './io.ts';
import { readObjectFiles } from './input.ts';
import { turn } from './pace.ts';
import type { SelectionOptions, SourceOptions } from './options.ts';

export interface LoadedObjects {
  objects: KubeObject[];
  gaps: ReadGap[];
  /** Every pod of the cluster is among the objects: a live read of all namespaces without -l, or a file that says so. */
  allPods: boolean;
  /** The namespace `-n` defaults to: the context's for the cluster, "default" for files. */
  defaultNamespace: string;
}

export interface LoadedSnapshot {
  snapshot: Snapshot;
  defaultNamespace: string;
}

export interface ClusterConnection {
  client: ApiClient;
  /** The kubeconfig context's namespace. */
  defaultNamespace: string;
}

/** The cluster of the kubeconfig flags, with --request-timeout on each request. */
export async function connectCluster(source: SourceOptions): Promise<ClusterConnection> {
  requireLiveReadRuntime();
  const { loadKubeconfig, contextNamespace } = await import('../cluster/kubeconfig.ts');
  const { ApiClient } = await import('../cluster/http.ts');
  const { http2Allowed } = await import('../cluster/dispatcher.ts');
  const kc = loadKubeconfig(source, { env: process.env, home: homedir(), pathDelimiter: delimiter });
  const client = new ApiClient(kc, { timeoutMs: source.requestTimeoutMs, http2: http2Allowed(process.env) });
  return { client, defaultNamespace: contextNamespace(kc) };
}

/** `cluster`: one already connected (verify's, which it probes), read unless there are -f files. */
export async function loadSnapshot(
  source: SourceOptions,
  selection: SelectionOptions,
  io: Io,
  cluster?: ClusterConnection,
): Promise<LoadedSnapshot> {
  const { objects, gaps, allPods, defaultNamespace } = await loadObjects(source, selection, io, cluster);
  const options = {
    noDefaultSnat: source.noDefaultSnat,
    gaps,
    allPods,
    ...(source.datapath ? { datapath: source.datapath } : {}),
  };
  // Building takes most of a second for 150,000 pods: Ctrl-C is handled before and after it.
  await turn();
  const snapshot = buildSnapshot(objects, options);
  await turn();
  return { snapshot, defaultNamespace };
}

export async function loadObjects(
  source: SourceOptions,
  selection: SelectionOptions,
  io: Io,
  cluster?: ClusterConnection,
  onTargetPods?: TargetPodPages,
): Promise<LoadedObjects> {
  if (source.files.length > 0) return { ...(await readObjectFiles(source.files, io)), defaultNamespace: 'default' };
  const { client, defaultNamespace } = cluster ?? (await connectCluster(source));
  const { readCluster } = await import('../cluster/read.ts');
  const namespace = selection.allNamespaces ? undefined : (selection.namespace ?? defaultNamespace);
  const read = await readCluster(client, {
    chunkSize: source.chunkSize,
    ...(namespace === undefined ? {} : { namespace }),
    ...(selection.selectorText ? { labelSelector: selection.selectorText } : {}),
    ...(selection.pod ? { pod: selection.pod } : {}),
    ...(selection.destinations ? { destinations: selection.destinations } : {}),
    ...(onTargetPods ? { onTargetPods } : {}),
  });
  return { ...read, allPods: namespace === undefined && !selection.selectorText, defaultNamespace };
}

/**
 * @kubernetes/client-node 2.x (through undici 8) crashes on import below Node.js 22.19. The
 * `engines` of package.json asks for more, the Node.js line the project is tested and shipped on;
 * test/cli/node-requirement.test.ts holds this check at or below it.
 */
export const LIVE_READ_NODE = { major: 22, minor: 19 } as const;

function requireLiveReadRuntime(): void {
  const [major = 0, minor = 0] = process.versions.node.split('.').map(Number);
  const { major: needMajor, minor: needMinor } = LIVE_READ_NODE;
  if (major < needMajor || (major === needMajor && minor < needMinor)) {
    throw new ClusterError(
      `reading a live cluster needs Node.js >= ${needMajor}.${needMinor} (this is ${process.version}); run \`npm ci\` in the kubectl-egress checkout, or use -f FILE`,
    );
  }
}
