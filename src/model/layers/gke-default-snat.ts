/**
 * GKE's default SNAT chain, written by the node start-up script. Its layer types join the
 * datapath's by declaration merging (below).
 */
import type { NodeScope } from '../datapath.ts';

export interface GkeDefaultSnatLayer {
  mechanism: 'gke-default-snat';
  chain: string;
  /** false when the cluster was created with --disable-default-snat (flag --no-default-snat). */
  enabled: boolean;
  nonMasqueradeCIDRs: string[];
  scope: NodeScope;
}

declare module '../datapath.ts' {
  interface SnatLayers {
    'gke-default-snat': GkeDefaultSnatLayer;
  }
}
