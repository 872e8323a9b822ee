/**
 * Objects from -f files or the live cluster, turned into a snapshot. The cluster code is imported
 * only when it is needed, so file-only runs never load the API client.
 */
import type { Snapshot } from '../model/snapshot.ts';
import { ClusterError } from '../errors.ts';
import { buildSnapshot } from '../config/snapshot.ts';
import type { Io } from './io.ts';
import { readObjectFiles } from './input.ts';
import type { SelectionOptions, SourceOptions } from './options.ts';

export interface LoadedSnapshot {
  snapshot: Snapshot;
  /** The namespace `-n` defaults to: the context's for the cluster, "default" for files. */
  defaultNamespace: string;
}

export async function loadSnapshot(source: SourceOptions, selection: SelectionOptions, io: Io): Promise<LoadedSnapshot> {
  const options = { noDefaultSnat: source.noDefaultSnat };
  if (source.files.length > 0) {
    return { snapshot: buildSnapshot(await readObjectFiles(source.files, io), options), defaultNamespace: 'default' };
  }
  requireLiveReadRuntime();
  const { loadKubeconfig, contextNamespace } = await import('../cluster/kubeconfig.ts');
  const { readCluster } = await import('../cluster/read.ts');
  const kc = loadKubeconfig(source);
  const defaultNamespace = contextNamespace(kc);
  const namespace = selection.allNamespaces ? undefined : (selection.namespace ?? defaultNamespace);
  const scope = namespace === undefined ? {} : { namespace };
  const objects = await readCluster(kc, selection.selectorText ? { ...scope, labelSelector: selection.selectorText } : scope);
  return { snapshot: buildSnapshot(objects, options), defaultNamespace };
}

/** @kubernetes/client-node 2.x (through undici 8) crashes on import below Node.js 22.19. */
function requireLiveReadRuntime(): void {
  const [major = 0, minor = 0] = process.versions.node.split('.').map(Number);
  if (major < 22 || (major === 22 && minor < 19)) {
    throw new ClusterError(`reading a live cluster needs Node.js >= 22.19 (this is ${process.version}); run \`npm ci\` in the kubectl-egress checkout, or use -f FILE`);
  }
}
