/**
 * hostNetwork pods that an egress gateway policy selects: they have no CiliumEndpoint, and policies
 * select endpoints, so the policy never applies and they leave with their node's address
 * (reference/cilium-egress.md §1.7, §3.4; pkg/egressgateway/endpoint.go). One finding per workload.
 */
import type { ObjectRef } from '../../model/objects.ts';
import { defineCheck } from './check.ts';
import { policiesSelecting } from './cilium-selection.ts';

export const ciliumHostNetwork = defineCheck({
  id: 'cilium-egress-gateway-host-network',
  codes: { CILIUM_EGW_SELECTS_HOST_NETWORK_POD: 'warning' },
  upstream: 'cilium/cilium pkg/egressgateway/endpoint.go, manager.go `addEndpoint`',
  run({ snapshot, pods, ctx }, report) {
    const dp = snapshot.datapath.cilium;
    if (!dp) return;
    const groups = new Map<string, { workload: ObjectRef; policy: string; pods: number }>();
    for (const pod of pods.filter((p) => p.hostNetwork)) {
      const workload = { kind: pod.workload.kind, namespace: pod.namespace, name: pod.workload.name };
      for (const policy of policiesSelecting(ctx, pod, dp)) {
        const key = `${pod.namespace}/${pod.workload.kind}/${pod.workload.name}/${policy.name}`;
        const group = groups.get(key) ?? { workload, policy: policy.name, pods: 0 };
        group.pods++;
        groups.set(key, group);
      }
    }
    for (const g of groups.values())
      report('CILIUM_EGW_SELECTS_HOST_NETWORK_POD', g.workload, { policy: g.policy, pods: String(g.pods) });
  },
});
