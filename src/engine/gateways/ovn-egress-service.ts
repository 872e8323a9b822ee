/**
 * OVN-Kubernetes EgressService (docs/features/cluster-egress-controls/egress-service.md; the type in
 * go-controller/pkg/crd/egressservice/v1/types.go): the endpoints of the LoadBalancer Service an
 * EgressService names are rerouted to the node in status.host and SNATed there to the Service's
 * load-balancer ingress IP (sourceIPBy LoadBalancerIP), or routed by the table of `network`. Its
 * reroute (priority 101, pkg/types/const.go EgressSVCReroutePriority) comes before EgressIP's (100).
 * Which pods are endpoints and the ingress IP are in the Service and its EndpointSlices, which this
 * release does not read: a pod in a namespace with such an EgressService may be one, so its answer
 * outside the cluster is unknown, never the node address it would be without it.
 */
import type { OvnEgressServiceLayer } from '../../model/layers/ovn-kubernetes.ts';
import type { CodesOf } from '../../model/reasons.ts';
import { gapData } from '../../config/gaps.ts';
import { EffectBuilder } from '../core/effect.ts';
import type { Findings, GatewayMechanism } from '../core/mechanism.ts';
import { eastWest, onOvnPodNetwork } from './ovn-network.ts';

const LAYER = 'ovn-egress-service';

/** The pod's namespace's EgressServices that act on traffic, joined by `, `; or `unread`. Strings only, so inputs intern. */
export interface OvnEgressServiceInput {
  namespace: string;
  services: string;
  unread?: true;
}

/** The sentence for each code this mechanism reports (render/messages.ts reads them through the registry). */
const FINDINGS = {
  OVN_EGRESS_SERVICE_ENDPOINTS_UNKNOWN: (d) => `EgressService ${d['services']} in namespace ${d['namespace']}: if the pod is an endpoint of that LoadBalancer Service it leaves ${d['how']}; Services and their endpoints are not read, so the answer is unknown`,
  OVN_EGRESS_SERVICE_EAST_WEST: () => 'the destination is inside the cluster: EgressService leaves pod, Service and node traffic alone',
} satisfies Findings;

declare module '../../model/reasons.ts' {
  interface MechanismReasonCodes extends CodesOf<typeof FINDINGS> {}
}

export const ovnEgressService: GatewayMechanism<OvnEgressServiceLayer, OvnEgressServiceInput> = {
  id: 'ovn-egress-service',
  stage: 'egress-gateway',
  findings: FINDINGS,
  upstream: 'ovn-org/ovn-kubernetes docs/features/cluster-egress-controls/egress-service.md, go-controller/pkg/clustermanager/egressservice',
  describe: (layer) => (layer.unread ? 'EgressServices unreadable' : `${layer.services.length} EgressService${layer.services.length === 1 ? '' : 's'}`),
  input(layer, { ctx, pod, node }) {
    if (!onOvnPodNetwork(ctx, layer, pod, node)) return undefined;
    if (layer.unread) return { namespace: '', services: '', unread: true };
    // sourceIPBy Network without a network is the default path: the pod's node masquerades as usual.
    const acting = layer.services.filter((s) => s.namespace === pod.namespace && (s.sourceIPBy === 'LoadBalancerIP' || s.network));
    return acting.length > 0 ? { namespace: pod.namespace, services: acting.map((s) => s.name).sort().join(', ') } : undefined;
  },
  decide(layer, { namespace, services, unread }, destination, ctx) {
    const effect = new EffectBuilder(ctx.trace);
    if (eastWest(ctx, layer, destination)) return effect.note(LAYER, 'not-applicable', { code: 'OVN_EGRESS_SERVICE_EAST_WEST', data: {} }).build();
    if (unread) return effect.unknown(LAYER, { code: 'OVN_EGRESS_SERVICES_UNREADABLE', data: gapData(layer.unread!) }).build();
    const first = layer.services.find((s) => s.namespace === namespace && s.name === services.split(', ')[0])!;
    const how = first.sourceIPBy === 'LoadBalancerIP'
      ? `through node ${first.host ?? '(none chosen yet)'} with the Service's load-balancer IP`
      : `through the routing table of network ${first.network}`;
    return effect.unknown(LAYER, { code: 'OVN_EGRESS_SERVICE_ENDPOINTS_UNKNOWN', data: { services, namespace, how }, source: { kind: 'EgressService', namespace, name: first.name } }).build();
  },
};
