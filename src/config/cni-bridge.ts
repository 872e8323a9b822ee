/** The CNI bridge plugin's ipMasq: its config is on the node, not in the API, so only --datapath cni-bridge names it. */
import { NOTHING, type Detection } from './detection.ts';

export const cniBridgeDetection: Detection = {
  detect: () => NOTHING,
  force: () => ({ layers: [{ mechanism: 'cni-bridge', scope: { basis: 'all-nodes' } }] }),
};
