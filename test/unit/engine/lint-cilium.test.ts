/**
 * lint's Cilium egress gateway checks: gateways that cannot work, policies the agent never loads,
 * two policies for one (pod, CIDR), and hostNetwork pods a policy selects.
 */
import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../../src/model/objects.ts';
import { build, pod } from '../../support/builders.ts';
import {
  ciliumAgent,
  ciliumConfig,
  clusterNode,
  EGRESS_GATEWAY_CONFIG,
  egressPolicy,
  type EgressPolicyBuilder,
} from '../../support/cilium-builders.ts';
import { briefs, lintOf } from '../../support/lint.ts';

const nodes = [
  clusterNode('gw-1', '192.168.1.21', '10.0.3.0/24', { egress: 'true', gateway: 'one' }),
  clusterNode('gw-2', '192.168.1.22', '10.0.4.0/24', { egress: 'true', gateway: 'two' }),
  clusterNode('worker', '192.168.1.11', '10.0.1.0/24', { pool: 'apps' }),
];
const web = () => [
  pod('web-1', 'shop').on('worker').ip('10.0.1.7').label('app', 'web'),
  pod('web-2', 'shop').on('worker').ip('10.0.1.8').label('app', 'web'),
];

function cluster(
  policies: EgressPolicyBuilder[],
  options: { config?: Record<string, string>; pods?: ReturnType<typeof pod>[]; ciliumNodes?: boolean } = {},
): KubeObject[] {
  const config =
    options.config === undefined
      ? [ciliumConfig(EGRESS_GATEWAY_CONFIG)]
      : Object.keys(options.config).length
        ? [ciliumConfig(options.config)]
        : [];
  return [
    ...build(
      ciliumAgent(),
      ...config,
      ...(options.ciliumNodes === false ? [] : nodes.map((n) => n.node)),
      ...(options.pods ?? web()),
    ),
    ...(options.ciliumNodes === false ? [] : nodes.map((n) => n.ciliumNode)),
    ...policies.map((p) => p.build()),
  ];
}

const forWeb = (name = 'p') =>
  egressPolicy(name)
    .selectPods({ matchLabels: { app: 'web' } })
    .to('0.0.0.0/0');
const POLICY = 'CiliumEgressGatewayPolicy p';

describe('gateways that cannot work', () => {
  it.each([
    [
      'egressIP and interface together',
      forWeb().gateway({ matchLabels: { egress: 'true' } }, { egressIP: '192.168.1.21', interface: 'eth1' }),
      [`CILIUM_EGW_EGRESS_IP_AND_INTERFACE ${POLICY}`],
    ],
    [
      'egressIP and interface behind another parse error: both said',
      forWeb().to('10.0.0.0/33').gateway({}, { egressIP: '192.168.1.21', interface: 'eth1' }),
      [`CILIUM_EGW_EGRESS_IP_AND_INTERFACE ${POLICY}`, `CILIUM_EGW_POLICY_INVALID ${POLICY}`],
    ],
    [
      'a destination CIDR that does not parse',
      forWeb()
        .to('10.0.0.0/33')
        .gateway({ matchLabels: { egress: 'true' } }),
      [`CILIUM_EGW_POLICY_INVALID ${POLICY}`],
    ],
    [
      'an egressIP that is not an IP',
      forWeb().gateway({ matchLabels: { egress: 'true' } }, { egressIP: 'banana' }),
      [`CILIUM_EGW_POLICY_INVALID ${POLICY}`],
    ],
    [
      'a nodeSelector no node matches',
      forWeb().gateway({ matchLabels: { egress: 'yes' } }),
      [`CILIUM_EGW_GATEWAY_MATCHES_NO_NODE ${POLICY}`],
    ],
    [
      'the egressIP of a second matching node',
      forWeb().gateway({ matchLabels: { egress: 'true' } }, { egressIP: '192.168.1.22' }),
      [`CILIUM_EGW_EGRESS_IP_NOT_ON_GATEWAY ${POLICY}`],
    ],
    [
      'an egressIP in the pod network',
      forWeb().gateway({ matchLabels: { egress: 'true' } }, { egressIP: '10.0.4.9' }),
      [`CILIUM_EGW_EGRESS_IP_NOT_ON_GATEWAY ${POLICY}`],
    ],
    [
      "the gateway's own InternalIP",
      forWeb().gateway({ matchLabels: { egress: 'true' } }, { egressIP: '192.168.1.21' }),
      [],
    ],
    [
      'an egressIP the API does not show (a secondary address): not guessed',
      forWeb().gateway({ matchLabels: { egress: 'true' } }, { egressIP: '192.168.1.50' }),
      [],
    ],
    [
      'an interface: its address is not in the API',
      forWeb().gateway({ matchLabels: { egress: 'true' } }, { interface: 'eth1' }),
      [],
    ],
  ])('%s', (_name, policy, expected) => {
    expect(briefs(cluster([policy]))).toEqual(expected);
  });

  it('names the gateway entry and the node holding the address', () => {
    const policy = forWeb().gateways(
      { nodeSelector: { matchLabels: { pool: 'apps' } } },
      { nodeSelector: { matchLabels: { egress: 'true' } }, egressIP: '192.168.1.11' },
    );
    expect(lintOf(cluster([policy])).map((f) => f.data)).toEqual([
      {
        policy: 'p',
        field: 'egressGateways[1]',
        nodeSelector: 'egress=true',
        egressIP: '192.168.1.11',
        gatewayNode: 'gw-1',
        heldBy: 'node',
        holder: 'worker',
      },
    ]);
  });

  it('says nothing about gateways when no node was read at all', () => {
    expect(
      briefs(cluster([forWeb().gateway({ matchLabels: { egress: 'yes' } })], { ciliumNodes: false, pods: [] })),
    ).toEqual([]);
  });
});

describe('policies while the egress gateway is off', () => {
  const policy = forWeb().gateway({ matchLabels: { egress: 'true' } });

  it.each([
    [
      'cilium-config without enable-egress-gateway',
      { 'enable-bpf-masquerade': 'true' },
      ['CILIUM_EGW_POLICIES_WHILE_DISABLED ConfigMap kube-system/cilium-config enable-egress-gateway'],
    ],
    [
      'the legacy enable-ipv4-egress-gateway on',
      { ...EGRESS_GATEWAY_CONFIG, 'enable-egress-gateway': 'false', 'enable-ipv4-egress-gateway': 'true' },
      [],
    ],
    ['no cilium-config read: off would be a guess', {}, []],
  ])('%s', (_name, config, expected) => {
    expect(briefs(cluster([policy], { config }))).toEqual(expected);
  });
});

describe('two policies for one pod and CIDR', () => {
  const via = (name: string, gateway: 'one' | 'two', cidr = '0.0.0.0/0') =>
    egressPolicy(name)
      .selectPods({ matchLabels: { app: 'web' } })
      .to(cidr)
      .gateway({ matchLabels: { gateway } });

  it.each([
    [
      'different gateways',
      [via('a', 'one'), via('b', 'two')],
      ['CILIUM_EGW_DUPLICATE_MATCH CiliumEgressGatewayPolicy a'],
    ],
    [
      'the same gateway and address',
      [via('a', 'one'), via('b', 'one')],
      ['CILIUM_EGW_DUPLICATE_MATCH_SAME_GATEWAY CiliumEgressGatewayPolicy a'],
    ],
    [
      'one excludes what the other sends: excluded or not depends on the order',
      [via('a', 'one', '10.9.0.0/16'), via('b', 'one').excluding('10.9.0.0/16')],
      ['CILIUM_EGW_DUPLICATE_MATCH CiliumEgressGatewayPolicy a'],
    ],
    ['different prefixes: the longest wins, no ambiguity', [via('a', 'one'), via('b', 'two', '203.0.113.0/24')], []],
    [
      'the same CIDR written with a host bit is the same key',
      [via('a', 'one', '203.0.113.0/24'), via('b', 'two', '203.0.113.7/24')],
      ['CILIUM_EGW_DUPLICATE_MATCH CiliumEgressGatewayPolicy a'],
    ],
  ])('%s', (_name, policies, expected) => {
    expect(briefs(cluster(policies))).toEqual(expected);
  });

  it('counts the pods and names their workloads once', () => {
    const [finding] = lintOf(cluster([via('a', 'one'), via('b', 'two')]));
    expect(finding!.data).toEqual({
      policies: 'a, b',
      cidr: '0.0.0.0/0',
      pods: '2',
      workloads: 'Pod shop/web-1, Pod shop/web-2',
    });
  });

  it.each([
    [
      "a node selector that leaves the pods' node out",
      [
        via('a', 'one'),
        egressPolicy('b')
          .selectPods({ matchLabels: { app: 'web' } }, { nodeSelector: { matchLabels: { pool: 'batch' } } })
          .to('0.0.0.0/0')
          .gateway({ matchLabels: { egress: 'true' } }),
      ],
    ],
    [
      'a namespace selector on a Namespace that was not read',
      [
        via('a', 'one'),
        egressPolicy('b')
          .selectNamespaces({ matchLabels: { team: 'shop' } })
          .to('0.0.0.0/0')
          .gateway({ matchLabels: { egress: 'true' } }),
      ],
    ],
  ])('says nothing for %s', (_name, policies) => {
    expect(briefs(cluster(policies))).toEqual([]);
  });

  it('looks only at the pods -n selected', () => {
    expect(briefs(cluster([via('a', 'one'), via('b', 'two')]), { namespace: 'other' })).toEqual([]);
  });
});

describe('hostNetwork pods a policy selects', () => {
  const agents = [1, 2, 3].map((i) =>
    pod(`agent-${i}`, 'shop')
      .on('worker')
      .ip('192.168.1.11')
      .label('app', 'web')
      .hostNetwork()
      .ownedBy('DaemonSet', 'agent'),
  );

  it('reports each workload once, with its pod count, and keeps them out of the duplicate check', () => {
    const findings = lintOf(
      cluster(
        [
          forWeb('a').gateway({ matchLabels: { egress: 'true' } }),
          forWeb('b').gateway({ matchLabels: { egress: 'true' } }),
        ],
        { pods: agents },
      ),
    );
    expect(
      findings.map((f) => [
        f.code,
        f.severity,
        `${f.object.kind} ${f.object.namespace}/${f.object.name}`,
        f.data['policy'],
        f.data['pods'],
      ]),
    ).toEqual([
      ['CILIUM_EGW_SELECTS_HOST_NETWORK_POD', 'warning', 'DaemonSet shop/agent', 'a', '3'],
      ['CILIUM_EGW_SELECTS_HOST_NETWORK_POD', 'warning', 'DaemonSet shop/agent', 'b', '3'],
    ]);
  });

  it('says nothing for hostNetwork pods no policy selects', () => {
    expect(
      briefs(
        cluster(
          [
            egressPolicy('p')
              .selectPods({ matchLabels: { app: 'db' } })
              .to('0.0.0.0/0')
              .gateway({ matchLabels: { egress: 'true' } }),
          ],
          { pods: agents },
        ),
      ),
    ).toEqual([]);
  });
});
