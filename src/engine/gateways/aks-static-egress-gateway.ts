/**
 * AKS Static Egress Gateway (Azure/kube-egress-gateway; learn.microsoft.com
 * azure/aks/configure-static-egress-gateway). A pod annotated
 * `kubernetes.azure.com/static-gateway-configuration: <name>` gets, from the chained CNI plugin at
 * its creation, a WireGuard interface to the gateway node pool (cmd/kube-egress-cni/main.go), with
 * routes from pkg/cni/routes/routes.go SetPodRoutes:
 *   1. defaultRoute staticEgressGateway: 0.0.0.0/0 via the tunnel; spec.excludeCidrs and the CNI
 *      manager's --exception-cidrs via eth0 (more specific, so they win);
 *   2. defaultRoute azureNetworking: only spec.excludeCidrs via the tunnel.
 * Only IPv4 routes are set (IPv4-only, AKS docs): IPv6 leaves as it would without the annotation.
 * The gateway masquerades to its secondary private IP (docs/design.md): in public IP mode Azure
 * maps it to an address of status.egressIpPrefix; in private IP mode status lists those private IPs
 * and the network beyond routes them. The CNI manager refuses a pod whose configuration is missing
 * (another namespace counts as missing: it looks in the pod's) or has no egressIpPrefix yet
 * (controllers/cnimanager/server.go NicAdd), so a running pod had both at its creation.
 */
import type { AksStaticEgressGatewayLayer, StaticGatewayConfig } from '../../model/layers/aks-static-egress-gateway.ts';
import type { Destination } from '../../model/decision.ts';
import type { CodesOf, Finding } from '../../model/reasons.ts';
import { aksStaticEgressGatewayDetection, GATEWAY_ANNOTATION } from '../../config/aks-static-egress-gateway.ts';
import { gapData } from '../../config/gaps.ts';
import { cidrBlocks, coverage, parseCidr, parseIp } from '../../net/ip.ts';
import { nonPublicCoverage } from '../core/address-space.ts';
import { EffectBuilder, type Effect } from '../core/effect.ts';
import type { Findings, GatewayMechanism } from '../core/mechanism.ts';

const LAYER = 'aks-static-egress-gateway';

/** What of a pod the gateway reads: the configuration its annotation names, in its namespace. */
export interface AksGatewayInput {
  namespace: string;
  name: string;
}

/** What the far side sees, by how the gateway's addresses were found. */
const GATEWAY_SEES: Record<string, (d: Record<string, string>) => string> = {
  public: (d) => `whose public IP prefix ${d['egress']} the internet sees it from`,
  private: (d) => `which SNATs it to one of its private IPs ${d['egress']}`,
  secondary: (d) =>
    `which SNATs it to its nodes' secondary private IPs ${d['egress']} (GatewayVMConfiguration ${d['vmConfiguration']}): a private destination sees one of them`,
};

const FINDINGS = {
  AKS_SGW_GATEWAY: (d) =>
    `StaticGatewayConfiguration ${d['configuration']} sends the traffic through gateway pool ${d['pool']}, ${GATEWAY_SEES[d['mode'] ?? 'public']!(d)}`,
  AKS_SGW_DST_EXCLUDED: (d) =>
    `the destination is in ${d['cidr']} (${d['field']}), which bypasses the gateway of ${d['configuration']}: the pod's own network decides`,
  AKS_SGW_DST_NOT_ROUTED: (d) =>
    `StaticGatewayConfiguration ${d['configuration']} has defaultRoute azureNetworking and routes only its excludeCidrs (${d['cidrs'] || 'none'}) through the gateway: the pod's own network decides`,
  AKS_SGW_ROUTE_MIXED: (d) =>
    `the destination range is partly routed through StaticGatewayConfiguration ${d['configuration']} and partly not: give a narrower destination`,
  AKS_SGW_IPV6_NOT_ROUTED: (d) =>
    `the static egress gateway routes IPv4 only: IPv6 traffic of a pod using ${d['configuration']} leaves as without it`,
  AKS_SGW_CONFIGURATION_NOT_FOUND: (d) =>
    `the pod names StaticGatewayConfiguration ${d['name']}, which is not in its namespace ${d['namespace']}${d['elsewhere'] ? ` (one is in ${d['elsewhere']}, which pods of ${d['namespace']} cannot use)` : ''}: the CNI plugin refuses new pods, and where this pod's tunnel now leads is unknown`,
  AKS_SGW_NO_EGRESS_PREFIX: (d) =>
    `StaticGatewayConfiguration ${d['configuration']} has no status.egressIpPrefix yet: its addresses are unknown (the CNI plugin refuses new pods until it is set)`,
  AKS_SGW_EXCLUDE_CIDR_INVALID: (d) =>
    `${d['field']} holds ${JSON.stringify(d['cidr'])}, which is not a CIDR: the gateway's CNI plugin fails on it, so the routes of pods using ${d['configuration']} are unknown`,
  AKS_SGW_EGRESS_IPS_INVALID: (d) =>
    `StaticGatewayConfiguration ${d['configuration']} status.egressIpPrefix ${JSON.stringify(d['egressIpPrefix'])} is not a prefix or a list of IPv4 addresses`,
  AKS_SGW_SECONDARY_IPS_UNKNOWN: (d) =>
    `a private destination sees the secondary private IP of the gateway node that carries the flow, and GatewayVMConfiguration ${d['configuration']} lists none that parses (not provisioned yet, or not among the objects read)`,
} satisfies Findings;

declare module '../../model/reasons.ts' {
  interface MechanismReasonCodes extends CodesOf<typeof FINDINGS> {}
}

export const aksStaticEgressGateway: GatewayMechanism<AksStaticEgressGatewayLayer, AksGatewayInput> = {
  id: 'aks-static-egress-gateway',
  stage: 'egress-gateway',
  findings: FINDINGS,
  upstream: 'Azure/kube-egress-gateway pkg/cni/routes/routes.go, controllers/cnimanager/server.go, docs/design.md',
  detection: aksStaticEgressGatewayDetection,
  describe: (layer) =>
    `AKS static egress gateway (${layer.configurations.length} StaticGatewayConfiguration${layer.configurations.length === 1 ? '' : 's'})`,
  input(_layer, { pod }) {
    const name = pod.annotations[GATEWAY_ANNOTATION];
    // The CNI plugin is not run for hostNetwork pods (AKS docs: they cannot be annotated).
    if (pod.hostNetwork || name === undefined) return undefined;
    return { namespace: pod.namespace, name };
  },
  decide(layer, input, destination, ctx) {
    const effect = new EffectBuilder(ctx.trace);
    const configuration = layer.configurations.find((c) => c.namespace === input.namespace && c.name === input.name);
    const named = `${input.namespace}/${input.name}`;
    if (destination.range.family === 6)
      return effect
        .note(LAYER, 'not-applicable', { code: 'AKS_SGW_IPV6_NOT_ROUTED', data: { configuration: named } })
        .build();
    if (!configuration && layer.unreadConfigurations) {
      return unknown(effect, {
        code: 'AKS_SGW_CONFIGURATIONS_UNREADABLE',
        data: { ...gapData(layer.unreadConfigurations), configuration: named },
      }).build();
    }
    if (!configuration) {
      const elsewhere = layer.configurations
        .filter((c) => c.name === input.name)
        .map((c) => c.namespace)
        .join(', ');
      return unknown(effect, { code: 'AKS_SGW_CONFIGURATION_NOT_FOUND', data: { ...input, elsewhere } }).build();
    }
    return throughConfiguration(effect, layer, configuration, destination);
  },
};

/** Whether the pod's routes send the destination into the tunnel, and what the far side then sees. */
function throughConfiguration(
  effect: EffectBuilder,
  layer: AksStaticEgressGatewayLayer,
  c: StaticGatewayConfig,
  destination: Destination,
): Effect {
  const configuration = `${c.namespace}/${c.name}`;
  const source = c.source;
  // The CNI plugin adds every route or fails (routes.go), and the CNI manager refuses to start on a bad --exception-cidrs.
  const invalid = exceptionsOf(layer, c).find((e) => !parseCidr(e.cidr));
  if (invalid)
    return unknown(effect, {
      code: 'AKS_SGW_EXCLUDE_CIDR_INVALID',
      data: { configuration, ...invalid },
      source,
    }).build();
  const routed = routedThroughGateway(layer, c, destination);
  if (routed === 'some')
    return unknown(effect, { code: 'AKS_SGW_ROUTE_MIXED', data: { configuration }, source }).build();
  if (routed !== 'all') return effect.note(LAYER, 'not-applicable', { ...routed, source }).build();
  if (!c.egressIpPrefix)
    return unknown(effect, { code: 'AKS_SGW_NO_EGRESS_PREFIX', data: { configuration }, source }).build();
  // An internal load balancer spreads flows over the pool's nodes: the gateway is the pool, not one node.
  const pool = c.gatewayPool ?? 'unnamed';
  const fields = {
    identity: 'egress-ip' as const,
    via: LAYER,
    egressFrom: source,
    gateway: { node: pool, policy: configuration },
  };
  const applied = {
    code: 'AKS_SGW_GATEWAY' as const,
    data: { configuration, pool, egress: c.egressIpPrefix, mode: c.provisionPublicIps ? 'public' : 'private' },
    source,
  };
  if (c.provisionPublicIps) return publicMode(effect, layer, c, destination, fields, applied);
  // Private IP mode: the private IPs are what leaves the gateway; a NAT beyond it (firewall, NAT
  // gateway) is the next step's to decide, so the packet is not settled here.
  const ips = c.egressIpPrefix.split(',').map((ip) => ip.trim());
  if (!ips.every((ip) => parseIp(ip)?.family === 4))
    return unknown(effect, {
      code: 'AKS_SGW_EGRESS_IPS_INVALID',
      data: { configuration, egressIpPrefix: c.egressIpPrefix },
      source,
    }).build();
  return effect.note(LAYER, 'applied', applied).reason(applied).leaveFromSet(ips, fields).build();
}

type Applied = { code: 'AKS_SGW_GATEWAY'; data: Record<string, string>; source: StaticGatewayConfig['source'] };

function publicMode(
  effect: EffectBuilder,
  layer: AksStaticEgressGatewayLayer,
  c: StaticGatewayConfig,
  destination: Destination,
  fields: Parameters<EffectBuilder['leaveFromSet']>[1],
  applied: Applied,
): Effect {
  // Azure maps the secondary IP to the public prefix only on the way to the internet.
  const inside = nonPublicCoverage(destination.range);
  if (inside === 'some') return unknown(effect, { code: 'DST_RANGE_MIXED_PUBLIC', data: {} }).build();
  if (inside === 'all') return secondaryIPs(effect, layer, c, fields, applied);
  effect.note(LAYER, 'applied', applied).reason(applied).leaveFromPrefix(LAYER, c.egressIpPrefix!, fields, c.source);
  return effect.set({ via: LAYER, settled: true }).build();
}

/** A private destination sees the secondary IP the gateway node SNATs to, which its GatewayVMConfiguration lists. */
function secondaryIPs(
  effect: EffectBuilder,
  layer: AksStaticEgressGatewayLayer,
  c: StaticGatewayConfig,
  fields: Parameters<EffectBuilder['leaveFromSet']>[1],
  applied: Applied,
): Effect {
  const configuration = `${c.namespace}/${c.name}`;
  const ips = c.secondaryIPs?.addresses.filter((ip) => parseIp(ip)?.family === 4) ?? [];
  if (ips.length === 0 && layer.unreadVMConfigurations) {
    return unknown(effect, {
      code: 'AKS_SGW_GATEWAY_ADDRESSES_UNREADABLE',
      data: { ...gapData(layer.unreadVMConfigurations), configuration },
    }).build();
  }
  if (ips.length === 0 || ips.length < c.secondaryIPs!.addresses.length)
    return unknown(effect, {
      code: 'AKS_SGW_SECONDARY_IPS_UNKNOWN',
      data: { configuration },
      source: c.source,
    }).build();
  const found = {
    ...applied,
    data: { ...applied.data, mode: 'secondary', egress: ips.join(','), vmConfiguration: configuration },
    source: c.secondaryIPs!.source,
  };
  return effect.note(LAYER, 'applied', found).reason(found).leaveFromSet(ips, fields).set({ settled: true }).build();
}

/** Ends the walk with `unknown`, said to be this layer's. */
function unknown(effect: EffectBuilder, finding: Finding): EffectBuilder {
  return effect.unknown(LAYER, finding).set({ via: LAYER });
}

type Routing =
  | 'all'
  | 'some'
  | { code: 'AKS_SGW_DST_EXCLUDED' | 'AKS_SGW_DST_NOT_ROUTED'; data: Record<string, string> };

/** routes.go: the tunnel takes 0.0.0.0/0 minus the exceptions, or only the excludeCidrs with azureNetworking. */
function routedThroughGateway(
  layer: AksStaticEgressGatewayLayer,
  c: StaticGatewayConfig,
  destination: Destination,
): Routing {
  const configuration = `${c.namespace}/${c.name}`;
  const excluded = cidrBlocks(c.excludeCidrs);
  if (c.defaultRoute === 'azureNetworking') {
    const covered = coverage(destination.range, excluded);
    return covered === 'none'
      ? { code: 'AKS_SGW_DST_NOT_ROUTED', data: { configuration, cidrs: c.excludeCidrs.join(', ') } }
      : covered;
  }
  const exceptions = exceptionsOf(layer, c);
  const covered = coverage(destination.range, cidrBlocks(exceptions.map((e) => e.cidr)));
  if (covered === 'none') return 'all';
  if (covered === 'some') return 'some';
  const by = exceptions.find((e) => coverage(destination.range, cidrBlocks([e.cidr])) === 'all') ?? exceptions[0]!;
  return { code: 'AKS_SGW_DST_EXCLUDED', data: { configuration, cidr: by.cidr, field: by.field } };
}

/** The CIDRs a pod's routes keep off the tunnel (defaultRoute staticEgressGateway), or the only ones sent into it (azureNetworking), with where each is written. */
function exceptionsOf(layer: AksStaticEgressGatewayLayer, c: StaticGatewayConfig): { cidr: string; field: string }[] {
  const own = c.excludeCidrs.map((cidr) => ({
    cidr,
    field: `StaticGatewayConfiguration ${c.namespace}/${c.name} spec.excludeCidrs`,
  }));
  if (c.defaultRoute === 'azureNetworking') return own;
  const manager = layer.cniManager
    ? `--exception-cidrs of DaemonSet ${layer.cniManager.namespace}/${layer.cniManager.name}`
    : "the CNI manager's default --exception-cidrs";
  return [...own, ...layer.exceptionCidrs.map((cidr) => ({ cidr, field: manager }))];
}
