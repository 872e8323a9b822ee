/**
 * The datapath half of the scale fixture: Cilium's CRDs (minimal schemas: the benchmark reads the
 * objects, nothing validates them), cilium-config with egress gateway and BPF masquerading on,
 * the ip-masq-agent ConfigMap Cilium's ip-masq-agent mode reads, one CiliumNode per node and 200
 * CiliumEgressGatewayPolicies, each sending one Deployment's pods through one of the gateway nodes.
 */
import type { KubeObject } from './api.ts';
import { GATEWAYS, nodeIP, nodeName, podCIDR, type Workload } from './scale-objects.ts';

export const POLICIES = 200;

const CRDS = [
  { plural: 'ciliumegressgatewaypolicies', kind: 'CiliumEgressGatewayPolicy', shortNames: ['cegp'], scope: 'Cluster' },
  { plural: 'ciliumnodes', kind: 'CiliumNode', shortNames: ['cn', 'ciliumn'], scope: 'Cluster' },
  { plural: 'ciliumendpoints', kind: 'CiliumEndpoint', shortNames: ['cep', 'ciliumep'], scope: 'Namespaced' },
];

export function ciliumCRDs(): KubeObject[] {
  return CRDS.map((crd) => ({
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `${crd.plural}.cilium.io`, labels: { 'io.cilium.k8s.crd.schema.version': '1.31.0' } },
    spec: {
      group: 'cilium.io',
      scope: crd.scope,
      names: {
        plural: crd.plural,
        singular: crd.kind.toLowerCase(),
        kind: crd.kind,
        listKind: `${crd.kind}List`,
        shortNames: crd.shortNames,
        categories: ['cilium'],
      },
      versions: [
        {
          name: 'v2',
          served: true,
          storage: true,
          schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } },
        },
      ],
    },
  }));
}

export function ciliumConfig(): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'cilium-config', namespace: 'kube-system' },
    data: {
      'enable-egress-gateway': 'true',
      'enable-bpf-masquerade': 'true',
      'kube-proxy-replacement': 'true',
      'enable-ipv4-masquerade': 'true',
      'ipv4-native-routing-cidr': '10.0.0.0/8',
      'routing-mode': 'native',
      'enable-ip-masq-agent': 'true',
      'cluster-name': 'bench',
      'cluster-id': '0',
      ipam: 'kubernetes',
      'enable-ipv4': 'true',
      'enable-ipv6': 'false',
      'auto-direct-node-routes': 'true',
      'bpf-lb-sock': 'false',
      'enable-hubble': 'true',
      'hubble-listen-address': ':4244',
      'identity-allocation-mode': 'crd',
      'monitor-aggregation': 'medium',
      'operator-api-serve-addr': '127.0.0.1:9234',
    },
  };
}

export function ipMasqAgentConfig(): KubeObject {
  const config = [
    'nonMasqueradeCIDRs:',
    '  - 10.0.0.0/8',
    '  - 172.16.0.0/12',
    '  - 192.168.0.0/16',
    '  - 100.64.0.0/10',
    'masqLinkLocal: false',
    'resyncInterval: 60s',
    '',
  ].join('\n');
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'ip-masq-agent', namespace: 'kube-system' },
    data: { config },
  };
}

/** The CiliumNode Cilium's agent writes for node `n` (ownerReference: the created Node). */
export function ciliumNode(n: number, owner: KubeObject): KubeObject {
  const name = nodeName(n);
  const cidr = podCIDR(n);
  return {
    apiVersion: 'cilium.io/v2',
    kind: 'CiliumNode',
    metadata: {
      name,
      labels: owner.metadata['labels'],
      ownerReferences: [{ apiVersion: 'v1', kind: 'Node', name, uid: owner.metadata.uid }],
    },
    spec: {
      addresses: [
        { type: 'InternalIP', ip: nodeIP(n) },
        { type: 'CiliumInternalIP', ip: cidr.replace(/0\/24$/, '1') },
      ],
      health: { ipv4: cidr.replace(/0\/24$/, '2') },
      ipam: { podCIDRs: [cidr], pools: {} },
      encryption: {},
      eni: {},
      'instance-id': name,
      bootid: `${n}`,
    },
    status: { ipam: { 'operator-status': {} } },
  };
}

/** Policy i sends Deployment i's pods to two documentation ranges through gateway node i mod 10. */
export function egressGatewayPolicy(i: number, target: Workload): KubeObject {
  const gateway = i % GATEWAYS;
  return {
    apiVersion: 'cilium.io/v2',
    kind: 'CiliumEgressGatewayPolicy',
    metadata: { name: `egress-${target.name}`, labels: { team: target.namespace } },
    spec: {
      selectors: [
        { podSelector: { matchLabels: { app: target.name, 'io.kubernetes.pod.namespace': target.namespace } } },
      ],
      destinationCIDRs: i % 2 === 0 ? ['203.0.113.0/24'] : [`198.51.100.${i % 250}/32`, '192.0.2.0/24'],
      excludedCIDRs: i % 5 === 0 ? ['203.0.113.128/25'] : [],
      egressGateway: {
        nodeSelector: { matchLabels: { 'egress-gateway': 'true', 'kubernetes.io/hostname': nodeName(gateway) } },
        egressIP: nodeIP(gateway),
      },
    },
  };
}
