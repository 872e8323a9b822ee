/**
 * Calico natOutgoing (projectcalico/calico felix/rules/nat.go, felix/dataplane/linux/masq_mgr.go):
 * `-m set --match-set masq-ipam-pools src -m set ! --match-set all-ipam-pools dst -j MASQUERADE`
 * (or SNAT to natOutgoingAddress). Every pool counts as a destination, disabled ones included;
 * host IPs only with natOutgoingExclusions IPPoolsAndHostIPs (reference/snat-mechanisms.md §5).
 */
import type { CalicoLayer, CalicoPool } from '../../model/layers/calico.ts';
import type { IpRange } from '../../model/net.ts';
import type { Snapshot } from '../../model/snapshot.ts';
import { addressRanges, cidrBlocks, coverage, parseCidr, parseIp, singleAddress } from '../../net/ip.ts';
import { derivation } from '../core/context.ts';
import { byPod, type LayerVerdict, type SnatMechanism } from '../core/mechanism.ts';
import { calicoDetection } from '../../config/calico.ts';
import { gapData } from '../../config/gaps.ts';
import type { CodesOf } from '../../model/reasons.ts';
import type { Findings } from '../core/mechanism.ts';

/** The sentence for each code this mechanism reports (render/messages.ts reads them through the registry). */
const FINDINGS = {
  CALICO_POD_IP_NOT_IN_POOL: (d) =>
    `the pod IP ${d['podIP']} is in no Calico IP pool, so natOutgoing does not apply (policy-only Calico)`,
  CALICO_POOL_CIDR_INVALID: (d) =>
    `IP pool ${d['pool']} has cidr ${JSON.stringify(d['cidr'])}, which is not a CIDR: whether it holds the pod's address or the destination is unknown`,
  CALICO_NAT_OUTGOING_ADDRESS_UNUSABLE: (d) =>
    `pool ${d['pool']} has natOutgoing, and FelixConfiguration natOutgoingAddress ${JSON.stringify(d['natOutgoingAddress'])} is not an ${d['family']} address: what Felix SNATs this traffic to is unknown`,
  CALICO_POOLS_UNKNOWN: () => 'calico-node runs but no IPPool was read, so which pods Calico NATs is unknown',
  CALICO_POOL_NAT_OUTGOING_OFF: (d) => `the pod's IP pool ${d['pool']} has natOutgoing false`,
  CALICO_DST_IN_IP_POOL: () => 'the destination is inside a Calico IP pool (disabled pools count too): not NATed',
  CALICO_DST_HOST_IP_EXCLUDED: () =>
    'the destination is a node address and natOutgoingExclusions is IPPoolsAndHostIPs: not NATed',
  CALICO_NAT_OUTGOING: (d) =>
    d['natOutgoingAddress']
      ? `pool ${d['pool']} has natOutgoing: SNATed to FelixConfiguration natOutgoingAddress ${d['natOutgoingAddress']}`
      : `pool ${d['pool']} has natOutgoing and the destination is outside every pool (host IPs included): masqueraded`,
} satisfies Findings;

declare module '../../model/reasons.ts' {
  interface MechanismReasonCodes extends CodesOf<typeof FINDINGS> {}
}

export const calico: SnatMechanism<CalicoLayer> = {
  id: 'calico',
  upstream: 'projectcalico/calico felix/rules/nat.go, felix/dataplane/linux/masq_mgr.go',
  describe: (layer) => `calico (${layer.pools.length} IP pool${layer.pools.length === 1 ? '' : 's'})`,
  stage: 'node-snat',
  findings: FINDINGS,
  detection: calicoDetection,
  // natOutgoing belongs to the pool of the pod's own address.
  rule: (layer) =>
    byPod((packet) => {
      const felix = layer.perNode[packet.node.name] ?? layer.felix;
      const pool = poolOf(layer.pools, packet.sourceIP);
      const say = (
        outcome: LayerVerdict['outcome'],
        code: LayerVerdict['finding']['code'],
        data: Record<string, string> = {},
      ): LayerVerdict => ({ outcome, finding: { code, data, ...(felix.source ? { source: felix.source } : {}) } });
      if (layer.unreadPools) return say('unknown', 'CALICO_CONFIG_UNREADABLE', gapData(layer.unreadPools));
      if (layer.pools.length === 0) return say('unknown', 'CALICO_POOLS_UNKNOWN');
      // A pool whose cidr does not parse could be the pod's own, or hold the destination.
      const broken = layer.pools.find((p) => !p.loadBalancerOnly && !parseCidr(p.cidr));
      if (broken)
        return {
          outcome: 'unknown',
          finding: {
            code: 'CALICO_POOL_CIDR_INVALID',
            data: { pool: broken.name, cidr: broken.cidr },
            source: { kind: 'IPPool', name: broken.name },
          },
        };
      if (!pool) return say('not-applicable', 'CALICO_POD_IP_NOT_IN_POOL', { podIP: packet.sourceIP });
      if (!pool.natOutgoing) return say('not-applicable', 'CALICO_POOL_NAT_OUTGOING_OFF', { pool: pool.name });
      // Felix's settings matter only for a natOutgoing pool; an unread natOutgoingAddress could SNAT
      // to an address no other chain would, so the unknown is opaque.
      if (layer.unreadFelix)
        return { ...say('unknown', 'CALICO_CONFIG_UNREADABLE', gapData(layer.unreadFelix)), opaque: true };
      const range = packet.destination.range;
      const allPools = cidrBlocks(layer.pools.filter((p) => !p.loadBalancerOnly).map((p) => p.cidr));
      const inPools = coverage(range, allPools);
      if (inPools === 'all') return say('exempt', 'CALICO_DST_IN_IP_POOL', { pool: pool.name });
      if (felix.natOutgoingExclusions === 'IPPoolsAndHostIPs') {
        if (coverage(range, [...allPools, ...packet.ctx.of(hostAddresses, packet.ctx.snapshot)]) === 'all')
          return say('exempt', 'CALICO_DST_HOST_IP_EXCLUDED', { pool: pool.name });
      }
      if (inPools === 'some')
        return say('unknown', 'DST_RANGE_PARTIALLY_EXEMPT', { cidrs: layer.pools.map((p) => p.cidr).join(', ') });
      // An address that does not parse, or of the other family, is no address this packet can leave with.
      if (felix.natOutgoingAddress && parseIp(felix.natOutgoingAddress)?.family !== range.family) {
        return say('unknown', 'CALICO_NAT_OUTGOING_ADDRESS_UNUSABLE', {
          pool: pool.name,
          natOutgoingAddress: felix.natOutgoingAddress,
          family: `IPv${range.family}`,
        });
      }
      const verdict = say('masquerade', 'CALICO_NAT_OUTGOING', {
        pool: pool.name,
        ...(felix.natOutgoingAddress ? { natOutgoingAddress: felix.natOutgoingAddress } : {}),
      });
      return felix.natOutgoingAddress ? { ...verdict, snatTo: felix.natOutgoingAddress } : verdict;
    }),
};

/** Felix's all-hosts-net IP set: every node address; computed once per snapshot. */
const hostAddresses = derivation((snapshot: Snapshot): IpRange[] =>
  addressRanges(snapshot.nodes.flatMap((n) => [...n.internalIPs, ...n.externalIPs])),
);

/** The most specific pool holding the pod's address (IPAM allocates from exactly one). */
function poolOf(pools: readonly CalicoPool[], podIP: string): CalicoPool | undefined {
  const ip = singleAddress(podIP);
  if (!ip) return undefined;
  return pools
    .map((p) => ({ p, cidr: parseCidr(p.cidr)?.cidr }))
    .filter((x) => x.cidr && coverage(ip, [x.cidr]) === 'all')
    .sort((a, b) => b.cidr!.prefix - a.cidr!.prefix)[0]?.p;
}
