/**
 * A workload whose source address depends on the node it lands on, while the allowlist a
 * destination holds (lint --allowed … --to …) covers some of those addresses but not all: it works
 * today and breaks when the pod is rescheduled (design §7). The addresses come from allowlist's own
 * computation over every node the pods may be scheduled to. A workload the allowlist does not
 * cover at all is left alone: that firewall is not meant for it.
 */
import type { PodInfo } from '../../model/snapshot.ts';
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
    for (const group of byWorkload(pods)) {
      for (const list of buildAllowlists(snapshot, group, allowlist.query)) {
        const addresses = list.sources.map((s) => ({ source: s, range: addressRange(s.address) }));
        const covered = addresses.filter((a) => a.range && coverage(a.range, allowlist.allowed) === 'all');
        const missing = addresses.filter((a) => !covered.includes(a));
        if (covered.length === 0 || missing.length === 0) continue;
        const pod = group[0]!;
        report('ALLOWLIST_MISSES_NODES', { kind: pod.workload.kind, namespace: pod.namespace, name: pod.workload.name }, {
          destination: list.destination.text,
          missing: missing.map((m) => `${m.source.address} (${m.source.nodes.join(', ')})`).join(', '),
        });
      }
    }
  },
});

function byWorkload(pods: readonly PodInfo[]): PodInfo[][] {
  const groups = new Map<string, PodInfo[]>();
  for (const pod of pods) {
    const key = `${pod.namespace}/${pod.workload.kind}/${pod.workload.name}`;
    groups.set(key, [...(groups.get(key) ?? []), pod]);
  }
  return [...groups.values()];
}
