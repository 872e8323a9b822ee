/**
 * OVN-Kubernetes EgressService (docs/features/cluster-egress-controls/egress-service.md; the type in
 * go-controller/pkg/crd/egressservice/v1/types.go). The endpoints of the LoadBalancer Service an
 * EgressService names (same name and namespace) are rerouted to the node in status.host (priority
 * 101, before EgressIP's 100, pkg/types/const.go) and SNATed there to the Service's load-balancer
 * ingress IP. What decides it, as the controllers read it:
 * - status.host: clustermanager/egressservice sets it only for a Service with an ingress entry and
 *   endpoints ("" otherwise), `ALL` for sourceIPBy Network; pkg/ovn/controller/egressservice
 *   (syncEgressService) reroutes nothing without a host, for host ALL, without the Service or
 *   without an ingress entry.
 * - the endpoints: every address in the Service's EndpointSlices on a node, ready or not
 *   (allEndpointsFor, egressservice_zone_service.go); config/ovn-kubernetes.ts collects them.
 * - the SNAT: pkg/node/controllers/egressservice (shouldConfigureEgressSVC) needs type LoadBalancer
 *   and takes the last ingress IP of each family (syncEgressService's loop).
 * sourceIPBy Network with a network routes the endpoints by that table on their own node, which
 * masquerades to that interface's address: not in the API, so unknown.
 */
import type { OvnEgressService, OvnEgressServiceLayer } from '../../model/layers/ovn-kubernetes.ts';
import type { Destination } from '../../model/decision.ts';
import type { CodesOf, Finding } from '../../model/reasons.ts';
import type { Snapshot } from '../../model/snapshot.ts';
import { parseIp, sameAddress } from '../../net/ip.ts';
import { gapData } from '../../config/gaps.ts';
import { derivation } from '../core/context.ts';
import { EffectBuilder } from '../core/effect.ts';
import type { Findings, GatewayMechanism } from '../core/mechanism.ts';
import { eastWest, onOvnPodNetwork } from './ovn-network.ts';

const LAYER = 'ovn-egress-service';
/** status.host of an EgressService with sourceIPBy Network (types.EgressServiceNoSNATHost). */
const ALL_NODES = 'ALL';

/** The names of the nodes read, asked once per call. */
const nodeNames = derivation((snapshot: Snapshot): ReadonlySet<string> => new Set(snapshot.nodes.map((n) => n.name)));

/** The pod's namespace's EgressServices that (may) take the pod, joined by `, `; or `unread`. Strings only, so inputs intern. */
export interface OvnEgressServiceInput {
  namespace: string;
  services: string;
  unread?: true;
}

/** The sentence for each code this mechanism reports (render/messages.ts reads them through the registry). */
const FINDINGS = {
  OVN_EGRESS_SERVICE: (d) =>
    `the pod is an endpoint of Service ${d['namespace']}/${d['egressService']}, whose EgressService reroutes it to node ${d['host']}, which SNATs it to the load-balancer IP ${d['ip']}`,
  OVN_EGRESS_SERVICE_EAST_WEST: () =>
    'the destination is inside the cluster: EgressService leaves pod, Service and node traffic alone',
  OVN_EGRESS_SERVICE_MULTIPLE: (d) =>
    `the pod is an endpoint of the Services of EgressServices ${d['services']} in namespace ${d['namespace']}: which reroute and SNAT OVN-Kubernetes applies is undefined`,
  OVN_EGRESS_SERVICE_NETWORK: (d) =>
    `the pod is an endpoint of Service ${d['namespace']}/${d['egressService']}, whose EgressService (sourceIPBy Network) routes it by the table of network ${d['network']}: it leaves with that interface's address, which the API does not show`,
  OVN_EGRESS_SERVICE_NO_SERVICE: (d) =>
    `EgressService ${d['namespace']}/${d['egressService']} names no existing Service: it reroutes nothing, the traffic takes the default path`,
  OVN_EGRESS_SERVICE_NO_INGRESS: (d) =>
    `Service ${d['namespace']}/${d['egressService']} of the EgressService has no load-balancer ingress yet: nothing is rerouted, the traffic takes the default path`,
  OVN_EGRESS_SERVICE_NOT_LOAD_BALANCER: (d) =>
    `Service ${d['namespace']}/${d['egressService']} of the EgressService is of type ${d['type']}, not LoadBalancer: node ${d['host']} has no SNAT rule for it, so the address the rerouted traffic leaves with is unknown`,
  OVN_EGRESS_SERVICE_HOST_MISSING: (d) =>
    `EgressService ${d['namespace']}/${d['egressService']} names node ${d['host']} in status.host, which does not exist: OVN-Kubernetes removes its reroute and chooses another node, so the address is unknown until it has`,
  OVN_EGRESS_SERVICE_NO_FAMILY_IP: (d) =>
    `Service ${d['namespace']}/${d['egressService']} has no ${d['family']} load-balancer IP: its endpoints' ${d['family']} traffic is rerouted to node ${d['host']} without an SNAT rule, so the address it leaves with is unknown`,
} satisfies Findings;

declare module '../../model/reasons.ts' {
  interface MechanismReasonCodes extends CodesOf<typeof FINDINGS> {}
}

export const ovnEgressService: GatewayMechanism<OvnEgressServiceLayer, OvnEgressServiceInput> = {
  id: 'ovn-egress-service',
  stage: 'egress-gateway',
  findings: FINDINGS,
  upstream:
    'ovn-org/ovn-kubernetes docs/features/cluster-egress-controls/egress-service.md, go-controller/pkg/clustermanager/egressservice, go-controller/pkg/ovn/controller/egressservice, go-controller/pkg/node/controllers/egressservice',
  describe: (layer) =>
    layer.unread
      ? 'EgressServices unreadable'
      : `${layer.services.length} EgressService${layer.services.length === 1 ? '' : 's'}`,
  input(layer, { ctx, pod, node }) {
    if (!onOvnPodNetwork(ctx, layer, pod, node)) return undefined;
    if (layer.unread) return { namespace: '', services: '', unread: true };
    const taking = layer.services.filter(
      (s) =>
        s.namespace === pod.namespace &&
        acts(s) &&
        (s.endpointsUnread !== undefined || s.endpoints.some((e) => pod.podIPs.some((ip) => sameAddress(e, ip)))),
    );
    return taking.length > 0
      ? {
          namespace: pod.namespace,
          services: taking
            .map((s) => s.name)
            .sort()
            .join(', '),
        }
      : undefined;
  },
  decide(layer, { namespace, services, unread }, destination, ctx) {
    const effect = new EffectBuilder(ctx.trace);
    if (eastWest(ctx, layer, destination))
      return effect.note(LAYER, 'not-applicable', { code: 'OVN_EGRESS_SERVICE_EAST_WEST', data: {} }).build();
    if (unread)
      return effect.unknown(LAYER, { code: 'OVN_EGRESS_SERVICES_UNREADABLE', data: gapData(layer.unread!) }).build();
    const names = services.split(', ');
    const first = layer.services.find((s) => s.namespace === namespace && s.name === names[0])!;
    if (names.length > 1)
      return effect
        .unknown(LAYER, { code: 'OVN_EGRESS_SERVICE_MULTIPLE', data: { services, namespace }, source: ref(first) })
        .build();
    // A host that is gone (syncEgressService: "configured on non-existing or not ready node") is about to be replaced.
    // Without the node list (refused) the host is taken to be there.
    const nodesRead = !ctx.snapshot.gaps.some((g) => g.resource === 'nodes');
    const hostGone =
      first.sourceIPBy === 'LoadBalancerIP' && nodesRead && !ctx.of(nodeNames, ctx.snapshot).has(first.host!);
    const outcome: Outcome = hostGone
      ? {
          kind: 'unknown',
          finding: { code: 'OVN_EGRESS_SERVICE_HOST_MISSING', data: names0(first), source: ref(first) },
        }
      : outcomeOf(first, destination);
    if (outcome.kind !== 'applied') {
      return outcome.kind === 'unknown'
        ? effect.unknown(LAYER, outcome.finding).build()
        : effect.note(LAYER, 'not-applicable', outcome.finding).warn(outcome.finding).build();
    }
    const finding: Finding = {
      code: 'OVN_EGRESS_SERVICE',
      data: { ...names0(first), ip: outcome.ip },
      source: ref(first),
    };
    // The host is where it leaves (beyond-node reads that node's cloud).
    return effect
      .note(LAYER, 'applied', finding)
      .reason(finding)
      .leaveFromSet([outcome.ip], {
        identity: 'egress-ip',
        via: LAYER,
        gateway: { node: first.host!, policy: first.name },
        egressFrom: ref(first),
      })
      .build();
  },
};

/**
 * Whether the EgressService reroutes its endpoints at all, from its own object: a node in
 * status.host for LoadBalancerIP; host ALL and a network for Network (without a network, or
 * without a host on shared gateway mode, the pod's node masquerades as usual).
 */
function acts(s: OvnEgressService): boolean {
  if (s.sourceIPBy === 'Network') return s.host === ALL_NODES && s.network !== undefined;
  return s.host !== undefined && s.host !== ALL_NODES;
}

type Outcome = { kind: 'unknown' | 'default'; finding: Finding } | { kind: 'applied'; ip: string };

/** For an endpoint (or a pod that may be one) of an acting EgressService: where its traffic to `destination` leaves. */
function outcomeOf(s: OvnEgressService, destination: Destination): Outcome {
  const data = names0(s);
  const source = ref(s);
  if (s.endpointsUnread)
    return {
      kind: 'unknown',
      finding: {
        code: 'OVN_EGRESS_SERVICE_ENDPOINTS_UNREADABLE',
        data: { ...gapData(s.endpointsUnread), ...data },
        source,
      },
    };
  if (s.sourceIPBy === 'Network')
    return {
      kind: 'unknown',
      finding: { code: 'OVN_EGRESS_SERVICE_NETWORK', data: { ...data, network: s.network! }, source },
    };
  if (s.serviceUnread)
    return {
      kind: 'unknown',
      finding: { code: 'OVN_EGRESS_SERVICE_TARGET_UNREADABLE', data: { ...gapData(s.serviceUnread), ...data }, source },
    };
  if (s.service === 'absent' || !s.service)
    return { kind: 'default', finding: { code: 'OVN_EGRESS_SERVICE_NO_SERVICE', data, source } };
  if (!s.service.hasIngress)
    return { kind: 'default', finding: { code: 'OVN_EGRESS_SERVICE_NO_INGRESS', data, source } };
  if (s.service.type !== 'LoadBalancer')
    return {
      kind: 'unknown',
      finding: { code: 'OVN_EGRESS_SERVICE_NOT_LOAD_BALANCER', data: { ...data, type: s.service.type }, source },
    };
  const family = destination.range.family;
  const ip = s.service.ingressIPs.filter((i) => parseIp(i)?.family === family).at(-1);
  if (!ip)
    return {
      kind: 'unknown',
      finding: { code: 'OVN_EGRESS_SERVICE_NO_FAMILY_IP', data: { ...data, family: `IPv${family}` }, source },
    };
  return { kind: 'applied', ip };
}

/** The data every finding of one EgressService carries. */
function names0(s: OvnEgressService): Record<string, string> {
  return { egressService: s.name, namespace: s.namespace, host: s.host ?? '' };
}

function ref(s: OvnEgressService): { kind: string; namespace: string; name: string } {
  return { kind: 'EgressService', namespace: s.namespace, name: s.name };
}
