/**
 * Objects from -f files or the live cluster, turned into a snapshot. The cluster code is imported
 * only when it is needed, so file-only runs never load the API client.
 */
import { homedir } from 'node:os';
import { delimiter } from 'node:path';
import type { KubeObject } from '../model/objects.ts';
import type { ReadGap } from '../model/gaps.ts';
import type { Snapshot } from '../model/snapshot.ts';
import { buildSnapshot } from '../engine/snapshot.ts';
import { ClusterError } from '../errors.ts';
import type { Io } from './io.ts';
import { readObjectFiles } from './input.ts';
import type { SelectionOptions, SourceOptions } from './options.ts';

export interface LoadedObjects {
  objects: KubeObject[];
  gaps: ReadGap[];
  /** The namespace `-n` defaults to: the context's for the cluster, "default" for files. */
  defaultNamespace: string;
}

export interface LoadedSnapshot {
  snapshot: Snapshot;
  defaultNamespace: string;
}

export async function loadSnapshot(source: SourceOptions, selection: SelectionOptions, io: Io): Promise<LoadedSnapshot> {
  const { objects, gaps, defaultNamespace } = await loadObjects(source, selection, io);
  const options = { noDefaultSnat: source.noDefaultSnat, gaps, ...(source.datapath ? { datapath: source.datapath } : {}) };
  return { snapshot: buildSnapshot(objects, options), defaultNamespace };
}

export async function loadObjects(source: SourceOptions, selection: SelectionOptions, io: Io): Promise<LoadedObjects> {
  if (source.files.length > 0) return { ...(await readObjectFiles(source.files, io)), defaultNamespace: 'default' };
  requireLiveReadRuntime();
  const { loadKubeconfig, contextNamespace } = await import('../cluster/kubeconfig.ts');
  const { ApiClient } = await import('../cluster/http.ts');
  const { readCluster } = await import('../cluster/read.ts');
  const kc = loadKubeconfig(source, { env: process.env, home: homedir(), pathDelimiter: delimiter });
  const defaultNamespace = contextNamespace(kc);
  const namespace = selection.allNamespaces ? undefined : (selection.namespace ?? defaultNamespace);
  const client = new ApiClient(kc, { timeoutMs: source.requestTimeoutMs });
  const read = await readCluster(client, {
    chunkSize: source.chunkSize,
    ...(namespace === undefined ? {} : { namespace }),
    ...(selection.selectorText ? { labelSelector: selection.selectorText } : {}),
  });
  return { ...read, defaultNamespace };
}

/** @kubernetes/client-node 2.x (through undici 8) crashes on import below Node.js 22.19. */
function requireLiveReadRuntime(): void {
  const [major = 0, minor = 0] = process.versions.node.split('.').map(Number);
  if (major < 22 || (major === 22 && minor < 19)) {
    throw new ClusterError(`reading a live cluster needs Node.js >= 22.19 (this is ${process.version}); run \`npm ci\` in the kubectl-egress checkout, or use -f FILE`);
  }
}
