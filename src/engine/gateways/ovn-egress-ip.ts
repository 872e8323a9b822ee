/**
 * OVN-Kubernetes EgressIP (docs/features/cluster-egress-controls/egress-ip.md; the type in
 * go-controller/pkg/crd/egressip/v1/types.go; the controller in go-controller/pkg/ovn/egressip.go).
 * A pod whose namespace matches spec.namespaceSelector and whose labels match spec.podSelector
 * (absent: every pod there) is rerouted to the egress nodes in status.items and SNATed there to
 * that node's egress IP; with several, the reroute policy lists every node and ECMP picks one per
 * connection, so the destination may see any of the assigned IPs. Only assigned IPs carry
 * traffic: with nothing assigned, addPodEgressIPAssignments returns without a reroute and the pod
 * keeps the default SNAT. East-west traffic (pods, nodes, the join subnet) is never rerouted.
 * A pod matched by two EgressIPs is served by whichever the controller processed first (the
 * other stands by, event "UndefinedRequest ... this is undefined"): unknown.
 */
import type { OvnEgressIP, OvnEgressIpLayer } from '../../model/layers/ovn-kubernetes.ts';
import type { CodesOf, Finding } from '../../model/reasons.ts';
import type { PodInfo } from '../../model/snapshot.ts';
import { orderedAddressSet, parseIp } from '../../net/ip.ts';
import { gapData } from '../../config/gaps.ts';
import type { EngineContext } from '../core/context.ts';
import { EffectBuilder } from '../core/effect.ts';
import { matchesSelector } from '../core/label-selector.ts';
import type { Findings, GatewayMechanism } from '../core/mechanism.ts';
import { eastWest, onOvnPodNetwork } from './ovn-network.ts';

const LAYER = 'ovn-egress-ip';

/**
 * Everything of a pod the choice reads: the EgressIPs that select it, or why that is unknown.
 * Strings only, so that pods selected alike share one interned input and its verdicts.
 */
export interface OvnEgressIpInput {
  /** The names of the EgressIPs whose selectors match the pod, sorted, joined by `, `. */
  matched: string;
  unknown?: 'egressips' | 'namespaces' | 'selector';
}

/** The sentence for each code this mechanism reports (render/messages.ts reads them through the registry). */
const FINDINGS = {
  OVN_EGRESSIP: (d) =>
    `EgressIP ${d['egressIP']} selects the pod: rerouted to ${d['nodes']} and SNATed to ${d['ips']}${d['count'] === '1' ? '' : ' (one of them per connection, ECMP)'}`,
  OVN_EGRESSIP_EAST_WEST: () =>
    'the destination is inside the cluster (pods, nodes): EgressIP leaves east-west traffic alone',
  OVN_EGRESSIP_NOT_ASSIGNED: (d) =>
    `EgressIP ${d['egressIP']} selects the pod but no ${d['family']} egress IP of it is assigned to a node (status.items): the traffic takes the default path`,
  OVN_EGRESSIP_MULTIPLE: (d) =>
    `EgressIPs ${d['egressIPs']} all select the pod: OVN-Kubernetes serves it with whichever it processed first, which is undefined`,
  OVN_EGRESSIP_SELECTOR_INVALID: (d) =>
    `EgressIP ${d['egressIP']} has a selector this tool cannot read: whether it selects the pod is unknown`,
} satisfies Findings;

declare module '../../model/reasons.ts' {
  interface MechanismReasonCodes extends CodesOf<typeof FINDINGS> {}
}

export const ovnEgressIp: GatewayMechanism<OvnEgressIpLayer, OvnEgressIpInput> = {
  id: 'ovn-egress-ip',
  stage: 'egress-gateway',
  findings: FINDINGS,
  upstream:
    'ovn-org/ovn-kubernetes docs/features/cluster-egress-controls/egress-ip.md, go-controller/pkg/ovn/egressip.go',
  describe: (layer) =>
    layer.unread
      ? 'EgressIPs unreadable'
      : `${layer.egressIPs.length} EgressIP${layer.egressIPs.length === 1 ? '' : 's'}`,
  input(layer, { ctx, pod, node }) {
    // EgressIP serves OVN's pod network only (the reroute matches the pod's IP).
    if (!onOvnPodNetwork(ctx, layer, pod, node)) return undefined;
    if (layer.unread) return { matched: '', unknown: 'egressips' };
    if (layer.unreadNamespaces && layer.egressIPs.length > 0) return { matched: '', unknown: 'namespaces' };
    if (layer.egressIPs.some((e) => !e.namespaceSelector || !e.podSelector))
      return { matched: '', unknown: 'selector' };
    const matched = egressIPsSelecting(ctx, layer, pod)
      .map((e) => e.name)
      .sort();
    return matched.length > 0 ? { matched: matched.join(', ') } : undefined;
  },
  decide(layer, { matched, unknown }, destination, ctx) {
    const effect = new EffectBuilder(ctx.trace);
    if (eastWest(ctx, layer, destination))
      return effect.note(LAYER, 'not-applicable', { code: 'OVN_EGRESSIP_EAST_WEST', data: {} }).build();
    if (unknown) return effect.unknown(LAYER, unknownFinding(layer, unknown)).build();
    const names = matched.split(', ');
    if (names.length > 1)
      return effect
        .unknown(LAYER, {
          code: 'OVN_EGRESSIP_MULTIPLE',
          data: { egressIPs: matched },
          source: { kind: 'EgressIP', name: names[0]! },
        })
        .build();
    const egressIP = layer.egressIPs.find((e) => e.name === matched)!;
    const family = destination.range.family;
    const assigned = egressIP.assigned.filter((a) => parseIp(a.egressIP)?.family === family);
    if (assigned.length === 0) {
      const finding = {
        code: 'OVN_EGRESSIP_NOT_ASSIGNED' as const,
        data: { egressIP: egressIP.name, family: `IPv${family}` },
        source: ref(egressIP),
      };
      return effect.note(LAYER, 'not-applicable', finding).warn(finding).build();
    }
    const ips = assigned.map((a) => a.egressIP);
    const nodes = [...new Set(assigned.map((a) => a.node))].sort();
    const finding = {
      code: 'OVN_EGRESSIP' as const,
      data: { egressIP: egressIP.name, ips: ips.join(', '), nodes: nodes.join(', '), count: String(ips.length) },
      source: ref(egressIP),
    };
    // The gateway node: where the traffic leaves (beyond-node reads its cloud); for a set, the node of the first address.
    const first = orderedAddressSet(ips)[0];
    const gateway = { node: assigned.find((a) => a.egressIP === first)!.node, policy: egressIP.name };
    return effect
      .note(LAYER, 'applied', finding)
      .reason(finding)
      .leaveFromSet(ips, { identity: 'egress-ip', via: LAYER, gateway, egressFrom: ref(egressIP) })
      .build();
  },
};

/** The EgressIPs whose namespaceSelector matches the pod's Namespace and podSelector its labels. */
export function egressIPsSelecting(ctx: EngineContext, layer: OvnEgressIpLayer, pod: PodInfo): OvnEgressIP[] {
  const namespaceLabels = ctx.snapshot.namespaceLabels[pod.namespace] ?? {};
  return layer.egressIPs.filter(
    (e) =>
      e.namespaceSelector &&
      e.podSelector &&
      matchesSelector(namespaceLabels, e.namespaceSelector) &&
      matchesSelector(pod.labels, e.podSelector),
  );
}

function unknownFinding(layer: OvnEgressIpLayer, why: NonNullable<OvnEgressIpInput['unknown']>): Finding {
  if (why === 'egressips') return { code: 'OVN_EGRESSIPS_UNREADABLE', data: gapData(layer.unread!) };
  if (why === 'namespaces')
    return { code: 'OVN_EGRESSIP_NAMESPACES_UNREADABLE', data: gapData(layer.unreadNamespaces!) };
  const invalid = layer.egressIPs.find((e) => !e.namespaceSelector || !e.podSelector)!;
  return { code: 'OVN_EGRESSIP_SELECTOR_INVALID', data: { egressIP: invalid.name }, source: ref(invalid) };
}

function ref(egressIP: OvnEgressIP): { kind: string; name: string } {
  return { kind: 'EgressIP', name: egressIP.name };
}
