/**
 * Cilium: recognising the agent and reading `cilium-config` with the agent's own defaults, not
 * Helm's (reference/cilium-egress.md §1.1; cilium/cilium daemon/cmd/daemon_main.go, pkg/option/config.go).
 */
import { parseCidr } from '../net/ip.ts';
import type { CiliumConfig } from '../model/cilium.ts';
import type { KubeObject, ObjectRef } from '../model/objects.ts';
import { containers, imageName } from './daemonset.ts';
import { stringMap, type ObjectIndex } from './objects.ts';
import { parseLabelFilter } from './cilium-labels.ts';

export const CILIUM_CONFIG_MAP = 'cilium-config';

export function isCiliumDaemonSet(ds: KubeObject): boolean {
  return ds.metadata.name === 'cilium' || isGkeAnetd(ds) || containers(ds).some((c) => imageName(c) === 'cilium');
}

/**
 * GKE Dataplane V2 runs Cilium as the `anetd` DaemonSet in kube-system ("GKE deploys the GKE
 * Dataplane V2 controller as a DaemonSet named anetd … in the kube-system namespace … implemented
 * using Cilium": https://cloud.google.com/kubernetes-engine/docs/concepts/dataplane-v2).
 */
export function isGkeAnetd(ds: KubeObject): boolean {
  return ds.metadata.name === 'anetd' && (ds.metadata.namespace ?? 'kube-system') === 'kube-system';
}

/** The agent DaemonSet and the namespace it (or, without read access to it, cilium-config) lives in. */
export function findCilium(index: ObjectIndex): { daemonSet?: KubeObject; namespace: string } | undefined {
  const daemonSet = index.where('DaemonSet', isCiliumDaemonSet)[0];
  if (daemonSet) return { daemonSet, namespace: daemonSet.metadata.namespace ?? 'kube-system' };
  const cm = index.where('ConfigMap', (c) => c.metadata.name === CILIUM_CONFIG_MAP)[0];
  return cm ? { namespace: cm.metadata.namespace ?? 'kube-system' } : undefined;
}

/**
 * viper's GetBool (spf13/cast ToBool): strconv.ParseBool, and false — not the default — for a
 * value it cannot parse.
 */
function bool(data: Record<string, string>, key: string, fallback: boolean): boolean {
  const value = data[key];
  if (value === undefined) return fallback;
  return ['1', 't', 'T', 'TRUE', 'true', 'True'].includes(value.trim());
}

export function parseCiliumConfig(cm: KubeObject | undefined, namespace: string): CiliumConfig {
  const data = cm ? stringMap(cm['data']) : {};
  const source: ObjectRef = { kind: 'ConfigMap', namespace, name: CILIUM_CONFIG_MAP };
  const enableIPv4 = bool(data, 'enable-ipv4', true);
  const enableIPv6 = bool(data, 'enable-ipv6', false);
  const config: CiliumConfig = {
    source,
    // `EnableIPv4Masquerade = vp.GetBool(...) && EnableIPv4` (pkg/option/config.go).
    enableIPv4Masquerade: bool(data, 'enable-ipv4-masquerade', true) && enableIPv4,
    enableIPv6Masquerade: bool(data, 'enable-ipv6-masquerade', true) && enableIPv6,
    enableBPFMasquerade: bool(data, 'enable-bpf-masquerade', false),
    // Before routing-mode (1.14), `tunnel: disabled` meant native routing.
    routingMode:
      (data['routing-mode'] ?? (data['tunnel'] === 'disabled' ? 'native' : 'tunnel')) === 'native'
        ? 'native'
        : 'tunnel',
    enableIPMasqAgent: bool(data, 'enable-ip-masq-agent', false),
    ipMasqAgentConfigPath: data['ip-masq-agent-config-path'] || '/etc/config/ip-masq-agent',
    enableRemoteNodeMasquerade: bool(data, 'enable-remote-node-masquerade', false),
    egressMasqueradeInterfaces: (data['egress-masquerade-interfaces'] ?? '').split(/[\s,]+/).filter(Boolean),
    enableEgressGateway: bool(data, 'enable-egress-gateway', false) || bool(data, 'enable-ipv4-egress-gateway', false),
    kubeProxyReplacement: ['true', 'strict'].includes(data['kube-proxy-replacement'] ?? 'false'),
    ipam: data['ipam'] || 'cluster-pool',
    // pkg/option/config.go: ClusterName defaults to "default"; the endpoint label io.cilium.k8s.policy.cluster.
    clusterName: data['cluster-name'] || 'default',
    labelFilter: parseLabelFilter(data),
  };
  const v4 = data['ipv4-native-routing-cidr'] || data['native-routing-cidr'];
  if (v4) config.ipv4NativeRoutingCIDR = v4;
  if (data['ipv6-native-routing-cidr']) config.ipv6NativeRoutingCIDR = data['ipv6-native-routing-cidr'];
  const refuses = agentRefusal(config);
  if (refuses) config.agentRefuses = refuses;
  if (!cm) config.notFound = true;
  return config;
}

/**
 * pkg/option/config.go Populate: `cidr.MustParseCIDR` panics on a native-routing CIDR net.ParseCIDR
 * rejects, and an IPv4 one of another family is log.Fatalf "must be an IPv4 CIDR".
 */
function nativeRoutingCidrProblem(c: CiliumConfig): string | undefined {
  for (const [family, text] of [
    [4, c.ipv4NativeRoutingCIDR],
    [6, c.ipv6NativeRoutingCIDR],
  ] as const) {
    if (text === undefined) continue;
    const parsed = parseCidr(text);
    if (!parsed) return `ipv${family}-native-routing-cidr ${JSON.stringify(text)} is not a CIDR`;
    if (parsed.cidr.family !== family) return `ipv${family}-native-routing-cidr ${text} is not an IPv${family} CIDR`;
  }
  return undefined;
}

/** Configurations the agent exits on at start (daemon_main.go, pkg/option/config.go, egressgateway manager). */
function agentRefusal(c: CiliumConfig): string | undefined {
  if (c.enableEgressGateway && (!c.enableIPv4Masquerade || !c.enableBPFMasquerade)) {
    return 'the egress gateway needs enable-ipv4-masquerade and enable-bpf-masquerade';
  }
  if (c.enableRemoteNodeMasquerade && !c.enableBPFMasquerade)
    return 'enable-remote-node-masquerade needs enable-bpf-masquerade';
  const badCidr = nativeRoutingCidrProblem(c);
  if (badCidr) return badCidr;
  // checkIPv4NativeRoutingCIDR: not needed with ip-masq-agent, tunnel routing, or ENI/AlibabaCloud IPAM.
  if (
    c.routingMode === 'native' &&
    c.enableIPv4Masquerade &&
    !c.ipv4NativeRoutingCIDR &&
    !c.enableIPMasqAgent &&
    !['eni', 'alibabacloud'].includes(c.ipam)
  ) {
    return 'native routing with IPv4 masquerade needs ipv4-native-routing-cidr';
  }
  return undefined;
}
