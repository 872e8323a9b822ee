/**
 * Egress routes kept for traffic the cluster's own egress policy never lets out (issue 18): an
 * egress gateway object (a CiliumEgressGatewayPolicy for its destinationCIDRs, an OVN-Kubernetes
 * EgressIP or an Antrea Egress for everything outside the cluster) whose every selected pod is
 * denied every destination it serves, and an allowlist (lint --to … --allowed …) for a destination
 * every selected pod is denied. The verdict is the engine's own (steps/egress-policy.ts), asked at
 * the source pod as the datapath asks it; `unknown` for any pod is no finding.
 */
import type { Destination } from '../../model/decision.ts';
import type { AntreaEgressLayer } from '../../model/layers/antrea.ts';
import type { OvnEgressIpLayer } from '../../model/layers/ovn-kubernetes.ts';
import type { ObjectRef } from '../../model/objects.ts';
import type { PolicyRef } from '../../model/policy.ts';
import type { PodInfo } from '../../model/snapshot.ts';
import { parseCidr } from '../../net/ip.ts';
import type { EngineContext } from '../core/context.ts';
import { egressesSelecting } from '../gateways/antrea-selection.ts';
import { egressIPsSelecting } from '../gateways/ovn-egress-ip.ts';
import { egressPolicy } from '../steps/egress-policy.ts';
import { defineCheck, type Report } from './check.ts';
import { policiesSelecting, policyRef } from './cilium-selection.ts';

const CODES = { EGRESS_GATEWAY_POLICY_DENIED: 'warning', ALLOWLIST_POLICY_DENIED: 'warning' } as const;

/** Everything outside the cluster, as an egress IP object serves it: both families, so a policy must deny both. */
const EVERYWHERE = ['0.0.0.0/0', '::/0'];

export const policyDenied = defineCheck({
  id: 'policy-denied',
  codes: CODES,
  upstream:
    'the egress policy step (NetworkPolicy, EgressFirewall), cilium/cilium pkg/egressgateway, ovn-org/ovn-kubernetes egressip.go, antrea pkg/agent/controller/egress',
  run({ snapshot, pods, ctx, allowlist }, report) {
    const candidates = pods.filter((p) => !p.hostNetwork);
    const gateways: { object: ObjectRef; selected: PodInfo[]; destinations: string[] }[] = [];
    const dp = snapshot.datapath.cilium;
    if (dp) {
      const selected = podsBySelector(candidates, (pod) => policiesSelecting(ctx, pod, dp));
      for (const policy of dp.egressPolicies.filter((p) => !p.invalid)) {
        gateways.push({
          object: policyRef(policy),
          selected: selected.get(policy) ?? [],
          destinations: policy.destinationCIDRs,
        });
      }
    }
    for (const layer of snapshot.datapath.gateways) {
      if (layer.mechanism === 'ovn-egress-ip') gateways.push(...ovnEgressIPs(ctx, layer, candidates));
      if (layer.mechanism === 'antrea-egress') gateways.push(...antreaEgresses(ctx, layer, candidates));
    }
    for (const gateway of gateways) {
      const denied = deniedFor(
        ctx,
        gateway.selected,
        gateway.destinations.flatMap((text) => destinationOf(text) ?? []),
      );
      if (denied)
        report('EGRESS_GATEWAY_POLICY_DENIED', gateway.object, {
          object: `${gateway.object.kind} ${gateway.object.name}`,
          destinations: gateway.destinations.join(', '),
          pods: String(gateway.selected.length),
          policies: names(denied),
        });
    }
    if (allowlist) checkAllowlist(ctx, candidates, allowlist.query.destinations, allowlist.allowed.length, report);
  },
});

/** Each object's selected pods, in the pods' order: one selection per pod, not one per pod and object. */
function podsBySelector<T>(pods: readonly PodInfo[], selecting: (pod: PodInfo) => readonly T[]): Map<T, PodInfo[]> {
  const byObject = new Map<T, PodInfo[]>();
  for (const pod of pods) {
    for (const object of selecting(pod)) {
      const list = byObject.get(object);
      if (list) list.push(pod);
      else byObject.set(object, [pod]);
    }
  }
  return byObject;
}

function checkAllowlist(
  ctx: EngineContext,
  pods: readonly PodInfo[],
  destinations: readonly Destination[],
  allowed: number,
  report: Report<keyof typeof CODES>,
): void {
  for (const destination of destinations) {
    const denied = deniedFor(ctx, pods, [destination]);
    if (!denied) continue;
    const first = denied[0]!;
    report(
      'ALLOWLIST_POLICY_DENIED',
      { kind: first.kind, ...(first.namespace && { namespace: first.namespace }), name: first.name },
      { destination: destination.text, pods: String(pods.length), policies: names(denied), allowed: String(allowed) },
    );
  }
}

/** The policies that deny every pod every destination; undefined when there are none of either, or one packet is not surely denied. */
function deniedFor(
  ctx: EngineContext,
  pods: readonly PodInfo[],
  destinations: readonly Destination[],
): PolicyRef[] | undefined {
  if (pods.length === 0 || destinations.length === 0) return undefined;
  const deciding = new Map<string, PolicyRef>();
  for (const pod of pods) {
    for (const destination of destinations) {
      const answer = egressPolicy(ctx, pod, destination).policy;
      if (answer?.verdict !== 'denied') return undefined;
      for (const ref of answer.decidedBy) deciding.set(`${ref.kind} ${ref.namespace ?? ''}/${ref.name}`, ref);
    }
  }
  return [...deciding.values()];
}

function ovnEgressIPs(ctx: EngineContext, layer: OvnEgressIpLayer, pods: readonly PodInfo[]) {
  // Selection reads the Namespaces' labels: unread, which pods an EgressIP has would be a guess.
  if (layer.unreadNamespaces) return [];
  const selected = podsBySelector(pods, (pod) => egressIPsSelecting(ctx, layer, pod));
  return layer.egressIPs.map((egressIP) => ({
    object: { kind: 'EgressIP', name: egressIP.name },
    destinations: EVERYWHERE,
    selected: selected.get(egressIP) ?? [],
  }));
}

function antreaEgresses(ctx: EngineContext, layer: AntreaEgressLayer, pods: readonly PodInfo[]) {
  const selections = pods.map((pod) => ({ pod, selection: egressesSelecting(ctx, layer, pod) }));
  return layer.egresses
    .filter((e) => !e.ignored)
    .map((egress) => ({
      object: { kind: 'Egress', name: egress.name },
      destinations: EVERYWHERE,
      // A pod whose selection is unknown may be one of its pods: then it is not surely denied.
      selected: selections.some((s) => s.selection.unknown)
        ? []
        : selections.filter((s) => s.selection.egresses.includes(egress)).map((s) => s.pod),
    }));
}

function destinationOf(text: string): Destination | undefined {
  const parsed = parseCidr(text);
  return parsed && { text, kind: 'cidr', range: parsed.cidr, protocol: 'TCP' };
}

function names(refs: readonly PolicyRef[]): string {
  return refs
    .map((r) => `${r.kind} ${r.namespace ? `${r.namespace}/` : ''}${r.name}`)
    .filter((n, i, all) => all.indexOf(n) === i)
    .join(', ');
}
