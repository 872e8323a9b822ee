/**
 * Legacy kubenet (kubelet --non-masquerade-cidr, removed in 1.24): one rule,
 * `-m addrtype ! --dst-type LOCAL ! -d <cidr> -j MASQUERADE`, none when the CIDR is 0.0.0.0/0
 * (pkg/kubelet/dockershim/network/kubenet/kubenet_linux.go; reference §6.3).
 */
import type { KubenetLayer } from '../../model/layers/kubenet.ts';
import { byNode, type SnatMechanism } from '../core/mechanism.ts';
import { evaluateExemptions, exemptBlocks } from './exemption-list.ts';
import { kubenetDetection } from '../../config/kubenet.ts';
import type { CodesOf } from '../../model/reasons.ts';
import type { Findings } from '../core/mechanism.ts';

/** The sentence for each code this mechanism reports (render/messages.ts reads them through the registry). */
const FINDINGS = {
  KUBENET_ASSUMED: (d) =>
    `no CNI was recognised and the kubelets are older than 1.24: assuming kubenet with --non-masquerade-cidr ${d['cidr']}`,
} satisfies Findings;

declare module '../../model/reasons.ts' {
  interface MechanismReasonCodes extends CodesOf<typeof FINDINGS> {}
}

export const kubenet: SnatMechanism<KubenetLayer> = {
  id: 'kubenet',
  upstream: 'kubernetes/kubernetes pkg/kubelet/dockershim/network/kubenet/kubenet_linux.go (< 1.24)',
  describe: (layer) => `kubenet (--non-masquerade-cidr ${layer.nonMasqueradeCIDR})`,
  stage: 'node-snat',
  findings: FINDINGS,
  detection: kubenetDetection,
  rule: (layer) =>
    byNode(({ destination }) => {
      if (destination.range.family === 6)
        return { outcome: 'not-applicable', finding: { code: 'LAYER_IPV4_ONLY', data: {} } };
      return evaluateExemptions(
        destination.range,
        exemptBlocks([layer.nonMasqueradeCIDR], 'DST_IN_NON_MASQ_CIDRS'),
        { exempt: 'DST_IN_NON_MASQ_CIDRS', masquerade: 'DST_NOT_IN_NON_MASQ_CIDRS' },
        { chain: 'POSTROUTING (kubenet)' },
        undefined,
      );
    }),
};
