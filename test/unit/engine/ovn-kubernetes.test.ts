/**
 * OVN-Kubernetes as upstream defines it: the gateway router SNATs what leaves the cluster subnet
 * to the node's primary interface address (go-controller/pkg/ovn/gateway.go); an EgressIP reroutes
 * the pods it selects to the IPs assigned in its status, one per connection (pkg/ovn/egressip.go).
 */
import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../../src/model/objects.ts';
import { build, pod } from '../../support/builders.ts';
import { forbidden } from '../../support/gaps.ts';
import {
  egressIP,
  egressService,
  endpointSlice,
  loadBalancer,
  namespace,
  ovnkubeNode,
  ovnNode,
} from '../../support/ovn-builders.ts';
import { codes, decide, decisionFor, warningCodes } from '../../support/predict.ts';

const WEB = { namespaceSelector: { matchLabels: { team: 'shop' } }, podSelector: { matchLabels: { app: 'web' } } };

function cluster(...extra: KubeObject[]): KubeObject[] {
  return [
    ovnNode('n1', '172.18.0.2', ['10.244.1.0/24'], { assignable: true }),
    ovnNode('n2', '172.18.0.3', ['10.244.2.0/24'], { assignable: true }),
    ovnkubeNode(),
    namespace('shop', { team: 'shop' }),
    ...build(
      pod('web', 'shop').on('n1').ip('10.244.1.7').label('app', 'web'),
      pod('host', 'shop').on('n1').ip('172.18.0.2').label('app', 'web').hostNetwork(),
    ),
    ...extra,
  ];
}

const answer = (objects: KubeObject[], podName: string, to: string, options = {}) =>
  decisionFor(decide(objects, [to], options), podName, to);

describe("the gateway router's default SNAT", () => {
  it.each([
    [
      'a destination outside the cluster subnet: the primary interface address',
      '8.8.8.8',
      '172.18.0.2',
      'node-ip',
      'OVN_GATEWAY_ROUTER_SNAT',
    ],
    ["another node's pod: the pod IP", '10.244.2.9', '10.244.1.7', 'pod-ip', 'OVN_DST_IN_CLUSTER_SUBNET'],
    [
      'another node: SNATed like any address outside the cluster subnet',
      '172.18.0.3',
      '172.18.0.2',
      'node-ip',
      'OVN_GATEWAY_ROUTER_SNAT',
    ],
    [
      'its own node: the pod IP (the management port, no SNAT)',
      '172.18.0.2',
      '10.244.1.7',
      'pod-ip',
      'DST_IS_NODE_ADDRESS',
    ],
  ])('answers %s', (_name, to, sourceIP, identity, code) => {
    const d = answer(cluster(), 'web', to);
    expect(d).toMatchObject({ sourceIP, identity });
    expect(codes(d)).toEqual([code]);
  });

  it('SNATs to the primary interface address where it is not the InternalIP', () => {
    const objects = [
      ovnNode('n1', '172.18.0.2', ['10.244.1.0/24'], { primary: '192.168.10.2' }),
      ...build(pod('web', 'shop').on('n1').ip('10.244.1.7')),
    ];
    expect(answer(objects, 'web', '8.8.8.8')).toMatchObject({
      sourceIP: '192.168.10.2',
      identity: 'node-ip',
      via: 'ovn-kubernetes',
    });
  });

  it('reads the older one-string form of k8s.ovn.org/node-subnets', () => {
    const objects = [
      ovnNode('n1', '172.18.0.2', '10.244.1.0/24'),
      ...build(pod('web', 'shop').on('n1').ip('10.244.1.7')),
    ];
    expect(answer(objects, 'web', '10.244.1.9')).toMatchObject({ sourceIP: '10.244.1.7', identity: 'pod-ip' });
  });

  it('is unknown when no node shows its subnet (the DaemonSet alone found OVN-Kubernetes)', () => {
    const objects = [
      ovnkubeNode(),
      ...build(pod('web', 'shop').on('n1').ip('10.244.1.7')),
      {
        apiVersion: 'v1',
        kind: 'Node',
        metadata: { name: 'n1' },
        status: { addresses: [{ type: 'InternalIP', address: '172.18.0.2' }] },
      },
    ];
    const d = answer(objects, 'web', '8.8.8.8');
    expect(d.identity).toBe('unknown');
    expect(codes(d)).toContain('OVN_NODE_SUBNETS_UNKNOWN');
  });

  it('acts only on the nodes ovnkube-node annotated (where it runs)', () => {
    const plain = build(pod('other', 'shop').on('n9').ip('10.9.0.7'))[0]!;
    const objects = [
      ...cluster(),
      {
        apiVersion: 'v1',
        kind: 'Node',
        metadata: { name: 'n9' },
        status: { addresses: [{ type: 'InternalIP', address: '172.18.0.9' }] },
      },
      plain,
    ];
    const d = answer(objects, 'other', '8.8.8.8');
    expect(d).toMatchObject({ sourceIP: '10.9.0.7', identity: 'pod-ip' });
    expect(codes(d)).toEqual(['NO_SNAT_LAYER_ON_NODE']);
  });
});

describe('EgressIP', () => {
  const TWO = egressIP('web-egress', WEB, { '172.18.0.33': 'n1', '172.18.0.44': 'n2' });

  it('answers the set of assigned IPs, in numeric order, naming the EgressIP', () => {
    const d = answer(
      cluster(egressIP('web-egress', WEB, { '172.18.0.44': 'n2', '172.18.0.33': 'n1' })),
      'web',
      '8.8.8.8',
    );
    expect(d).toMatchObject({
      sourceIP: null,
      sourceIPs: ['172.18.0.33', '172.18.0.44'],
      identity: 'egress-ip',
      via: 'ovn-egress-ip',
      egressFrom: { kind: 'EgressIP', name: 'web-egress' },
    });
  });

  it.each([
    ['a pod in a namespace the namespaceSelector does not match', [namespace('shop', { team: 'other' })]],
    [
      'a pod the podSelector does not match',
      [egressIP('web-egress', { ...WEB, podSelector: { matchLabels: { app: 'api' } } }, { '172.18.0.33': 'n1' })],
    ],
  ])('leaves alone %s', (_name, extra) => {
    const objects = [...cluster(TWO), ...extra];
    expect(answer(objects, 'web', '8.8.8.8')).toMatchObject({ sourceIP: '172.18.0.2', identity: 'node-ip' });
  });

  it('selects every pod of the matched namespaces when podSelector is absent', () => {
    const d = answer(
      cluster(egressIP('ns-egress', { namespaceSelector: { matchLabels: { team: 'shop' } } }, { '172.18.0.33': 'n1' })),
      'web',
      '8.8.8.8',
    );
    expect(d).toMatchObject({
      sourceIP: '172.18.0.33',
      sourceIPs: ['172.18.0.33'],
      identity: 'egress-ip',
      gateway: { node: 'n1', policy: 'ns-egress' },
    });
  });

  it('never takes a pod on a node OVN-Kubernetes does not run on (no annotations)', () => {
    const objects = [
      ...cluster(egressIP('ns-egress', { namespaceSelector: {} }, { '172.18.0.33': 'n1' })),
      {
        apiVersion: 'v1',
        kind: 'Node',
        metadata: { name: 'n9' },
        status: { addresses: [{ type: 'InternalIP', address: '172.18.0.9' }] },
      },
      ...build(pod('other', 'shop').on('n9').ip('10.9.0.7')),
    ];
    expect(answer(objects, 'other', '8.8.8.8')).toMatchObject({ sourceIP: '10.9.0.7', identity: 'pod-ip' });
    expect(answer(objects, 'web', '8.8.8.8')).toMatchObject({ sourceIP: '172.18.0.33', identity: 'egress-ip' });
  });

  it('never takes a hostNetwork pod', () => {
    expect(answer(cluster(TWO), 'host', '8.8.8.8')).toMatchObject({
      sourceIP: '172.18.0.2',
      identity: 'node-ip',
      via: 'host-network',
    });
  });

  it('takes the default path for a family it has no assigned IP of, and warns', () => {
    const dualStack = ovnNode('n1', '172.18.0.2', ['10.244.1.0/24', 'fd00:10:244:1::/64']);
    (dualStack['status'] as { addresses: object[] }).addresses.push({ type: 'InternalIP', address: 'fc00::2' });
    dualStack.metadata.annotations!['k8s.ovn.org/node-primary-ifaddr'] = JSON.stringify({
      ipv4: '172.18.0.2/24',
      ipv6: 'fc00::2/64',
    });
    const objects = [
      dualStack,
      ovnkubeNode(),
      namespace('shop', { team: 'shop' }),
      TWO,
      ...build(pod('web', 'shop').on('n1').ip('10.244.1.7', 'fd00:10:244:1::7').label('app', 'web')),
    ];
    const d = answer(objects, 'web', '2001:db8::1');
    expect(d).toMatchObject({ sourceIP: 'fc00::2', identity: 'node-ip', via: 'ovn-kubernetes' });
    expect(warningCodes(d)).toContain('OVN_EGRESSIP_NOT_ASSIGNED');
  });

  it.each([
    ['EgressIPs may not be listed', [], [forbidden('egressips.k8s.ovn.org')], 'OVN_EGRESSIPS_UNREADABLE'],
    ['Namespaces may not be listed', [TWO], [forbidden('namespaces')], 'OVN_EGRESSIP_NAMESPACES_UNREADABLE'],
    [
      'a selector with an unknown operator',
      [egressIP('bad', { namespaceSelector: { matchExpressions: [{ key: 'team', operator: 'Near' }] } })],
      [],
      'OVN_EGRESSIP_SELECTOR_INVALID',
    ],
    [
      'two EgressIPs select the pod',
      [
        TWO,
        egressIP(
          'all-web',
          { namespaceSelector: {}, podSelector: { matchLabels: { app: 'web' } } },
          { '172.18.0.55': 'n2' },
        ),
      ],
      [],
      'OVN_EGRESSIP_MULTIPLE',
    ],
  ])('is unknown when %s', (_name, extra, gaps, code) => {
    const d = answer(cluster(...extra), 'web', '8.8.8.8', { gaps });
    expect(d).toMatchObject({ sourceIP: null, sourceIPs: [], identity: 'unknown' });
    expect(codes(d)).toEqual([code]);
  });

  it('leaves east-west traffic alone even where the EgressIPs cannot be read', () => {
    const d = answer(cluster(), 'web', '10.244.2.9', { gaps: [forbidden('egressips.k8s.ovn.org')] });
    expect(d).toMatchObject({ sourceIP: '10.244.1.7', identity: 'pod-ip' });
  });
});

describe('EgressService', () => {
  const lbService = (
    spec: Record<string, unknown> = { sourceIPBy: 'LoadBalancerIP' },
    host: string | undefined = 'n2',
  ) => egressService('web', 'shop', spec, host);
  const WEB_ENDPOINTS = endpointSlice('web', 'shop', { '10.244.1.7': 'n1' });
  const LB = loadBalancer('web', 'shop', ['5.5.5.5', '5555::5']);
  const acting = (...extra: KubeObject[]) => cluster(lbService(), LB, WEB_ENDPOINTS, ...extra);

  it("sends an endpoint out through status.host with the Service's load-balancer IP of the destination's family", () => {
    const d = answer(acting(), 'web', '8.8.8.8');
    expect(d).toMatchObject({
      sourceIP: '5.5.5.5',
      sourceIPs: ['5.5.5.5'],
      identity: 'egress-ip',
      via: 'ovn-egress-service',
      egressFrom: { kind: 'EgressService', namespace: 'shop', name: 'web' },
    });
    expect(codes(d)).toContain('OVN_EGRESS_SERVICE');
  });

  it("uses the last ingress IP of the family, as the host's SNAT rule does", () => {
    const d = answer(
      cluster(lbService(), loadBalancer('web', 'shop', ['5.5.5.5', '6.6.6.6']), WEB_ENDPOINTS),
      'web',
      '8.8.8.8',
    );
    expect(d).toMatchObject({ sourceIP: '6.6.6.6', identity: 'egress-ip' });
  });

  it('counts an endpoint that is not ready: the reroute ignores readiness', () => {
    const slice = endpointSlice('web', 'shop', { '10.244.1.7': 'n1' });
    (slice['endpoints'] as { conditions: unknown }[])[0]!.conditions = { ready: false };
    expect(answer(cluster(lbService(), LB, slice), 'web', '8.8.8.8')).toMatchObject({
      sourceIP: '5.5.5.5',
      identity: 'egress-ip',
    });
  });

  it.each([
    [
      "sourceIPBy Network with a network: the routing table's interface decides",
      [egressService('web', 'shop', { sourceIPBy: 'Network', network: 'blue' }, 'ALL'), WEB_ENDPOINTS],
      [],
      'OVN_EGRESS_SERVICE_NETWORK',
    ],
    [
      'EgressServices may not be listed',
      [],
      [forbidden('egressservices.k8s.ovn.org')],
      'OVN_EGRESS_SERVICES_UNREADABLE',
    ],
    [
      'the Service may not be read',
      [lbService(), WEB_ENDPOINTS],
      [forbidden('services', 'shop')],
      'OVN_EGRESS_SERVICE_TARGET_UNREADABLE',
    ],
    [
      'the EndpointSlices may not be listed',
      [lbService(), LB],
      [forbidden('endpointslices.discovery.k8s.io', 'shop')],
      'OVN_EGRESS_SERVICE_ENDPOINTS_UNREADABLE',
    ],
    [
      'the Service is no LoadBalancer (no SNAT rule on the host)',
      [lbService(), loadBalancer('web', 'shop', ['5.5.5.5'], 'ClusterIP'), WEB_ENDPOINTS],
      [],
      'OVN_EGRESS_SERVICE_NOT_LOAD_BALANCER',
    ],
    [
      'the Service has only an IPv6 load-balancer IP',
      [lbService(), loadBalancer('web', 'shop', ['5555::5']), WEB_ENDPOINTS],
      [],
      'OVN_EGRESS_SERVICE_NO_FAMILY_IP',
    ],
    [
      'status.host names a node that is gone (the host is being replaced)',
      [lbService(undefined, 'n9'), LB, WEB_ENDPOINTS],
      [],
      'OVN_EGRESS_SERVICE_HOST_MISSING',
    ],
    [
      "the pod is an endpoint of two EgressServices' Services",
      [
        lbService(),
        LB,
        WEB_ENDPOINTS,
        egressService('api', 'shop', { sourceIPBy: 'LoadBalancerIP' }, 'n1'),
        loadBalancer('api', 'shop', ['7.7.7.7']),
        endpointSlice('api', 'shop', { '10.244.1.7': 'n1' }),
      ],
      [],
      'OVN_EGRESS_SERVICE_MULTIPLE',
    ],
  ])('is unknown outside the cluster when %s', (_name, extra, gaps, code) => {
    const d = answer(cluster(...extra), 'web', '8.8.8.8', { gaps });
    expect(d).toMatchObject({ sourceIP: null, identity: 'unknown' });
    expect(codes(d)).toEqual([code]);
  });

  it.each([
    [
      'a pod that is no endpoint of the Service',
      [lbService(), LB, endpointSlice('web', 'shop', { '10.244.1.99': 'n1' })],
    ],
    [
      'an endpoint without a node (not rerouted)',
      [lbService(), LB, { ...WEB_ENDPOINTS, endpoints: [{ addresses: ['10.244.1.7'] }] }],
    ],
    [
      'no host in status yet (nothing is rerouted)',
      [egressService('web', 'shop', { sourceIPBy: 'LoadBalancerIP' }), LB, WEB_ENDPOINTS],
    ],
    [
      'sourceIPBy Network without a network (the default path)',
      [egressService('web', 'shop', { sourceIPBy: 'Network' }, 'ALL'), WEB_ENDPOINTS],
    ],
    [
      'sourceIPBy Network on shared gateway mode (no host)',
      [egressService('web', 'shop', { sourceIPBy: 'Network', network: 'blue' }), WEB_ENDPOINTS],
    ],
    [
      'an EgressService in another namespace',
      [
        egressService('web', 'other', { sourceIPBy: 'LoadBalancerIP' }, 'n2'),
        loadBalancer('web', 'other', ['5.5.5.5']),
        endpointSlice('web', 'other', { '10.244.1.7': 'n1' }),
      ],
    ],
  ])('changes nothing for %s', (_name, extra) => {
    const d = answer(cluster(...extra), 'web', '8.8.8.8');
    expect(d).toMatchObject({ sourceIP: '172.18.0.2', identity: 'node-ip' });
    expect(warningCodes(d)).toEqual(['NO_NAT_ASSUMED_OFF_CLOUD']);
  });

  it.each([
    ['its Service does not exist', [lbService(), WEB_ENDPOINTS], 'OVN_EGRESS_SERVICE_NO_SERVICE'],
    [
      'its Service has no load-balancer ingress',
      [lbService(), loadBalancer('web', 'shop', []), WEB_ENDPOINTS],
      'OVN_EGRESS_SERVICE_NO_INGRESS',
    ],
  ])('takes the default path with a warning when %s', (_name, extra, code) => {
    const d = answer(cluster(...extra), 'web', '8.8.8.8');
    expect(d).toMatchObject({ sourceIP: '172.18.0.2', identity: 'node-ip' });
    expect(warningCodes(d)).toContain(code);
  });

  it('leaves east-west traffic alone', () => {
    expect(answer(acting(), 'web', '10.244.2.9')).toMatchObject({ sourceIP: '10.244.1.7', identity: 'pod-ip' });
  });

  it('comes before EgressIP, whose reroute it outranks', () => {
    const d = answer(
      acting(egressIP('ns-egress', { namespaceSelector: {} }, { '172.18.0.33': 'n1' })),
      'web',
      '8.8.8.8',
    );
    expect(d).toMatchObject({ sourceIP: '5.5.5.5', identity: 'egress-ip', via: 'ovn-egress-service' });
  });
});
