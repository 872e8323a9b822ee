/**
 * Two policies matching the same pod with the same CIDR. The BPF map has one entry per (pod IP,
 * CIDR), so the agent keeps whichever policy it wrote last, in Go map order: the pod's egress IP
 * can change on any reconcile (reference/cilium-egress.md §3.4, [inferred] from manager.go).
 * Where both lead to the same gateway and address the result is the same either way: info only.
 */
import type { CiliumEgressPolicy } from '../../model/cilium.ts';
import type { CiliumDatapath } from '../../model/datapath.ts';
import { entriesOf, type PolicyEntry } from '../gateways/cilium-match.ts';
import { gatewayNodeFor } from '../gateways/cilium-gateway.ts';
import { defineCheck } from './check.ts';
import { policiesSelecting } from './cilium-selection.ts';

interface Overlap {
  policies: string[];
  cidr: string;
  outcomes: Set<string>;
  workloads: Set<string>;
  pods: number;
}

export const ciliumOverlap = defineCheck({
  id: 'cilium-egress-gateway-overlap',
  codes: { CILIUM_EGW_DUPLICATE_MATCH: 'error', CILIUM_EGW_DUPLICATE_MATCH_SAME_GATEWAY: 'info' },
  upstream: 'cilium/cilium pkg/egressgateway/manager.go, bpf/lib/egress_gateway.h (LPM map keyed by pod IP and CIDR)',
  run({ snapshot, pods, ctx }, report) {
    const dp = snapshot.datapath.cilium;
    if (!dp) return;
    const overlaps = new Map<string, Overlap>();
    for (const pod of pods.filter((p) => !p.hostNetwork)) {
      const selecting = policiesSelecting(ctx, pod, dp);
      if (selecting.length < 2) continue;
      for (const [cidrKey, entries] of entriesByCidr(selecting)) {
        const policies = [...new Set(entries.map((e) => e.policy.name))].sort();
        if (policies.length < 2) continue;
        const key = `${policies.join(',')}|${cidrKey}`;
        const overlap = overlaps.get(key) ?? {
          policies,
          cidr: entries[0]!.cidr.text,
          outcomes: new Set(entries.map((e) => outcomeOf(e, dp))),
          workloads: new Set(),
          pods: 0,
        };
        overlap.pods++;
        overlap.workloads.add(`${pod.workload.kind} ${pod.namespace}/${pod.workload.name}`);
        overlaps.set(key, overlap);
      }
    }
    for (const o of overlaps.values()) {
      const code = o.outcomes.size > 1 ? 'CILIUM_EGW_DUPLICATE_MATCH' : 'CILIUM_EGW_DUPLICATE_MATCH_SAME_GATEWAY';
      report(
        code,
        { kind: 'CiliumEgressGatewayPolicy', name: o.policies[0]! },
        {
          policies: o.policies.join(', '),
          cidr: o.cidr,
          pods: String(o.pods),
          workloads: [...o.workloads].sort().join(', '),
        },
      );
    }
  },
});

/** The map entries the pod's policies write, grouped by the key the map stores them under. */
function entriesByCidr(policies: readonly CiliumEgressPolicy[]): Map<string, PolicyEntry[]> {
  // The agent stores the network address, so 10.0.0.1/8 and 10.0.0.0/8 are one key.
  return Map.groupBy(
    policies.flatMap((p) => [...entriesOf(p, 4), ...entriesOf(p, 6)]),
    (e) => `${e.cidr.family}:${e.cidr.first}/${e.cidr.prefix}`,
  );
}

/** What an entry does to the packet: normal masquerading, or these gateways with these addresses. */
function outcomeOf(entry: PolicyEntry, dp: CiliumDatapath): string {
  if (entry.excluded) return 'excluded';
  return JSON.stringify(
    entry.policy.gateways
      .map((g) => [gatewayNodeFor(g, dp.nodes)?.node.name ?? '', g.egressIP ?? '', g.interface ?? ''])
      .sort(),
  );
}
