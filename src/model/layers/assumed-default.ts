/**
 * The layer assumed when no datapath is recognised. Its layer types join the datapath's by
 * declaration merging (below).
 */
import type { NodeScope } from '../datapath.ts';

export interface AssumedDefaultLayer {
  mechanism: 'assumed-default';
  podCIDRs: string[];
  scope: NodeScope;
}

declare module '../datapath.ts' {
  interface SnatLayers {
    'assumed-default': AssumedDefaultLayer;
  }
}
