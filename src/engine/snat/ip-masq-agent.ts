/**
 * Upstream ip-masq-agent (kubernetes-sigs/ip-masq-agent `syncMasqRules`/`syncMasqRulesIPv6`):
 * RETURN for link-local unless masqLinkLocal(IPv6), RETURN per nonMasqueradeCIDR of the packet's
 * family in list order, then MASQUERADE. IPv6 rules exist only with --enable-ipv6. An invalid
 * config leaves the previous rules in place, which the input cannot show (snat-mechanisms.md §1.5).
 */
import type { IpMasqAgentLayer, MasqRules } from '../../model/datapath.ts';
import type { Family } from '../../model/net.ts';
import type { SnatMechanism } from './mechanism.ts';
import { evaluateExemptions, exemptBlocks, type ExemptBlock } from './exemption-list.ts';

const LINK_LOCAL: Record<Family, string> = { 4: '169.254.0.0/16', 6: 'fe80::/10' };

export const ipMasqAgent: SnatMechanism<IpMasqAgentLayer> = {
  id: 'ip-masq-agent',
  upstream: 'kubernetes-sigs/ip-masq-agent cmd/ip-masq-agent/ip-masq-agent.go',
  evaluate(layer, { destination }) {
    const { family } = destination.range;
    const { config } = layer;
    const layerData = { chain: layer.chain, daemonSet: layer.daemonSet.name };
    if (family === 6 && !layer.enableIPv6) {
      return { outcome: 'not-applicable', finding: { code: 'AGENT_IPV6_DISABLED', data: layerData, source: layer.daemonSet } };
    }
    if (config.status === 'invalid') {
      return { outcome: 'unknown', finding: { code: config.because, data: { ...layerData, detail: config.detail }, source: config.source } };
    }
    const data = { ...layerData, config: config.origin, ...(config.origin === 'defaults' ? { defaultsBecause: config.because } : {}) };
    return evaluateExemptions(destination.range, blocksFor(config.rules, family),
      { exempt: 'DST_IN_NON_MASQ_CIDRS', masquerade: 'DST_NOT_IN_NON_MASQ_CIDRS' }, data, config.source);
  },
};

function blocksFor(rules: MasqRules, family: Family): ExemptBlock[] {
  const masqLinkLocal = family === 4 ? rules.masqLinkLocal : rules.masqLinkLocalIPv6;
  const linkLocal = masqLinkLocal ? [] : exemptBlocks([LINK_LOCAL[family]], 'DST_LINK_LOCAL_NOT_MASQUERADED');
  return [...linkLocal, ...exemptBlocks(rules.nonMasqueradeCIDRs, 'DST_IN_NON_MASQ_CIDRS')];
}
