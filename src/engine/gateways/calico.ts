/**
 * Calico Enterprise egress gateways (tigera/docs calico-enterprise egress-gateway-on-prem.mdx,
 * egressgatewaypolicy.mdx; reference/snat-mechanisms.md §5.3): a Namespace (or, with
 * EnabledPerNamespaceOrPerPod, a Pod) annotated `egress.projectcalico.org/selector` sends its
 * traffic to the egress gateway pods that selector picks; an `egressGatewayPolicy` annotation picks
 * the gateway per destination (longest prefix; a rule without gateway means none). The
 * destination sees the gateway pod's IP, or its node's IP when the gateway's pool has natOutgoing.
 */
import type { CalicoEgressGatewayLayer, CalicoEgressRule } from '../../model/layers/calico.ts';
import type { Destination } from '../../model/decision.ts';
import type { Finding } from '../../model/reasons.ts';
import type { PodInfo } from '../../model/snapshot.ts';
import { cidrBlocks, coverage, parseCidr, singleAddress } from '../../net/ip.ts';
import { tableKind, type EngineContext } from '../core/context.ts';
import { Table3 } from '../core/keyed.ts';
import { EffectBuilder } from '../core/effect.ts';
import { matchesSelector } from '../core/label-selector.ts';
import type { GatewayMechanism } from '../core/mechanism.ts';
import { familyOf, invalidNodeAddress, nodeInternalIP } from '../core/node-address.ts';
import { parseCalicoSelector } from './calico-selector.ts';
import type { CodesOf } from '../../model/reasons.ts';
import type { Findings } from '../core/mechanism.ts';
import { gapData } from '../../config/gaps.ts';
import { CALICO_EGRESS_PREFIX as PREFIX } from '../../config/pods.ts';

const LAYER = 'calico-egress-gateway';
/** One shared object per distinct set of effective annotations, by its canonical text. */
const ANNOTATIONS = tableKind(() => new Map<string, Readonly<Record<string, string>>>());
/** The gateway pods a selector picks, by selector, namespace selector and the pod's namespace when that applies. */
const GATEWAY_PODS = tableKind(() => new Table3<string, string | undefined, string | undefined, PodInfo[]>());

/** Everything of a pod the gateway's choice reads: its namespace and the egress annotations in force. */
export interface CalicoGatewayInput {
  namespace: string;
  /** The effective `egress.projectcalico.org/` annotations without the prefix; one shared object per distinct content. */
  annotations: Readonly<Record<string, string>>;
  /** The pod has no annotation of its own and its Namespace could not be read. */
  namespaceUnread?: boolean;
}

/** The sentence for each code this mechanism reports (render/messages.ts reads them through the registry). */
const FINDINGS = {
  CALICO_EGW_DISABLED: (d) =>
    `egress gateway annotations (selector ${d['selector'] ?? d['egressGatewayPolicy']}) have no effect: FelixConfiguration egressIPSupport is Disabled`,
  CALICO_EGW_DST_IN_CLUSTER: () => 'the destination is inside a Calico IP pool: not sent to an egress gateway',
  CALICO_EGW_POLICY_NOT_FOUND: (d) => `EgressGatewayPolicy ${d['policy']} named by the annotation was not read`,
  CALICO_EGW_RULE_NO_GATEWAY: (d) =>
    `EgressGatewayPolicy ${d['policy']} rule ${d['cidr']} names no gateway: normal routing`,
  CALICO_EGW_NO_GATEWAY_PODS: (d) =>
    `no egress gateway pod matching ${d['selector']} was read (read the gateways' namespace, e.g. with -A)`,
  CALICO_EGW_GATEWAY: (d) =>
    `Calico egress gateway ${d['gateways']} (selector ${d['selector']}) carries the traffic: the destination sees ${d['sourceIP']}`,
  CALICO_EGW_GATEWAY_SET: (d) =>
    `traffic is spread over several egress gateways (${d['candidates']}); any of them may be seen`,
  CALICO_EGW_POLICY_CIDR_INVALID: (d) =>
    `EgressGatewayPolicy ${d['policy']} has a rule for ${JSON.stringify(d['cidr'])}, which is not a CIDR: which rule covers the destination is unknown`,
  CALICO_SELECTOR_UNSUPPORTED: (d) => `the Calico selector ${d['selector']} uses syntax this tool does not evaluate`,
} satisfies Findings;

declare module '../../model/reasons.ts' {
  interface MechanismReasonCodes extends CodesOf<typeof FINDINGS> {}
}

export const calicoEgressGateway: GatewayMechanism<CalicoEgressGatewayLayer, CalicoGatewayInput> = {
  id: 'calico-egress-gateway',
  stage: 'egress-gateway',
  findings: FINDINGS,
  upstream: 'tigera/docs calico-enterprise egress-gateway-on-prem.mdx, egressgatewaypolicy.mdx',
  // The calico layer's own words already cover the pools; the annotations are per namespace.
  describe: () => undefined,
  input(layer, { ctx, pod }) {
    const annotations = effectiveAnnotations(ctx, layer, pod);
    const annotated = Boolean(annotations['selector'] || annotations['egressGatewayPolicy']);
    // Unread Namespaces may carry the annotations that send the pod to a gateway.
    const namespaceUnread =
      !annotated &&
      layer.unreadNamespaces !== undefined &&
      (layer.egressIPSupport !== 'Disabled' || layer.unreadFelix !== undefined);
    if (pod.hostNetwork || !(annotated || namespaceUnread)) return undefined;
    const key = JSON.stringify(Object.entries(annotations).sort());
    const canonical = ctx.table(ANNOTATIONS);
    if (!canonical.has(key)) canonical.set(key, annotations);
    return {
      namespace: pod.namespace,
      annotations: canonical.get(key)!,
      ...(namespaceUnread ? { namespaceUnread } : {}),
    };
  },
  decide(layer, { namespace: podNamespace, annotations, namespaceUnread }, destination, ctx) {
    const effect = new EffectBuilder(ctx.trace);
    const data = { ...annotations };
    if (layer.egressIPSupport === 'Disabled' && !layer.unreadFelix)
      return effect.note(LAYER, 'not-applicable', { code: 'CALICO_EGW_DISABLED', data }).build();
    const inPools = cidrBlocks(layer.pools.map((p) => p.cidr));
    if (coverage(destination.range, inPools) === 'all')
      return effect.note(LAYER, 'not-applicable', { code: 'CALICO_EGW_DST_IN_CLUSTER', data }).build();
    // Whether the annotations count at all is FelixConfiguration's egressIPSupport.
    if (layer.unreadFelix)
      return effect.unknown(LAYER, { code: 'CALICO_CONFIG_UNREADABLE', data: gapData(layer.unreadFelix) }).build();
    if (namespaceUnread)
      return effect.unknown(LAYER, { code: 'NAMESPACES_UNREADABLE', data: gapData(layer.unreadNamespaces!) }).build();
    const gateway = annotations['egressGatewayPolicy']
      ? gatewayFromPolicy(effect, layer, annotations['egressGatewayPolicy'], destination)
      : { selector: annotations['selector']!, namespaceSelector: annotations['namespaceSelector'] };
    if (!gateway) return effect.build();
    const selector = parseCalicoSelector(gateway.selector);
    const namespaceSelector = gateway.namespaceSelector ? parseCalicoSelector(gateway.namespaceSelector) : undefined;
    if (!selector || (gateway.namespaceSelector && !namespaceSelector)) {
      return effect
        .unknown(LAYER, { code: 'CALICO_SELECTOR_UNSUPPORTED', data: { selector: gateway.selector } })
        .build();
    }
    const namespace = namespaceSelector ? undefined : podNamespace;
    const snapshot = ctx.snapshot;
    const found = ctx.table(GATEWAY_PODS);
    const gatewayPods =
      found.find(gateway.selector, gateway.namespaceSelector, namespace) ??
      found.put(
        gateway.selector,
        gateway.namespaceSelector,
        namespace,
        snapshot.pods.filter(
          (p) =>
            matchesSelector(p.labels, selector) &&
            (namespaceSelector
              ? matchesSelector(snapshot.namespaceLabels[p.namespace] ?? {}, namespaceSelector)
              : p.namespace === namespace),
        ),
      );
    if (gatewayPods.length === 0)
      return effect
        .unknown(LAYER, { code: 'CALICO_EGW_NO_GATEWAY_PODS', data: { selector: gateway.selector } })
        .build();
    return applyGateways(effect, ctx, layer, gatewayPods, gateway.selector, destination).build();
  },
};

/** Pod annotations count only with EnabledPerNamespaceOrPerPod, and then win over the Namespace's. */
function effectiveAnnotations(
  ctx: EngineContext,
  layer: CalicoEgressGatewayLayer,
  pod: PodInfo,
): Record<string, string> {
  const strip = (a: Record<string, string>) =>
    Object.fromEntries(
      Object.entries(a)
        .filter(([k]) => k.startsWith(PREFIX))
        .map(([k, v]) => [k.slice(PREFIX.length), v]),
    );
  const namespace = strip(ctx.snapshot.namespaceAnnotations[pod.namespace] ?? {});
  // With egressIPSupport unread, a pod's own annotations may count: its answer is then unknown, not skipped.
  return layer.egressIPSupport === 'EnabledPerNamespaceOrPerPod' || layer.unreadFelix
    ? { ...namespace, ...strip(pod.annotations) }
    : namespace;
}

function gatewayFromPolicy(
  effect: EffectBuilder,
  layer: CalicoEgressGatewayLayer,
  name: string,
  destination: Destination,
): CalicoEgressRule['gateway'] | undefined {
  const policy = layer.egressGatewayPolicies.find((p) => p.name === name);
  if (!policy && layer.unreadPolicies) {
    effect.unknown(LAYER, { code: 'CALICO_CONFIG_UNREADABLE', data: gapData(layer.unreadPolicies) });
    return undefined;
  }
  if (!policy) {
    effect.unknown(LAYER, { code: 'CALICO_EGW_POLICY_NOT_FOUND', data: { policy: name } });
    return undefined;
  }
  // A rule whose cidr does not parse might be the most specific one for the destination.
  const broken = policy.rules.find((r) => r.cidr !== undefined && !parseCidr(r.cidr));
  if (broken) {
    effect.unknown(LAYER, { code: 'CALICO_EGW_POLICY_CIDR_INVALID', data: { policy: name, cidr: broken.cidr! } });
    return undefined;
  }
  const family = destination.range.family;
  const candidates = policy.rules
    .map((rule) => ({ rule, cidr: parseCidr(rule.cidr ?? (family === 4 ? '0.0.0.0/0' : '::/0'))?.cidr }))
    .filter((c) => c.cidr && c.cidr.family === family && coverage(destination.range, [c.cidr]) === 'all')
    .sort((a, b) => b.cidr!.prefix - a.cidr!.prefix);
  const rule = candidates[0]?.rule;
  if (!rule) return undefined;
  if (!rule.gateway) {
    effect.note(LAYER, 'not-applicable', {
      code: 'CALICO_EGW_RULE_NO_GATEWAY',
      data: { policy: name, cidr: rule.cidr ?? 'default' },
    });
    return undefined;
  }
  return rule.gateway;
}

function applyGateways(
  effect: EffectBuilder,
  ctx: EngineContext,
  layer: CalicoEgressGatewayLayer,
  gateways: PodInfo[],
  selector: string,
  destination: Destination,
): EffectBuilder {
  const family = destination.range.family;
  const outcomes = gateways.map((gw) => ({ gw, ip: gatewaySourceIP(ctx, layer, gw, family) }));
  const distinct = [...new Set(outcomes.map((o) => o.ip ?? '?'))];
  const first = outcomes[0]!;
  const finding: Finding = {
    code: 'CALICO_EGW_GATEWAY',
    data: {
      selector,
      gateways: outcomes.map((o) => `${o.gw.namespace}/${o.gw.name}`).join(', '),
      sourceIP: distinct.join(', '),
    },
  };
  effect.note(LAYER, 'applied', finding).reason(finding);
  const single = distinct.length === 1 && first.ip;
  const fields = {
    identity: 'egress-gateway' as const,
    via: LAYER,
    gateway: { node: first.gw.nodeName ?? '', policy: selector },
  };
  if (single) return effect.set({ ...fields, sourceIP: first.ip! });
  // Flows are spread over the gateways: a set when every gateway's address is known.
  const known = outcomes.every((o) => o.ip)
    ? effect.leaveFromSet(distinct, fields)
    : effect.set({ ...fields, sourceIP: null });
  return known
    .reason({ code: 'CALICO_EGW_GATEWAY_SET', data: { candidates: distinct.join(', ') } })
    .set({ settled: true });
}

/** The gateway pod's IP, or its node's when the gateway pod's pool masquerades (natOutgoing). */
function gatewaySourceIP(
  ctx: EngineContext,
  layer: CalicoEgressGatewayLayer,
  gateway: PodInfo,
  family: 4 | 6,
): string | undefined {
  const ip = gateway.podIPs.find((a) => familyOf(a) === family);
  const address = ip && singleAddress(ip);
  if (!address) return undefined;
  const pool = layer.pools.find((p) => {
    const c = parseCidr(p.cidr)?.cidr;
    return c && coverage(address, [c]) === 'all';
  });
  if (!pool?.natOutgoing) return ip;
  const node = ctx.node(gateway.nodeName);
  // A node whose InternalIP of the family may be an invalid value: the gateway's address is unknown.
  return node && !invalidNodeAddress(node, 'InternalIP', family) ? nodeInternalIP(node, family) : undefined;
}
