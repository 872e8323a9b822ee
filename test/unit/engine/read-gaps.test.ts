/**
 * Every input a mechanism depends on has a read status. A decision that depends on an input that
 * was refused (or is served only at a version the tool does not know) is unknown with a reason
 * naming it; a gap the answer does not depend on changes nothing but the warnings.
 */
import { describe, expect, it } from 'vitest';
import type { ReadGap } from '../../../src/model/gaps.ts';
import type { KubeObject } from '../../../src/model/objects.ts';
import { buildSnapshot } from '../../../src/engine/snapshot.ts';
import { buildAllowlists } from '../../../src/engine/allowlist/index.ts';
import { selectPods } from '../../../src/engine/select.ts';
import { build, ipMasqAgent, ipMasqConfig, node, pod } from '../../support/builders.ts';
import {
  ciliumAgent,
  ciliumConfig,
  ciliumEndpoint,
  clusterNode,
  EGRESS_GATEWAY_CONFIG,
  egressPolicy,
} from '../../support/cilium-builders.ts';
import { calicoNode, felixConfiguration, ipPool } from '../../support/datapath-builders.ts';
import { forbidden, notServed, unknownVersion } from '../../support/gaps.ts';
import { codes, decide, decisionFor, destination } from '../../support/predict.ts';

const CEGP = 'ciliumegressgatewaypolicies.cilium.io';
const CILIUM_NODES = 'ciliumnodes.cilium.io';

/** Cilium with the egress gateway on; policy `egw` sends app=web to the internet through node g (203.0.113.50). */
function ciliumCluster(
  options: { config?: Record<string, string>; without?: readonly string[]; policy?: KubeObject } = {},
): KubeObject[] {
  const nodes = [
    clusterNode('a', '10.0.0.1', '10.244.1.0/24'),
    clusterNode('g', '10.0.0.9', '10.244.9.0/24', { egress: 'yes' }),
  ];
  const policy =
    options.policy ??
    egressPolicy('egw')
      .selectPods({ matchLabels: { app: 'web' } })
      .to('0.0.0.0/0')
      .gateway({ matchLabels: { egress: 'yes' } }, { egressIP: '203.0.113.50' })
      .build();
  const objects = [
    ...build(
      ciliumAgent(),
      ciliumConfig(options.config ?? EGRESS_GATEWAY_CONFIG),
      ...nodes.map((n) => n.node),
      pod('web', 'shop').on('a').ip('10.244.1.7').label('app', 'web'),
      pod('db', 'shop').on('a').ip('10.244.1.8').label('app', 'db'),
      pod('host', 'shop').on('a').ip('10.0.0.1').hostNetwork(),
    ),
    ...nodes.map((n) => n.ciliumNode),
    policy,
  ];
  const without = new Set(options.without ?? []);
  return objects.filter((o) => !without.has(o.kind));
}

const answer = (objects: KubeObject[], gaps: ReadGap[], podName: string, to: string) =>
  decisionFor(decide(objects, [to], { gaps }), podName, to);

describe('Cilium: an unread input is unknown where the answer depends on it', () => {
  it.each([
    ["nothing refused: the gateway's egress IP", [], {}, 'web', '8.8.8.8', 'egress-gateway', 'CILIUM_EGW_EGRESS_IP'],
    [
      'policies refused, gateway on: unknown for the internet',
      [forbidden(CEGP)],
      { without: ['CiliumEgressGatewayPolicy'] },
      'web',
      '8.8.8.8',
      'unknown',
      'CILIUM_EGW_POLICIES_UNREADABLE',
    ],
    [
      'policies refused: unknown for pods no known policy selects too',
      [forbidden(CEGP)],
      { without: ['CiliumEgressGatewayPolicy'] },
      'db',
      '8.8.8.8',
      'unknown',
      'CILIUM_EGW_POLICIES_UNREADABLE',
    ],
    [
      'policies refused: in-cluster destinations are never gatewayed',
      [forbidden(CEGP)],
      { without: ['CiliumEgressGatewayPolicy'] },
      'web',
      '10.244.9.3',
      'pod-ip',
      'CILIUM_DST_REMOTE_POD_TUNNEL',
    ],
    [
      'policies refused: hostNetwork pods have no endpoint for a policy to select',
      [forbidden(CEGP)],
      { without: ['CiliumEgressGatewayPolicy'] },
      'host',
      '8.8.8.8',
      'node-ip',
      'HOST_NETWORK_NODE_IP',
    ],
    [
      'policies refused, gateway off in cilium-config: no policy can apply',
      [forbidden(CEGP)],
      { without: ['CiliumEgressGatewayPolicy'], config: {} },
      'web',
      '8.8.8.8',
      'node-ip',
      'CILIUM_IPTABLES_MASQUERADE',
    ],
    [
      'policies served only at cilium.io/v3',
      [unknownVersion(CEGP, 'v3')],
      { without: ['CiliumEgressGatewayPolicy'] },
      'web',
      '8.8.8.8',
      'unknown',
      'CILIUM_EGW_POLICIES_UNREADABLE',
    ],
    [
      'policies not served at all: none exist',
      [notServed(CEGP)],
      { without: ['CiliumEgressGatewayPolicy'] },
      'web',
      '8.8.8.8',
      'node-ip',
      'CILIUM_BPF_MASQUERADE',
    ],
    [
      'cilium-config refused: a selected pod',
      [forbidden('configmaps', 'kube-system')],
      { without: ['ConfigMap'] },
      'web',
      '8.8.8.8',
      'unknown',
      'CILIUM_CONFIG_UNREADABLE',
    ],
    [
      'cilium-config refused: no vanilla defaults for other pods either',
      [forbidden('configmaps', 'kube-system')],
      { without: ['ConfigMap'] },
      'db',
      '8.8.8.8',
      'unknown',
      'CILIUM_CONFIG_UNREADABLE',
    ],
    [
      'cilium-config and policies refused',
      [forbidden('configmaps', 'kube-system'), forbidden(CEGP)],
      { without: ['ConfigMap', 'CiliumEgressGatewayPolicy'] },
      'db',
      '8.8.8.8',
      'unknown',
      'CILIUM_EGW_POLICIES_UNREADABLE',
    ],
    [
      'CiliumNodes refused: the gateway node is unknown',
      [forbidden(CILIUM_NODES)],
      { without: ['CiliumNode'] },
      'web',
      '8.8.8.8',
      'unknown',
      'CILIUM_NODES_UNREADABLE',
    ],
    [
      'CiliumNodes refused: masquerading reads their pod CIDRs',
      [forbidden(CILIUM_NODES)],
      { without: ['CiliumNode'] },
      'db',
      '8.8.8.8',
      'unknown',
      'CILIUM_NODES_UNREADABLE',
    ],
    [
      'agent DaemonSets refused in calico-system: any agent may run there',
      [forbidden('daemonsets.apps', 'calico-system')],
      {},
      'db',
      '8.8.8.8',
      'unknown',
      'DATAPATH_UNREADABLE',
    ],
  ] as const)('%s', (_name, gaps, options, podName, to, identity, code) => {
    const d = answer(ciliumCluster(options), [...gaps], podName, to);
    expect(d.identity).toBe(identity);
    expect(codes(d)).toContain(code);
    if (identity === 'unknown') expect(d.sourceIP).toBeNull();
  });

  it('names the refused resource, its namespace and why in the reason', () => {
    const d = answer(
      ciliumCluster({ without: ['ConfigMap'] }),
      [forbidden('configmaps', 'kube-system')],
      'db',
      '8.8.8.8',
    );
    expect(d.reasons.find((r) => r.code === 'CILIUM_CONFIG_UNREADABLE')?.data).toMatchObject({
      resource: 'configmaps',
      namespace: 'kube-system',
      reason: 'forbidden',
    });
  });

  it('says the served version when the policies are served only at one the tool does not know', () => {
    const d = answer(
      ciliumCluster({ without: ['CiliumEgressGatewayPolicy'] }),
      [unknownVersion(CEGP, 'v3')],
      'web',
      '8.8.8.8',
    );
    expect(d.reasons.find((r) => r.code === 'CILIUM_EGW_POLICIES_UNREADABLE')?.data).toMatchObject({
      reason: 'unknown-version',
      served: 'v3',
    });
  });

  it('says a multi-gateway choice is unknown because CiliumEndpoints were refused', () => {
    const policy = egressPolicy('multi')
      .selectPods({ matchLabels: { app: 'web' } })
      .to('0.0.0.0/0')
      .gateways(
        { nodeSelector: { matchLabels: { egress: 'yes' } }, egressIP: '203.0.113.50' },
        { nodeSelector: { matchLabels: { 'kubernetes.io/hostname': 'a' } }, egressIP: '203.0.113.51' },
      )
      .build();
    const objects = ciliumCluster({ policy }).map((o) =>
      o.kind === 'CiliumNode' && o.metadata.name === 'a'
        ? { ...o, metadata: { ...o.metadata, labels: { 'kubernetes.io/hostname': 'a' } } }
        : o,
    );
    const d = answer(objects, [forbidden('ciliumendpoints.cilium.io')], 'web', '8.8.8.8');
    expect(d.identity).toBe('unknown');
    expect(d.reasons.find((r) => r.code === 'CILIUM_EGW_GATEWAY_SET')?.data['missing']).toContain('forbidden');
    const known = answer(
      [...objects, ciliumEndpoint('web', '0b6d3c1e-0000-0000-0000-000000000001', 'shop')],
      [],
      'web',
      '8.8.8.8',
    );
    expect(known.identity).toBe('egress-gateway');
  });

  it('keeps definite answers when the refused resource cannot matter (no Calico, no GKE nodes)', () => {
    const gaps = [
      forbidden('ippools.crd.projectcalico.org'),
      forbidden('felixconfigurations.crd.projectcalico.org'),
      forbidden('egressnatpolicies.networking.gke.io'),
    ];
    expect(answer(ciliumCluster(), gaps, 'web', '8.8.8.8')).toMatchObject({
      identity: 'egress-gateway',
      sourceIP: '203.0.113.50',
    });
  });

  it('warns about every refused and unknown-version read', () => {
    const snapshot = buildSnapshot(ciliumCluster(), {
      gaps: [
        forbidden('ippools.crd.projectcalico.org'),
        unknownVersion(CEGP, 'v3'),
        notServed('egressnatpolicies.networking.gke.io'),
      ],
    });
    expect(snapshot.warnings.filter((w) => w.code.startsWith('READ_'))).toEqual([
      { code: 'READ_FORBIDDEN', data: { resource: 'ippools.crd.projectcalico.org', namespace: '' } },
      { code: 'READ_UNKNOWN_VERSION', data: { resource: CEGP, served: 'v3' } },
    ]);
  });

  it('makes the allowlist incomplete when an answer rests on an unread input', () => {
    const objects = ciliumCluster({ without: ['CiliumEgressGatewayPolicy'] });
    const snapshot = buildSnapshot(objects, { gaps: [forbidden(CEGP)] });
    const pods = selectPods(snapshot, { allNamespaces: true, selector: [] });
    const [list] = buildAllowlists(snapshot, pods, { destinations: [destination('8.8.8.8')] });
    expect(list!.complete).toBe(false);
  });

  it("makes the allowlist incomplete when the pods' nodes could not be read", () => {
    const snapshot = buildSnapshot(ciliumCluster({ without: ['Node', 'CiliumNode'] }), {
      gaps: [forbidden('nodes'), forbidden(CILIUM_NODES)],
    });
    const pods = selectPods(snapshot, { allNamespaces: true, selector: [] });
    const [list] = buildAllowlists(snapshot, pods, { destinations: [destination('8.8.8.8')] });
    expect(list).toMatchObject({ complete: false, cidrs: [] });
    expect(list!.notes.find((n) => n.code === 'PART_UNKNOWN')).toMatchObject({
      subjects: ['a'],
      reasons: [{ code: 'NODES_UNREADABLE' }],
    });
  });
});

describe('Calico: pools and Felix settings', () => {
  const cluster = (objects: KubeObject[] = []) => [
    ...build(calicoNode(), node('n1').internalIP('10.0.0.1'), pod('web', 'shop').on('n1').ip('192.168.1.7')),
    ...objects,
  ];
  const pools = [ipPool('default', '192.168.0.0/16', { natOutgoing: true }), felixConfiguration('default', {})];

  it.each([
    ['everything read', pools, [], 'node-ip', 'CALICO_NAT_OUTGOING'],
    [
      'pools refused, the v3 API not served',
      [pools[1]!],
      [forbidden('ippools.crd.projectcalico.org'), notServed('ippools.projectcalico.org')],
      'unknown',
      'CALICO_CONFIG_UNREADABLE',
    ],
    [
      'pools refused at v3 but read through the CRD',
      pools,
      [forbidden('ippools.projectcalico.org')],
      'node-ip',
      'CALICO_NAT_OUTGOING',
    ],
    [
      'FelixConfigurations refused (natOutgoingAddress unknown)',
      [pools[0]!],
      [forbidden('felixconfigurations.crd.projectcalico.org'), notServed('felixconfigurations.projectcalico.org')],
      'unknown',
      'CALICO_CONFIG_UNREADABLE',
    ],
  ] as const)('%s', (_name, objects, gaps, identity, code) => {
    const d = answer(cluster([...objects]), [...gaps], 'web', '8.8.8.8');
    expect(d.identity).toBe(identity);
    expect(codes(d)).toContain(code);
  });

  it('needs no Felix settings for a pod whose pool does not NAT', () => {
    const objects = cluster([ipPool('default', '192.168.0.0/16', { natOutgoing: false })]);
    expect(answer(objects, [forbidden('felixconfigurations.crd.projectcalico.org')], 'web', '8.8.8.8')).toMatchObject({
      identity: 'pod-ip',
    });
  });

  it.each([
    [
      'FelixConfigurations refused: whether the annotation counts is unknown',
      [ipPool('default', '192.168.0.0/16')],
      [forbidden('felixconfigurations.crd.projectcalico.org'), notServed('felixconfigurations.projectcalico.org')],
      'selector',
      'unknown',
    ],
    [
      'Enterprise policies refused: the named policy is unknown',
      [...pools.slice(0, 1), felixConfiguration('default', { egressIPSupport: 'EnabledPerNamespace' })],
      [forbidden('egressgatewaypolicies.projectcalico.org')],
      'egressGatewayPolicy',
      'unknown',
    ],
  ] as const)('egress gateway annotations, %s', (_name, objects, gaps, annotation, identity) => {
    const namespace: KubeObject = {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: {
        name: 'shop',
        annotations: {
          [`egress.projectcalico.org/${annotation}`]: annotation === 'selector' ? "egress-code == 'red'" : 'egw',
        },
      },
    };
    const d = answer(cluster([...objects, namespace]), [...gaps], 'web', '8.8.8.8');
    expect(d.identity).toBe(identity);
    expect(codes(d)).toContain('CALICO_CONFIG_UNREADABLE');
  });

  it('egress gateways on, Namespaces refused: their annotations may send the pod to a gateway', () => {
    const objects = cluster([
      ipPool('default', '192.168.0.0/16'),
      felixConfiguration('default', { egressIPSupport: 'EnabledPerNamespace' }),
    ]);
    const d = answer(objects, [forbidden('namespaces')], 'web', '8.8.8.8');
    expect(d.identity).toBe('unknown');
    expect(codes(d)).toContain('NAMESPACES_UNREADABLE');
    expect(answer(objects, [], 'web', '8.8.8.8').identity).toBe('pod-ip');
  });

  it('is only a warning without calico-node: Felix does not run', () => {
    const objects = build(
      ipMasqAgent(),
      ipMasqConfig('nonMasqueradeCIDRs: [10.0.0.0/8]'),
      node('n1').internalIP('10.0.0.1'),
      pod('web', 'shop').on('n1').ip('10.4.1.7'),
    );
    expect(answer(objects, [forbidden('ippools.crd.projectcalico.org')], 'web', '8.8.8.8')).toMatchObject({
      identity: 'node-ip',
      sourceIP: '10.0.0.1',
    });
  });
});

describe('GKE EgressNATPolicy', () => {
  const cluster = () =>
    build(
      node('g1').internalIP('10.128.0.2').externalIP('34.1.2.3').podCIDR('10.4.0.0/24').gce(),
      pod('web', 'shop').on('g1').ip('10.4.0.7'),
    );
  const RESOURCE = 'egressnatpolicies.networking.gke.io';

  it.each([
    ['not served: GKE default SNAT', [notServed(RESOURCE)], '8.8.8.8', 'node-ip', 'DST_NOT_IN_NON_MASQ_CIDRS'],
    [
      'refused on GKE nodes: a policy may exempt the destination',
      [forbidden(RESOURCE)],
      '8.8.8.8',
      'unknown',
      'GKE_EGRESS_NAT_POLICIES_UNREADABLE',
    ],
    [
      "refused, but the cluster's own ranges are always exempt",
      [forbidden(RESOURCE)],
      '10.4.0.9',
      'pod-ip',
      'GKE_CLUSTER_RANGE_NO_SNAT',
    ],
    [
      'served at an unknown version',
      [unknownVersion(RESOURCE, 'v2')],
      '8.8.8.8',
      'unknown',
      'GKE_EGRESS_NAT_POLICIES_UNREADABLE',
    ],
  ] as const)('%s', (_name, gaps, to, identity, code) => {
    const d = answer(cluster(), [...gaps], 'web', to);
    expect(d.identity).toBe(identity);
    expect(codes(d)).toContain(code);
  });
});
