/**
 * GKE default SNAT: the node start-up `IP-MASQ` chain (RETURN for 169.254.0.0/16 and the 11
 * reserved ranges, then MASQUERADE), IPv4 only (configure-helper.sh `config-ip-firewall`). An agent
 * running with `--masq-chain=IP-MASQ` (GKE's own addon) rewrites that chain, so it then decides.
 */
import type { GkeDefaultSnatLayer } from '../../model/layers/gke-default-snat.ts';
import { byNode, type SnatMechanism } from '../core/mechanism.ts';
import { evaluateExemptions, exemptBlocks } from './exemption-list.ts';
import { gkeDefaultSnatDetection } from '../../config/gke.ts';
import type { CodesOf } from '../../model/reasons.ts';
import type { Findings } from '../core/mechanism.ts';

/** The sentence for each code this mechanism reports (render/messages.ts reads them through the registry). */
const FINDINGS = {
  GKE_DEFAULT_SNAT_DISABLED: () => 'GKE default SNAT is disabled (--no-default-snat)',
  GKE_DEFAULT_SNAT_CHAIN_OWNED_BY_AGENT: (d) =>
    `the ${d['chain']} chain is rewritten by the ip-masq-agent on this node`,
  GKE_DEFAULT_SNAT_ASSUMED: () =>
    'assumes GKE default SNAT is enabled (the API does not show it); pass --no-default-snat if the cluster was created with --disable-default-snat',
} satisfies Findings;

declare module '../../model/reasons.ts' {
  interface MechanismReasonCodes extends CodesOf<typeof FINDINGS> {}
}

export const gkeDefaultSnat: SnatMechanism<GkeDefaultSnatLayer> = {
  id: 'gke-default-snat',
  upstream: 'kubernetes/kubernetes cluster/gce/gci/configure-helper.sh; GKE ip-masquerade-agent concept page',
  describe: (layer) => `gke-default-snat (${layer.enabled ? 'on' : 'off: --no-default-snat'})`,
  stage: 'node-snat',
  findings: FINDINGS,
  detection: gkeDefaultSnatDetection,
  rule: (layer) =>
    byNode(({ destination, layersOnNode }) => {
      const data = { chain: layer.chain };
      if (!layer.enabled) return { outcome: 'not-applicable', finding: { code: 'GKE_DEFAULT_SNAT_DISABLED', data } };
      const owner = layersOnNode.find((l) => l.mechanism === 'ip-masq-agent' && l.chain === layer.chain);
      if (owner?.mechanism === 'ip-masq-agent') {
        return {
          outcome: 'not-applicable',
          finding: { code: 'GKE_DEFAULT_SNAT_CHAIN_OWNED_BY_AGENT', data, source: owner.daemonSet },
        };
      }
      if (destination.range.family === 6)
        return { outcome: 'not-applicable', finding: { code: 'LAYER_IPV4_ONLY', data } };
      const blocks = [
        ...exemptBlocks(['169.254.0.0/16'], 'DST_LINK_LOCAL_NOT_MASQUERADED'),
        ...exemptBlocks(layer.nonMasqueradeCIDRs, 'DST_IN_NON_MASQ_CIDRS'),
      ];
      const verdict = evaluateExemptions(
        destination.range,
        blocks,
        { exempt: 'DST_IN_NON_MASQ_CIDRS', masquerade: 'DST_NOT_IN_NON_MASQ_CIDRS' },
        data,
        undefined,
      );
      // --disable-default-snat is a cluster setting the Kubernetes API does not show (§2.3).
      if (verdict.outcome === 'masquerade') verdict.warnings = [{ code: 'GKE_DEFAULT_SNAT_ASSUMED', data: {} }];
      return verdict;
    }),
};
