/**
 * The layer that stands for agents that could not be read. Its layer types join the datapath's by
 * declaration merging (below).
 */
import type { NodeScope } from '../datapath.ts';

/**
 * The datapath's agents could not be read (RBAC, or a DaemonSet of an unknown version): any chain could be on the node, so no node-SNAT
 * answer can be given except where none applies (hostNetwork pods, the node's own addresses).
 */
export interface UnreadableDatapathLayer {
  mechanism: 'unreadable-datapath';
  resource: string;
  namespace: string;
  scope: NodeScope;
  /** Set when the list was read but holds a DaemonSet of a version the tool does not read (e.g. apps/v1beta2). */
  unknownVersion?: { daemonSet: string; apiVersion: string };
}

declare module '../datapath.ts' {
  interface SnatLayers {
    'unreadable-datapath': UnreadableDatapathLayer;
  }
}
