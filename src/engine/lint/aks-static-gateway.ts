/**
 * AKS Static Egress Gateway configurations that cannot carry traffic: a StaticGatewayConfiguration
 * without status.egressIpPrefix, and pods whose annotation names a configuration their namespace
 * does not hold — the CNI manager refuses both (Azure/kube-egress-gateway
 * controllers/cnimanager/server.go NicAdd: "the egress IP prefix is not ready yet", "failed to
 * retrieve StaticGatewayConfiguration"), so such pods never start. An annotated hostNetwork pod
 * never runs the CNI plugin: its annotation does nothing (AKS docs, limitations). One finding per
 * workload for pods. Nothing is reported where the configurations could not be read.
 */
import type { AksStaticEgressGatewayLayer } from '../../model/layers/aks-static-egress-gateway.ts';
import type { ObjectRef } from '../../model/objects.ts';
import type { PodInfo } from '../../model/snapshot.ts';
import { GATEWAY_ANNOTATION } from '../../config/aks-static-egress-gateway.ts';
import { defineCheck } from './check.ts';

const CODES = {
  AKS_SGW_CONFIGURATION_NOT_FOUND: 'error',
  AKS_SGW_NO_EGRESS_PREFIX: 'warning',
  AKS_SGW_HOST_NETWORK_ANNOTATED: 'warning',
} as const;

export const aksStaticGateway = defineCheck({
  id: 'aks-static-egress-gateway',
  codes: CODES,
  upstream: 'Azure/kube-egress-gateway controllers/cnimanager/server.go NicAdd, cmd/kube-egress-cni/main.go',
  run({ snapshot, pods }, report) {
    const layer = snapshot.datapath.gateways.find(
      (g): g is AksStaticEgressGatewayLayer => g.mechanism === 'aks-static-egress-gateway',
    );
    if (!layer || layer.unreadConfigurations) return;
    // The pods naming each configuration, counted once: not every pod per configuration.
    const naming = new Map<string, number>();
    for (const p of pods) {
      const name = p.annotations[GATEWAY_ANNOTATION];
      if (name !== undefined)
        naming.set(configurationKey(p.namespace, name), (naming.get(configurationKey(p.namespace, name)) ?? 0) + 1);
    }
    const configured = new Set(layer.configurations.map((c) => configurationKey(c.namespace, c.name)));
    for (const c of layer.configurations) {
      if (!c.egressIpPrefix)
        report('AKS_SGW_NO_EGRESS_PREFIX', c.source, {
          configuration: `${c.namespace}/${c.name}`,
          pods: String(naming.get(configurationKey(c.namespace, c.name)) ?? 0),
        });
    }
    for (const g of byWorkload(pods.filter((p) => p.hostNetwork && p.annotations[GATEWAY_ANNOTATION] !== undefined))) {
      report('AKS_SGW_HOST_NETWORK_ANNOTATED', g.workload, { name: g.name, pods: String(g.pods) });
    }
    const missing = pods.filter(
      (p) =>
        !p.hostNetwork &&
        p.annotations[GATEWAY_ANNOTATION] !== undefined &&
        !configured.has(configurationKey(p.namespace, p.annotations[GATEWAY_ANNOTATION]!)),
    );
    for (const g of byWorkload(missing)) {
      const elsewhere = layer.configurations
        .filter((c) => c.name === g.name)
        .map((c) => c.namespace)
        .join(', ');
      report('AKS_SGW_CONFIGURATION_NOT_FOUND', g.workload, {
        name: g.name,
        namespace: g.workload.namespace!,
        elsewhere,
        pods: String(g.pods),
      });
    }
  },
});

function configurationKey(namespace: string, name: string): string {
  return `${namespace}\u0000${name}`;
}

/** Pods grouped by workload and the configuration they name. */
function byWorkload(pods: readonly PodInfo[]): { workload: ObjectRef; name: string; pods: number }[] {
  const groups = new Map<string, { workload: ObjectRef; name: string; pods: number }>();
  for (const pod of pods) {
    const name = pod.annotations[GATEWAY_ANNOTATION]!;
    const key = `${pod.namespace}/${pod.workload.kind}/${pod.workload.name}/${name}`;
    const group = groups.get(key) ?? {
      workload: { kind: pod.workload.kind, namespace: pod.namespace, name: pod.workload.name },
      name,
      pods: 0,
    };
    group.pods++;
    groups.set(key, group);
  }
  return [...groups.values()];
}
