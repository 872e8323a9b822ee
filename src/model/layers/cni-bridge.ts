/**
 * The CNI bridge plugin's ipMasq. Its layer types join the datapath's by declaration merging
 * (below).
 */
import type { NodeScope } from '../datapath.ts';

/** The CNI bridge plugin's own ipMasq (only from --datapath cni-bridge: the CNI config is not in the API). */
export interface CniBridgeLayer {
  mechanism: 'cni-bridge';
  scope: NodeScope;
}

declare module '../datapath.ts' {
  interface SnatLayers {
    'cni-bridge': CniBridgeLayer;
  }
}
