/**
 * Upstream ip-masq-agent (kubernetes-sigs/ip-masq-agent `syncMasqRules`/`syncMasqRulesIPv6`):
 * RETURN for link-local unless masqLinkLocal(IPv6), RETURN per nonMasqueradeCIDR of the packet's
 * family in list order, then MASQUERADE. IPv6 rules exist only with --enable-ipv6. An invalid
 * config (or one iptables-restore refuses) stops `Run`'s sync before any rule: no rules where the
 * agent never synced a valid config, the last valid ones where it did; the input cannot show which
 * (snat-mechanisms.md §1.5), so the answer is unknown.
 */
import type { AgentConfig, MasqRules } from '../../model/datapath.ts';
import type { IpMasqAgentLayer } from '../../model/layers/ip-masq-agent.ts';
import type { Family, IpRange } from '../../model/net.ts';
import type { ObjectRef } from '../../model/objects.ts';
import { byNode, type LayerVerdict, type SnatMechanism } from '../core/mechanism.ts';
import { evaluateExemptions, exemptBlocks, type ExemptBlock } from './exemption-list.ts';
import { ipMasqAgentDetection } from '../../config/ip-masq-agent.ts';

const LINK_LOCAL: Record<Family, string> = { 4: '169.254.0.0/16', 6: 'fe80::/10' };

export const ipMasqAgent: SnatMechanism<IpMasqAgentLayer> = {
  id: 'ip-masq-agent',
  upstream: 'kubernetes-sigs/ip-masq-agent cmd/ip-masq-agent/ip-masq-agent.go',
  describe: describeAgentLayer,
  stage: 'node-snat',
  findings: {},
  detection: ipMasqAgentDetection,
  rule: (layer) =>
    byNode(({ destination }) =>
      evaluateAgentRules(layer, destination.range, { chain: layer.chain, daemonSet: layer.daemonSet.name }),
    ),
};

/** The datapath header's words for an agent; a ConfigMap the user may not read is not an invalid config. */
export function describeAgentLayer(
  layer: Pick<IpMasqAgentLayer, 'daemonSet' | 'chain' | 'config'> & { mechanism: string },
): string {
  const { config } = layer;
  const state =
    config.status === 'valid'
      ? config.origin
      : config.because === 'AGENT_CONFIGMAP_UNREADABLE'
        ? 'unreadable'
        : 'invalid';
  return `${layer.mechanism} (${layer.daemonSet.namespace}/${layer.daemonSet.name}, chain ${layer.chain}, config ${state})`;
}

/** The rules an ip-masq-agent writes, from its config and --enable-ipv6; shared with Azure's v2 agent. */
export function evaluateAgentRules(
  agent: { config: AgentConfig; enableIPv6: boolean; daemonSet: ObjectRef },
  range: IpRange,
  layerData: Record<string, string>,
): LayerVerdict {
  const { config } = agent;
  if (range.family === 6 && !agent.enableIPv6) {
    return {
      outcome: 'not-applicable',
      finding: { code: 'AGENT_IPV6_DISABLED', data: layerData, source: agent.daemonSet },
    };
  }
  if (config.status === 'invalid') {
    return {
      outcome: 'unknown',
      finding: { code: config.because, data: { ...layerData, detail: config.detail }, source: config.source },
    };
  }
  const data = {
    ...layerData,
    config: config.origin,
    ...(config.origin === 'defaults' ? { defaultsBecause: config.because } : {}),
  };
  return evaluateExemptions(
    range,
    blocksFor(config.rules, range.family),
    { exempt: 'DST_IN_NON_MASQ_CIDRS', masquerade: 'DST_NOT_IN_NON_MASQ_CIDRS' },
    data,
    config.source,
  );
}

function blocksFor(rules: MasqRules, family: Family): ExemptBlock[] {
  const masqLinkLocal = family === 4 ? rules.masqLinkLocal : rules.masqLinkLocalIPv6;
  const linkLocal = masqLinkLocal ? [] : exemptBlocks([LINK_LOCAL[family]], 'DST_LINK_LOCAL_NOT_MASQUERADED');
  return [...linkLocal, ...exemptBlocks(rules.nonMasqueradeCIDRs, 'DST_IN_NON_MASQ_CIDRS')];
}
