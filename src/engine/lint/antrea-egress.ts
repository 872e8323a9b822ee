/**
 * Antrea Egresses that do not do what they say: nothing assigned in status (no node holds the IP,
 * so the agent installs no SNAT for a pooled Egress, and tunnels a static one's traffic to an
 * address nobody claims), and pods selected by several Egresses, of which the agent binds the pod
 * to whichever it processed first (egress_controller.go `bindPodEgress`; docs/egress.md: "the
 * effective egress IP will be selected randomly"). Only while the Egress layer is read.
 */
import type { AntreaEgress, AntreaEgressLayer } from '../../model/layers/antrea.ts';
import { egressesSelecting } from '../gateways/antrea-selection.ts';
import { defineCheck } from './check.ts';

interface Overlap {
  egresses: readonly AntreaEgress[];
  workloads: Set<string>;
  pods: number;
}

export const antreaEgressCheck = defineCheck({
  id: 'antrea-egress',
  codes: { ANTREA_EGRESS_NOT_ASSIGNED: 'warning', ANTREA_EGRESS_DUPLICATE_MATCH: 'error', ANTREA_EGRESS_DUPLICATE_MATCH_SAME_IP: 'info' },
  upstream: 'antrea-io/antrea pkg/agent/controller/egress/egress_controller.go (syncEgress, updateEgressStatus, bindPodEgress), docs/egress.md',
  run({ snapshot, pods, ctx }, report) {
    const layer = snapshot.datapath.gateways.find((g): g is AntreaEgressLayer => g.mechanism === 'antrea-egress');
    if (!layer) return;
    for (const egress of layer.egresses.filter((e) => !e.ignored && e.appliedTo && !(e.status.egressIP && e.status.egressNode))) {
      report('ANTREA_EGRESS_NOT_ASSIGNED', { kind: 'Egress', name: egress.name }, {
        egressIP: egress.egressIP ?? '', pool: egress.externalIPPool ?? '',
      });
    }
    const overlaps = new Map<readonly AntreaEgress[], Overlap>();
    for (const pod of pods.filter((p) => !p.hostNetwork)) {
      const { egresses } = egressesSelecting(ctx, layer, pod);
      if (egresses.filter((e) => !e.ignored).length < 2) continue;
      const overlap = overlaps.get(egresses) ?? { egresses, workloads: new Set<string>(), pods: 0 };
      overlap.pods++;
      overlap.workloads.add(`${pod.workload.kind} ${pod.namespace}/${pod.workload.name}`);
      overlaps.set(egresses, overlap);
    }
    for (const o of overlaps.values()) {
      const addresses = new Set(o.egresses.map(addressOf));
      report(addresses.size > 1 ? 'ANTREA_EGRESS_DUPLICATE_MATCH' : 'ANTREA_EGRESS_DUPLICATE_MATCH_SAME_IP', { kind: 'Egress', name: o.egresses[0]!.name }, {
        egresses: o.egresses.map((e) => e.name).join(', '), addresses: [...addresses].join(', '), pods: String(o.pods), workloads: [...o.workloads].sort().join(', '),
      });
    }
  },
});

/** The address an Egress gives, or will: its IP, else any address of its pool. */
function addressOf(egress: AntreaEgress): string {
  return egress.status.egressIP || egress.egressIP || `an address of pool ${egress.externalIPPool ?? '?'}`;
}
