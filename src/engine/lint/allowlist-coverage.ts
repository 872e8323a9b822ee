/**
 * A workload whose source address depends on the node it lands on, while the allowlist a
 * destination holds (lint --allowed … --to …) covers some of those addresses but not all: it works
 * today and breaks when the pod is rescheduled (design §7). The addresses come from allowlist's own
 * computation over every node the pods may be scheduled to. A workload the allowlist does not
 * cover at all is left alone: that firewall is not meant for it.
 */
import type { IpRange } from '../../model/net.ts';
import { coverage } from '../../net/ip.ts';
import { addressRange } from '../allowlist/cidr-set.ts';
import { buildAllowlists } from '../allowlist/index.ts';
import { defineCheck } from './check.ts';

export const allowlistCoverage = defineCheck({
  id: 'allowlist-coverage',
  codes: { ALLOWLIST_MISSES_NODES: 'error' },
  upstream: 'kube-scheduler node eligibility (engine/allowlist/eligibility.ts) and the egress pipeline',
  run({ snapshot, pods, allowlist }, report) {
    if (!allowlist) return;
    // Grouped in one pass: each workload's pods are appended in place.
    for (const group of Map.groupBy(
      pods,
      (pod) => `${pod.namespace}/${pod.workload.kind}/${pod.workload.name}`,
    ).values()) {
      for (const list of buildAllowlists(snapshot, group, allowlist.query)) {
        const missing = list.sources.filter((s) => !covers(addressRange(s.address), allowlist.allowed));
        // All covered is fine; none covered means that firewall is not meant for this workload.
        if (missing.length === 0 || missing.length === list.sources.length) continue;
        const pod = group[0]!;
        report(
          'ALLOWLIST_MISSES_NODES',
          { kind: pod.workload.kind, namespace: pod.namespace, name: pod.workload.name },
          {
            destination: list.destination.text,
            missing: missing.map((m) => `${m.address} (${m.nodes.join(', ')})`).join(', '),
          },
        );
      }
    }
  },
});

function covers(range: IpRange | undefined, allowed: readonly IpRange[]): boolean {
  return range !== undefined && coverage(range, allowed) === 'all';
}
