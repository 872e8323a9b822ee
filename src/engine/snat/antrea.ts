/**
 * Antrea's node SNAT (antrea-io/antrea pkg/agent/route/route_linux.go, ANTREA-POSTROUTING):
 * `-s <node pod CIDR> -m set ! --match-set ANTREA-POD-IP dst ! -o antrea-gw0 -j MASQUERADE`, not
 * written with noSNAT (noEncap only; networkPolicyOnly leaves SNAT to the primary CNI and adds no
 * layer). ANTREA-POD-IP holds every node's pod CIDR. In noEncap and hybrid modes, with multicast
 * enabled, a RETURN for multicast comes first.
 */
import type { AntreaLayer } from '../../model/layers/antrea.ts';
import type { Snapshot } from '../../model/snapshot.ts';
import { cidr, coverage, parseCidr, singleAddress } from '../../net/ip.ts';
import { antreaDetection } from '../../config/antrea-egress.ts';
import { gapData } from '../../config/gaps.ts';
import type { CodesOf } from '../../model/reasons.ts';
import { derivation } from '../core/context.ts';
import { byPod, type Findings, type LayerVerdict, type SnatMechanism } from '../core/mechanism.ts';
import { evaluateExemptions, exemptBlocks } from './exemption-list.ts';

const MULTICAST = cidr('224.0.0.0/4');

/** The sentence for each code this mechanism reports (render/messages.ts reads them through the registry). */
const FINDINGS = {
  ANTREA_MASQUERADE: (d) =>
    `Antrea masquerades pod traffic to destinations outside every node's pod CIDR (${d['cidrs'] || 'none read'})`,
  ANTREA_DST_IN_POD_CIDRS: (d) =>
    `the destination is in the pod CIDR ${d['cidr']} (ipset ANTREA-POD-IP): not masqueraded`,
  ANTREA_NO_SNAT: () => 'antrea-agent.conf sets noSNAT (noEncap mode): pod traffic keeps the pod IP',
  ANTREA_SOURCE_OUTSIDE_POD_CIDR: (d) =>
    `the source ${d['sourceIP']} is outside node ${d['node']}'s pod CIDR, which Antrea's masquerade rule matches`,
  ANTREA_NODE_POD_CIDR_UNKNOWN: (d) =>
    `node ${d['node']} shows no ${d['family']} pod CIDR, which Antrea's masquerade rule matches the source against`,
  ANTREA_DST_MULTICAST: (d) =>
    `multicast is enabled in antrea-agent.conf and the mode is ${d['mode']}: Antrea does not masquerade multicast`,
  ANTREA_AGENT_REFUSES_CONFIG: (d) =>
    `antrea-agent exits on its config (${d['detail']}), so its rules are unknown; fix antrea-agent.conf to decide`,
  ANTREA_WINDOWS_UNMODELLED: (d) =>
    `node ${d['node']} runs Antrea's Windows agent, which SNATs in OVS; this tool does not model it`,
  ANTREA_NETWORK_POLICY_ONLY: () =>
    'Antrea runs in networkPolicyOnly mode: it performs no SNAT and leaves it to the primary CNI',
} satisfies Findings;

declare module '../../model/reasons.ts' {
  interface MechanismReasonCodes extends CodesOf<typeof FINDINGS> {}
}

export const antrea: SnatMechanism<AntreaLayer> = {
  id: 'antrea',
  upstream: 'antrea-io/antrea pkg/agent/route/route_linux.go (ANTREA-POSTROUTING), cmd/antrea-agent/options.go',
  describe: ({ config, windows }) =>
    `antrea${windows ? ' windows' : ''} (${config.trafficEncapMode}${config.noSNAT ? ', noSNAT' : ''})`,
  stage: 'node-snat',
  findings: FINDINGS,
  detection: antreaDetection,
  // The rule matches the packet's source against the node's own pod CIDR.
  rule: (layer) =>
    byPod(({ ctx, node, destination, sourceIP }): LayerVerdict => {
      const { config } = layer;
      const source = config.source;
      if (layer.windows)
        return {
          outcome: 'unknown',
          finding: { code: 'ANTREA_WINDOWS_UNMODELLED', data: { node: node.name }, source: layer.daemonSet },
        };
      if (layer.unreadConfig)
        return {
          outcome: 'unknown',
          finding: { code: 'ANTREA_CONFIG_UNREADABLE', data: gapData(layer.unreadConfig), source },
        };
      if (config.agentRefuses)
        return {
          outcome: 'unknown',
          finding: { code: 'ANTREA_AGENT_REFUSES_CONFIG', data: { detail: config.agentRefuses }, source },
        };
      if (config.noSNAT) return { outcome: 'exempt', finding: { code: 'ANTREA_NO_SNAT', data: {}, source } };
      const { range } = destination;
      const podCIDR = node.podCIDRs.map((c) => parseCidr(c)?.cidr).find((c) => c?.family === range.family);
      if (!podCIDR)
        return {
          outcome: 'unknown',
          finding: {
            code: 'ANTREA_NODE_POD_CIDR_UNKNOWN',
            data: { node: node.name, family: `IPv${range.family}` },
            source: { kind: 'Node', name: node.name },
          },
        };
      const address = singleAddress(sourceIP);
      if (address && coverage(address, [podCIDR]) !== 'all') {
        return {
          outcome: 'not-applicable',
          finding: { code: 'ANTREA_SOURCE_OUTSIDE_POD_CIDR', data: { sourceIP, node: node.name } },
        };
      }
      const cidrs = ctx.of(allPodCIDRs, ctx.snapshot);
      const verdict = evaluateExemptions(
        range,
        exemptBlocks(cidrs, 'ANTREA_DST_IN_POD_CIDRS'),
        { exempt: 'ANTREA_DST_IN_POD_CIDRS', masquerade: 'ANTREA_MASQUERADE' },
        {},
        source,
      );
      if (
        verdict.outcome !== 'masquerade' ||
        range.family !== 4 ||
        !config.multicast ||
        config.trafficEncapMode === 'encap'
      )
        return verdict;
      const multicast = coverage(range, [MULTICAST]);
      if (multicast === 'all')
        return {
          outcome: 'exempt',
          finding: { code: 'ANTREA_DST_MULTICAST', data: { mode: config.trafficEncapMode }, source },
        };
      return multicast === 'some'
        ? {
            outcome: 'unknown',
            finding: { code: 'DST_RANGE_PARTIALLY_EXEMPT', data: { cidrs: '224.0.0.0/4' }, source },
          }
        : verdict;
    }),
};

/** ANTREA-POD-IP: the agent adds every node's pod CIDR (NodeRouteController). */
const allPodCIDRs = derivation((snapshot: Snapshot): string[] =>
  [...new Set(snapshot.nodes.flatMap((n) => n.podCIDRs))].sort(),
);
