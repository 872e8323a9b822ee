/**
 * Objects of an API version the tool does not read are never read as another version: each is
 * named in a warning, and answers it could change are unknown.
 */
import { describe, expect, it } from 'vitest';
import { BUILTIN_VERSIONS, knownVersions } from '../../../src/config/api-versions.ts';
import {
  CONFIGMAPS,
  DAEMONSETS,
  ENDPOINTSLICES,
  JOBS,
  NAMESPACES,
  NODES,
  PODS,
  REPLICASETS,
  SERVICES,
  apiVersionOf,
} from '../../../src/cluster/resources.ts';
import { buildSnapshot } from '../../../src/engine/snapshot.ts';
import { DATAPATH_REGISTRY } from '../../../src/engine/registry/mechanisms.ts';
import type { KubeObject } from '../../../src/model/objects.ts';
import { build, ipMasqAgent, node, pod } from '../../support/builders.ts';
import {
  ciliumAgent,
  ciliumConfig,
  clusterNode,
  EGRESS_GATEWAY_CONFIG,
  egressPolicy,
} from '../../support/cilium-builders.ts';
import { calicoNode, egressNatPolicy, felixConfiguration, ipPool } from '../../support/datapath-builders.ts';
import { codes, decide } from '../../support/predict.ts';

const at = (apiVersion: string, obj: KubeObject): KubeObject => ({ ...obj, apiVersion });

describe('the versions the tool reads', () => {
  it('are the versions the live read lists the built-in resources at', () => {
    const live = [NODES, NAMESPACES, PODS, CONFIGMAPS, DAEMONSETS, REPLICASETS, JOBS, SERVICES, ENDPOINTSLICES].map(
      (spec) => [spec.kind, spec.versions.map((v) => apiVersionOf(spec, v))],
    );
    expect(Object.fromEntries(live)).toEqual(BUILTIN_VERSIONS);
  });

  it('include every custom resource version a mechanism reads, under its kind', () => {
    const known = knownVersions(DATAPATH_REGISTRY);
    expect([...known.get('CiliumEgressGatewayPolicy')!]).toEqual(['cilium.io/v2', 'cilium.io/v2alpha1']);
    expect([...known.get('IPPool')!].sort()).toEqual(['crd.projectcalico.org/v1', 'projectcalico.org/v3']);
  });
});

describe('an object of a version the tool does not read', () => {
  const cluster = build(
    node('n1').internalIP('10.0.0.1').podCIDR('10.4.0.0/24'),
    pod('web', 'shop').on('n1').ip('10.4.0.7'),
  );

  it.each([
    ['a Node at v2', at('v2', node('n2').internalIP('10.0.0.2').build()), 'Node', 'n2'],
    ['a Pod at v2', at('v2', pod('api', 'shop').on('n1').ip('10.4.0.8').build()), 'Pod', 'shop/api'],
    [
      'a DaemonSet at apps/v1beta2',
      at('apps/v1beta2', ipMasqAgent().build()),
      'DaemonSet',
      'kube-system/ip-masq-agent',
    ],
    [
      'a CiliumEgressGatewayPolicy at cilium.io/v3',
      at('cilium.io/v3', egressPolicy('p').build()),
      'CiliumEgressGatewayPolicy',
      'p',
    ],
    [
      'a CiliumNode at cilium.io/v2alpha1',
      at('cilium.io/v2alpha1', clusterNode('n1', '10.0.0.1', '10.4.0.0/24').ciliumNode),
      'CiliumNode',
      'n1',
    ],
    [
      'an IPPool at crd.projectcalico.org/v2',
      at('crd.projectcalico.org/v2', ipPool('pool', '10.4.0.0/16')),
      'IPPool',
      'pool',
    ],
    [
      'an EgressNATPolicy at networking.gke.io/v9',
      at('networking.gke.io/v9', egressNatPolicy('default', ['10.0.0.0/8'])),
      'EgressNATPolicy',
      'default',
    ],
  ])('is named in a warning and not read: %s', (_name, obj, kind, object) => {
    const snapshot = buildSnapshot([...cluster, obj]);
    expect(snapshot.warnings.filter((w) => w.code === 'OBJECT_VERSION_UNKNOWN')).toEqual([
      {
        code: 'OBJECT_VERSION_UNKNOWN',
        data: { kind, object, apiVersion: obj.apiVersion, known: expect.any(String) as string },
        source: expect.objectContaining({ kind }) as object,
      },
    ]);
    expect(snapshot.nodes.map((n) => n.name)).toEqual(['n1']);
    expect(snapshot.pods.map((p) => p.name)).toEqual(['web']);
  });

  it('is read when its version is one the tool knows (cilium.io/v2alpha1 policies)', () => {
    const snapshot = buildSnapshot([
      ...build(ciliumAgent(), ciliumConfig(EGRESS_GATEWAY_CONFIG)),
      at('cilium.io/v2alpha1', egressPolicy('old').build()),
    ]);
    expect(snapshot.warnings.map((w) => w.code)).not.toContain('OBJECT_VERSION_UNKNOWN');
    expect(snapshot.datapath.cilium?.egressPolicies.map((p) => p.name)).toEqual(['old']);
  });
});

describe('answers an object of an unknown version could change', () => {
  const nodes = [clusterNode('n1', '10.0.0.1', '10.4.0.0/24', { egress: 'yes' })];
  const cilium = (config: Record<string, string>, ...policies: KubeObject[]) => [
    ...build(
      ciliumAgent(),
      ciliumConfig(config),
      nodes[0]!.node,
      pod('web', 'shop').on('n1').ip('10.4.0.7').label('app', 'web'),
    ),
    nodes[0]!.ciliumNode,
    ...policies,
  ];
  const future = at(
    'cilium.io/v3',
    egressPolicy('future')
      .selectPods({ matchLabels: { app: 'web' } })
      .to('0.0.0.0/0')
      .gateway({ matchLabels: { egress: 'yes' } }, { egressIP: '203.0.113.9' })
      .build(),
  );

  it.each([
    [
      'with the egress gateway on, a pod to the internet is unknown',
      EGRESS_GATEWAY_CONFIG,
      '8.8.8.8',
      'unknown',
      ['CILIUM_EGW_POLICIES_UNREADABLE'],
    ],
    ['a destination inside the cluster is not', EGRESS_GATEWAY_CONFIG, '10.4.0.9', 'pod-ip', ['CILIUM_DST_LOCAL_POD']],
    [
      'with the egress gateway off, no policy applies',
      { 'enable-bpf-masquerade': 'true' },
      '8.8.8.8',
      'node-ip',
      ['CILIUM_BPF_MASQUERADE'],
    ],
  ])('a CiliumEgressGatewayPolicy: %s', (_name, config, to, identity, reasons) => {
    const [d] = decide(cilium(config, future), [to]);
    expect(d!.identity).toBe(identity);
    expect(codes(d!)).toEqual(reasons);
  });

  it.each([
    ['an IPPool', [at('crd.projectcalico.org/v2', ipPool('pool', '10.4.0.0/16', { natOutgoing: true }))]],
    [
      'a FelixConfiguration beside a readable pool',
      [
        ipPool('pool', '10.4.0.0/16', { natOutgoing: true }),
        at('projectcalico.org/v4', felixConfiguration('default', { natOutgoingExclusions: 'IPPoolsAndHostIPs' })),
      ],
    ],
  ])('Calico with %s: natOutgoing is unknown', (_name, objects) => {
    const [d] = decide(
      [
        ...build(node('n1').internalIP('10.0.0.1'), pod('web', 'shop').on('n1').ip('10.4.0.7'), calicoNode()),
        ...objects,
      ],
      ['8.8.8.8'],
    );
    expect(d!.identity).toBe('unknown');
    expect(codes(d!)).toContain('CALICO_CONFIG_UNREADABLE');
  });

  it('a DaemonSet at apps/v1beta2 may be an agent: node SNAT is unknown', () => {
    const [d] = decide([...cluster(), at('apps/v1beta2', ipMasqAgent().build())], ['8.8.8.8']);
    expect(d!.identity).toBe('unknown');
    expect(codes(d!)).toContain('DATAPATH_VERSION_UNKNOWN');
  });

  function cluster() {
    return build(node('n1').internalIP('10.0.0.1').podCIDR('10.4.0.0/24'), pod('web', 'shop').on('n1').ip('10.4.0.7'));
  }
});
