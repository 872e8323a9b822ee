/**
 * Legacy kubenet (kubelet --non-masquerade-cidr, removed in 1.24): nothing in the API shows it, so
 * it is assumed only on clusters old enough to run it with no CNI visible (reference §6.3).
 */
import type { KubenetLayer } from '../model/layers/kubenet.ts';
import { NOTHING, type Detection } from './detection.ts';

const KUBENET_DEFAULT_CIDR = '10.0.0.0/8';

const kubenet = (): KubenetLayer => ({
  mechanism: 'kubenet',
  nonMasqueradeCIDR: KUBENET_DEFAULT_CIDR,
  scope: { basis: 'all-nodes' },
});

export const kubenetDetection: Detection = {
  // kubenet left with dockershim in 1.24; before that it is the default when no CNI is visible.
  detect: (i, earlier) => {
    const old = i.nodes.length > 0 && i.nodes.every((n) => /^v1\.(1\d|2[0-3])\./.test(n.kubeletVersion ?? ''));
    if (earlier.length > 0 || !old) return NOTHING;
    i.warnings.push({ code: 'KUBENET_ASSUMED', data: { cidr: KUBENET_DEFAULT_CIDR } });
    return { layers: [kubenet()] };
  },
  force: () => ({ layers: [kubenet()] }),
};
