/**
 * Calico Enterprise egress gateways (tigera/docs calico-enterprise egress-gateway-on-prem.mdx,
 * egressgatewaypolicy.mdx; reference/snat-mechanisms.md §5.3): a Namespace (or, with
 * EnabledPerNamespaceOrPerPod, a Pod) annotated `egress.projectcalico.org/selector` sends its
 * traffic to the egress gateway pods that selector picks; an `egressGatewayPolicy` annotation picks
 * the gateway per destination (longest prefix; a rule without gateway means none). The
 * destination sees the gateway pod's IP, or its node's IP when the gateway's pool has natOutgoing.
 */
import type { CalicoEgressRule, CalicoLayer } from '../../model/datapath.ts';
import type { Finding } from '../../model/reasons.ts';
import type { PodInfo, Snapshot } from '../../model/snapshot.ts';
import { byName, perObject } from '../memo.ts';
import { cidrBlocks, coverage, parseCidr, singleAddress } from '../../config/ip.ts';
import { matchesSelector } from '../label-selector.ts';
import { familyOf, nodeInternalIP } from '../node-address.ts';
import { addReasons, record, settleUnknown, type Packet, type PacketContext } from '../packet.ts';
import { parseCalicoSelector } from './calico-selector.ts';

const LAYER = 'calico-egress-gateway';

/** The gateway pods a selector picks, found once per snapshot: every packet of every annotated pod asks. */
const gatewayPodsOf = perObject((_snapshot: Snapshot) => {
  const found = new Map<string, PodInfo[]>();
  return {
    get(key: string, compute: () => PodInfo[]): PodInfo[] {
      if (!found.has(key)) found.set(key, compute());
      return found.get(key)!;
    },
  };
});
const PREFIX = 'egress.projectcalico.org/';

export function calicoEgressGateway(ctx: PacketContext, packet: Packet): void {
  const layer = ctx.snapshot.datapath.layers.find((l): l is CalicoLayer => l.mechanism === 'calico');
  const annotations = effectiveAnnotations(ctx, layer);
  if (!layer || ctx.pod.hostNetwork || !(annotations['selector'] || annotations['egressGatewayPolicy'])) return;
  const data = { ...annotations };
  if (layer.egressIPSupport === 'Disabled') return record(packet, LAYER, 'not-applicable', { code: 'CALICO_EGW_DISABLED', data });
  const inPools = cidrBlocks(layer.pools.map((p) => p.cidr));
  if (coverage(ctx.destination.range, inPools) === 'all') return record(packet, LAYER, 'not-applicable', { code: 'CALICO_EGW_DST_IN_CLUSTER', data });
  const gateway = annotations['egressGatewayPolicy'] ? gatewayFromPolicy(ctx, packet, layer, annotations['egressGatewayPolicy']) : { selector: annotations['selector']!, namespaceSelector: annotations['namespaceSelector'] };
  if (!gateway) return;
  const selector = parseCalicoSelector(gateway.selector);
  const namespaceSelector = gateway.namespaceSelector ? parseCalicoSelector(gateway.namespaceSelector) : undefined;
  if (!selector || (gateway.namespaceSelector && !namespaceSelector)) {
    return settleUnknown(packet, LAYER, { code: 'CALICO_SELECTOR_UNSUPPORTED', data: { selector: gateway.selector } });
  }
  const namespace = namespaceSelector ? undefined : ctx.pod.namespace;
  const gatewayPods = gatewayPodsOf(ctx.snapshot).get(`${gateway.selector}\u0000${gateway.namespaceSelector ?? ''}\u0000${namespace ?? ''}`, () =>
    ctx.snapshot.pods.filter((p) => matchesSelector(p.labels, selector)
      && (namespaceSelector ? matchesSelector(ctx.snapshot.namespaceLabels[p.namespace] ?? {}, namespaceSelector) : p.namespace === namespace)));
  if (gatewayPods.length === 0) return settleUnknown(packet, LAYER, { code: 'CALICO_EGW_NO_GATEWAY_PODS', data: { selector: gateway.selector } });
  applyGateways(ctx, packet, layer, gatewayPods, gateway.selector);
}

/** Pod annotations count only with EnabledPerNamespaceOrPerPod, and then win over the Namespace's. */
function effectiveAnnotations(ctx: PacketContext, layer: CalicoLayer | undefined): Record<string, string> {
  const strip = (a: Record<string, string>) => Object.fromEntries(Object.entries(a).filter(([k]) => k.startsWith(PREFIX)).map(([k, v]) => [k.slice(PREFIX.length), v]));
  const namespace = strip(ctx.snapshot.namespaceAnnotations[ctx.pod.namespace] ?? {});
  return layer?.egressIPSupport === 'EnabledPerNamespaceOrPerPod' ? { ...namespace, ...strip(ctx.pod.annotations) } : namespace;
}

function gatewayFromPolicy(ctx: PacketContext, packet: Packet, layer: CalicoLayer, name: string): CalicoEgressRule['gateway'] | undefined {
  const policy = layer.egressGatewayPolicies.find((p) => p.name === name);
  if (!policy) {
    settleUnknown(packet, LAYER, { code: 'CALICO_EGW_POLICY_NOT_FOUND', data: { policy: name } });
    return undefined;
  }
  const family = ctx.destination.range.family;
  const candidates = policy.rules
    .map((rule) => ({ rule, cidr: parseCidr(rule.cidr ?? (family === 4 ? '0.0.0.0/0' : '::/0'))?.cidr }))
    .filter((c) => c.cidr && c.cidr.family === family && coverage(ctx.destination.range, [c.cidr]) === 'all')
    .sort((a, b) => b.cidr!.prefix - a.cidr!.prefix);
  const rule = candidates[0]?.rule;
  if (!rule) return undefined;
  if (!rule.gateway) {
    record(packet, LAYER, 'not-applicable', { code: 'CALICO_EGW_RULE_NO_GATEWAY', data: { policy: name, cidr: rule.cidr ?? 'default' } });
    return undefined;
  }
  return rule.gateway;
}

function applyGateways(ctx: PacketContext, packet: Packet, layer: CalicoLayer, gateways: PodInfo[], selector: string): void {
  const family = ctx.destination.range.family;
  const outcomes = gateways.map((gw) => ({ gw, ip: gatewaySourceIP(ctx, layer, gw, family) }));
  const distinct = [...new Set(outcomes.map((o) => o.ip ?? '?'))];
  const first = outcomes[0]!;
  const finding: Finding = { code: 'CALICO_EGW_GATEWAY', data: { selector, gateways: outcomes.map((o) => `${o.gw.namespace}/${o.gw.name}`).join(', '), sourceIP: distinct.join(', ') } };
  record(packet, LAYER, 'applied', finding);
  addReasons(packet, finding);
  const single = distinct.length === 1 && first.ip;
  Object.assign(packet, { identity: 'egress-gateway', via: LAYER, sourceIP: single ? first.ip : null, gateway: { node: first.gw.nodeName ?? '', policy: selector } });
  if (!single) {
    addReasons(packet, { code: 'CALICO_EGW_GATEWAY_SET', data: { candidates: distinct.join(', ') } });
    packet.settled = true;
  }
}

/** The gateway pod's IP, or its node's when the gateway pod's pool masquerades (natOutgoing). */
function gatewaySourceIP(ctx: PacketContext, layer: CalicoLayer, gateway: PodInfo, family: 4 | 6): string | undefined {
  const ip = gateway.podIPs.find((a) => familyOf(a) === family);
  const address = ip && singleAddress(ip);
  if (!address) return undefined;
  const pool = layer.pools.find((p) => { const c = parseCidr(p.cidr)?.cidr; return c && coverage(address, [c]) === 'all'; });
  if (!pool?.natOutgoing) return ip;
  const node = byName(ctx.snapshot.nodes).get(gateway.nodeName ?? '');
  return node && nodeInternalIP(node, family);
}
