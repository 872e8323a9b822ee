/**
 * No datapath recognised: the behaviour most CNIs share (node IP outside the cluster's pod CIDRs,
 * pod IP inside), always reported with a warning that it is an assumption (design §4).
 */
import type { AssumedDefaultLayer } from '../../model/layers/assumed-default.ts';
import { byNode, type SnatMechanism } from '../core/mechanism.ts';
import { evaluateExemptions, exemptBlocks } from './exemption-list.ts';

export const assumedDefault: SnatMechanism<AssumedDefaultLayer> = {
  id: 'assumed-default',
  upstream: 'common CNI behaviour (bridge ipMasq, flannel, kubenet): masquerade outside the pod network',
  describe: () => 'not recognised (assuming masquerade outside the pod network)',
  stage: 'node-snat',
  findings: {},
  rule: (layer) =>
    byNode(({ destination }) => {
      const warnings = [{ code: 'DATAPATH_NOT_RECOGNISED' as const, data: {} }];
      if (layer.podCIDRs.length === 0) {
        return { outcome: 'unknown', finding: { code: 'POD_CIDRS_UNKNOWN', data: {} }, warnings };
      }
      const verdict = evaluateExemptions(
        destination.range,
        exemptBlocks(layer.podCIDRs, 'DST_IN_POD_CIDRS'),
        { exempt: 'DST_IN_POD_CIDRS', masquerade: 'DST_OUTSIDE_POD_CIDRS' },
        {},
        undefined,
      );
      return { ...verdict, warnings };
    }),
};
