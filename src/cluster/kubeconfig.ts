/**
 * Loading the kubeconfig the way kubectl would for the flags this release supports, without
 * client-node's silent fallback to http://localhost:8080 (reference/kubectl-plugin-ecosystem.md §5.2).
 */
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { ClusterError } from '../errors.ts';

export interface KubeconfigOptions {
  kubeconfig?: string;
  context?: string;
}

const IN_CLUSTER_TOKEN = '/var/run/secrets/kubernetes.io/serviceaccount/token';

export function loadKubeconfig(options: KubeconfigOptions): KubeConfig {
  const kc = new KubeConfig();
  try {
    if (options.kubeconfig) kc.loadFromFile(options.kubeconfig);
    else if (process.env['KUBECONFIG']) kc.loadFromDefault(undefined, true);
    else if (existsSync(join(homedir(), '.kube', 'config'))) kc.loadFromFile(join(homedir(), '.kube', 'config'));
    else if (existsSync(IN_CLUSTER_TOKEN)) kc.loadFromCluster();
    else throw new ClusterError('no kubeconfig found: set KUBECONFIG, pass --kubeconfig, or read objects from a file with -f');
  } catch (error) {
    if (error instanceof ClusterError) throw error;
    throw new ClusterError(`cannot load kubeconfig: ${(error as Error).message}`);
  }
  if (options.context) {
    if (!kc.getContextObject(options.context)) throw new ClusterError(`context "${options.context}" does not exist in the kubeconfig`);
    kc.setCurrentContext(options.context);
  }
  if (!kc.getCurrentCluster()) {
    throw new ClusterError('the kubeconfig has no current context with a cluster: pass --context or set current-context');
  }
  return kc;
}

/** The namespace kubectl would use: the context's, else "default". */
export function contextNamespace(kc: KubeConfig): string {
  return kc.getContextObject(kc.getCurrentContext())?.namespace || 'default';
}
