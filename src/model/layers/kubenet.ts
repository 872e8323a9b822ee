/** Legacy kubenet. Its layer types join the datapath's by declaration merging (below). */
import type { NodeScope } from '../datapath.ts';

/** Legacy kubenet (< 1.24): `! -d <--non-masquerade-cidr> -j MASQUERADE` (§6.3). */
export interface KubenetLayer {
  mechanism: 'kubenet';
  nonMasqueradeCIDR: string;
  scope: NodeScope;
}

declare module '../datapath.ts' {
  interface SnatLayers {
    kubenet: KubenetLayer;
  }
}
