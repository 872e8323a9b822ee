/**
 * Antrea Egresses that do not do what they say: nothing assigned in status (no node holds the IP,
 * so the agent installs no SNAT for a pooled Egress, and tunnels a static one's traffic to an
 * address nobody claims), and pods selected by several Egresses, of which the agent binds the pod
 * to whichever it processed first (egress_controller.go `bindPodEgress`; docs/egress.md: "the
 * effective egress IP will be selected randomly"). Only while the Egress layer is read.
 */
import type { AntreaEgress, AntreaEgressLayer } from '../../model/layers/antrea.ts';
import { egressesSelecting } from '../gateways/antrea-selection.ts';
import type { Snapshot } from '../../model/snapshot.ts';
import { formatLabelSelector } from '../../config/label-selector-text.ts';
import { matchesSelector } from '../core/label-selector.ts';
import { isActiveOn } from '../core/scope.ts';
import { defineCheck, type Report } from './check.ts';

interface Overlap {
  egresses: readonly AntreaEgress[];
  workloads: Set<string>;
  pods: number;
}

export const antreaEgressCheck = defineCheck({
  id: 'antrea-egress',
  codes: {
    ANTREA_EGRESS_NOT_ASSIGNED: 'warning',
    ANTREA_EGRESS_DUPLICATE_MATCH: 'error',
    ANTREA_EGRESS_DUPLICATE_MATCH_SAME_IP: 'info',
    ANTREA_EGRESS_POOL_NOT_FOUND: 'error',
    ANTREA_EXTERNAL_IP_POOL_MATCHES_NO_NODE: 'error',
  },
  upstream:
    'antrea-io/antrea pkg/agent/controller/egress/egress_controller.go (syncEgress, updateEgressStatus, bindPodEgress), docs/egress.md',
  run({ snapshot, pods, ctx }, report) {
    const layer = snapshot.datapath.gateways.find((g): g is AntreaEgressLayer => g.mechanism === 'antrea-egress');
    if (!layer) return;
    for (const egress of layer.egresses.filter((e) => !e.ignored && e.appliedTo && !e.status.egressNode)) {
      report(
        'ANTREA_EGRESS_NOT_ASSIGNED',
        { kind: 'Egress', name: egress.name },
        {
          egressIP: egress.egressIP ?? '',
          pool: egress.externalIPPool ?? '',
        },
      );
    }
    checkPools(layer, snapshot, report);
    const overlaps = new Map<readonly AntreaEgress[], Overlap>();
    for (const pod of pods.filter((p) => !p.hostNetwork)) {
      // A pod on a node without the Linux agent (Windows) has no Egress flows to choose between.
      const node = ctx.node(pod.nodeName);
      if (node && !isActiveOn(layer.scope, node)) continue;
      const { egresses } = egressesSelecting(ctx, layer, pod);
      if (egresses.filter((e) => !e.ignored).length < 2) continue;
      const overlap = overlaps.get(egresses) ?? { egresses, workloads: new Set<string>(), pods: 0 };
      overlap.pods++;
      overlap.workloads.add(`${pod.workload.kind} ${pod.namespace}/${pod.workload.name}`);
      overlaps.set(egresses, overlap);
    }
    for (const o of overlaps.values()) {
      const addresses = new Set(o.egresses.map(addressOf));
      report(
        addresses.size > 1 ? 'ANTREA_EGRESS_DUPLICATE_MATCH' : 'ANTREA_EGRESS_DUPLICATE_MATCH_SAME_IP',
        { kind: 'Egress', name: o.egresses[0]!.name },
        {
          egresses: o.egresses.map((e) => e.name).join(', '),
          addresses: [...addresses].join(', '),
          pods: String(o.pods),
          workloads: [...o.workloads].sort().join(', '),
        },
      );
    }
  },
});

/**
 * The pools Egresses name: one that does not exist allocates nothing (antrea-controller leaves the
 * Egress without an IP), one whose nodeSelector matches no node has no node to assign its IPs to
 * (ip_scheduler.go). Not said when the pools or the nodes could not be read.
 */
function checkPools(
  layer: AntreaEgressLayer,
  snapshot: Snapshot,
  report: Report<'ANTREA_EGRESS_POOL_NOT_FOUND' | 'ANTREA_EXTERNAL_IP_POOL_MATCHES_NO_NODE'>,
): void {
  if (layer.unreadPools) return;
  const named = Map.groupBy(
    layer.egresses.filter((e) => e.externalIPPool && !e.ignored),
    (e) => e.externalIPPool!,
  );
  for (const [name, egresses] of named) {
    const pool = layer.pools.find((p) => p.name === name);
    const data = { pool: name, egresses: egresses.map((e) => e.name).join(', ') };
    if (!pool) {
      for (const e of egresses) report('ANTREA_EGRESS_POOL_NOT_FOUND', { kind: 'Egress', name: e.name }, data);
      continue;
    }
    const nodesRead =
      snapshot.nodes.length > 0 && !snapshot.gaps.some((g) => g.resource === 'nodes' && g.reason === 'forbidden');
    if (pool.nodeSelector && nodesRead && !snapshot.nodes.some((n) => matchesSelector(n.labels, pool.nodeSelector!))) {
      report(
        'ANTREA_EXTERNAL_IP_POOL_MATCHES_NO_NODE',
        { kind: 'ExternalIPPool', name },
        { ...data, nodeSelector: formatLabelSelector(pool.nodeSelector) || '{}' },
      );
    }
  }
}

/** The address an Egress gives, or will: its IP, else any address of its pool. */
function addressOf(egress: AntreaEgress): string {
  return egress.status.egressIP || egress.egressIP || `an address of pool ${egress.externalIPPool ?? '?'}`;
}
