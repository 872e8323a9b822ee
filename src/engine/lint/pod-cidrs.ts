/**
 * nonMasqueradeCIDRs that leave part of the pod network out: pod-to-pod traffic to it leaves with
 * the node IP, which breaks NetworkPolicies on pod IPs and every log that names the client.
 *
 * The pod network is the nodes' spec.podCIDRs (CiliumNode's for Cilium). A CNI with its own IPAM
 * (Calico pools, the AWS VPC CNI, Azure CNI in a subnet) leaves them unset, or allocated but unused:
 * when no pod IP read lies in any of them, they are not the pod network and nothing is reported.
 */
import type { AgentConfig } from '../../model/datapath.ts';
import type { Family } from '../../model/net.ts';
import type { Snapshot } from '../../model/snapshot.ts';
import { addressRanges, coverage, parseCidr, type Cidr } from '../../net/ip.ts';
import { isActiveOn } from '../core/scope.ts';
import { agentConfigs, type AgentKind, type AgentOf } from './agents.ts';
import { defineCheck } from './check.ts';

export const podCidrs = defineCheck({
  id: 'pod-cidrs',
  codes: { POD_CIDRS_NOT_IN_NON_MASQ_CIDRS: 'error' },
  upstream: 'kubernetes-sigs/ip-masq-agent `syncMasqRules`; cilium/cilium bpf/lib/nat.h `snat_v4_needs_masquerade`',
  run({ snapshot }, report) {
    for (const view of agentConfigs(snapshot).flatMap((a) => exemptions(a, snapshot) ?? [])) {
      const exempt = blocks(view.exempt);
      const missed = inUse(blocks(view.podCIDRs), snapshot)
        .filter((c) => view.families.includes(c.family) && coverage(c, exempt) !== 'all')
        .sort((a, b) => a.family - b.family || (a.first < b.first ? -1 : a.first > b.first ? 1 : 0))
        .map((c) => c.text);
      if (missed.length === 0) continue;
      report('POD_CIDRS_NOT_IN_NON_MASQ_CIDRS', view.config.source, {
        agent: view.agent,
        podCIDRs: missed.join(', '),
        nonMasqueradeCIDRs: view.exempt.join(', '),
        origin: view.config.origin,
      });
    }
  },
});

interface Exemptions {
  agent: AgentKind;
  config: Extract<AgentConfig, { status: 'valid' }>;
  /** What keeps the pod IP, in the order the agent reads it. */
  exempt: string[];
  /** The families the agent masquerades at all. */
  families: Family[];
  podCIDRs: string[];
}

function exemptions({ agent, config, layer }: AgentOf, snapshot: Snapshot): Exemptions | undefined {
  // An invalid config keeps rules the cluster does not show (the config check reports it).
  if (config.status !== 'valid' || !snapshot.nodes.some((n) => isActiveOn(layer.scope, n))) return undefined;
  const nonMasq = config.rules.nonMasqueradeCIDRs;
  if (layer.mechanism !== 'cilium') {
    // The agent writes IPv6 rules only with --enable-ipv6 (snat-mechanisms.md §1.8).
    const families: Family[] = layer.enableIPv6 ? [4, 6] : [4];
    return { agent, config, exempt: nonMasq, families, podCIDRs: unique(snapshot.nodes.flatMap((n) => n.podCIDRs)) };
  }
  const dp = snapshot.datapath.cilium;
  // Only BPF masquerading reads the map, and in tunnel mode pod-to-pod traffic takes the overlay,
  // where no masquerading runs; a single node's pods are delivered locally (cilium-egress.md §1.3).
  if (
    !dp ||
    layer.mode !== 'bpf' ||
    dp.config.routingMode !== 'native' ||
    dp.config.agentRefuses ||
    dp.nodes.length < 2
  )
    return undefined;
  const { config: c } = dp;
  const families = [...(c.enableIPv4Masquerade ? [4 as const] : []), ...(c.enableIPv6Masquerade ? [6 as const] : [])];
  // The datapath checks an explicit native-routing CIDR before the map (PR #27747).
  const exempt = [...[c.ipv4NativeRoutingCIDR, c.ipv6NativeRoutingCIDR].flatMap((x) => x ?? []), ...nonMasq];
  return { agent, config, exempt, families, podCIDRs: unique(dp.nodes.flatMap((n) => n.podCIDRs)) };
}

function blocks(texts: readonly string[]): Cidr[] {
  return texts.flatMap((text) => {
    const parsed = parseCidr(text);
    return parsed ? [{ ...parsed.cidr, text }] : [];
  });
}

/** The pod CIDRs, unless the pods read all have addresses outside them (another IPAM hands them out). */
function inUse(podCIDRs: Cidr[], snapshot: Snapshot): Cidr[] {
  const podIPs = addressRanges(snapshot.pods.filter((p) => !p.hostNetwork).flatMap((p) => p.podIPs));
  if (podIPs.length === 0 || podIPs.some((ip) => coverage(ip, podCIDRs) === 'all')) return podCIDRs;
  return [];
}

function unique(texts: readonly string[]): string[] {
  return [...new Set(texts)];
}
