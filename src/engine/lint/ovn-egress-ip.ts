/**
 * OVN-Kubernetes EgressIPs that do not do what they say (docs/features/cluster-egress-controls/
 * egress-ip.md; go-controller/pkg/ovn/egressip.go): one with no IP assigned to a node (status.items
 * empty), whose pods keep leaving with their node's address; a pod two EgressIPs select, which the
 * controller serves with whichever it processed first ("this is undefined"); EgressIPs while no
 * node carries the k8s.ovn.org/egress-assignable label, so none can ever be assigned.
 */
import type { OvnEgressIP, OvnEgressIpLayer } from '../../model/layers/ovn-kubernetes.ts';
import { EGRESS_ASSIGNABLE } from '../../config/ovn-kubernetes.ts';
import { egressIPsSelecting } from '../gateways/ovn-egress-ip.ts';
import { defineCheck } from './check.ts';

export const ovnEgressIps = defineCheck({
  id: 'ovn-egress-ip',
  codes: {
    OVN_EGRESSIP_NOT_ASSIGNED: 'warning',
    OVN_EGRESSIP_OVERLAP: 'error',
    OVN_EGRESS_ASSIGNABLE_NO_NODE: 'error',
  },
  upstream:
    'ovn-org/ovn-kubernetes docs/features/cluster-egress-controls/egress-ip.md, go-controller/pkg/ovn/egressip.go',
  run({ snapshot, pods, ctx }, report) {
    const layer = snapshot.datapath.gateways.find((g): g is OvnEgressIpLayer => g.mechanism === 'ovn-egress-ip');
    if (!layer || layer.egressIPs.length === 0) return;
    // With no Node read (a file without them, a refused list) "on no node" would be a guess.
    if (snapshot.nodes.length > 0 && !snapshot.nodes.some((n) => EGRESS_ASSIGNABLE in n.labels)) {
      report('OVN_EGRESS_ASSIGNABLE_NO_NODE', ref(layer.egressIPs[0]!), {
        egressIPs: layer.egressIPs.map((e) => e.name).join(', '),
        label: EGRESS_ASSIGNABLE,
      });
    }
    for (const egressIP of layer.egressIPs) {
      if (egressIP.assigned.length === 0)
        report('OVN_EGRESSIP_NOT_ASSIGNED', ref(egressIP), {
          egressIP: egressIP.name,
          ips: egressIP.egressIPs.join(', '),
        });
    }
    // Selection needs the Namespaces' labels; unread, any overlap would be a guess.
    if (layer.unreadNamespaces) return;
    const overlaps = new Map<string, { pods: number; workloads: Set<string> }>();
    for (const pod of pods.filter((p) => !p.hostNetwork)) {
      const selecting = egressIPsSelecting(ctx, layer, pod)
        .map((e) => e.name)
        .sort();
      if (selecting.length < 2) continue;
      const overlap = overlaps.get(selecting.join(', ')) ?? { pods: 0, workloads: new Set<string>() };
      overlap.pods++;
      overlap.workloads.add(`${pod.workload.kind} ${pod.namespace}/${pod.workload.name}`);
      overlaps.set(selecting.join(', '), overlap);
    }
    for (const [names, o] of overlaps) {
      report(
        'OVN_EGRESSIP_OVERLAP',
        { kind: 'EgressIP', name: names.split(', ')[0]! },
        { egressIPs: names, pods: String(o.pods), workloads: [...o.workloads].sort().join(', ') },
      );
    }
  },
});

function ref(egressIP: OvnEgressIP): { kind: string; name: string } {
  return { kind: 'EgressIP', name: egressIP.name };
}
