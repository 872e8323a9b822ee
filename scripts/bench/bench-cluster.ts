/**
 * The generated cluster of the engine and output benchmarks (engine.ts, table.ts): 2,000 nodes
 * (BENCH_NODES), 75 pods on each in 300 Deployments, 200 CiliumEgressGatewayPolicies over 10 gateway
 * nodes, 2,000 NetworkPolicies (40 in each of the 50 namespaces) and 200 CiliumNetworkPolicies (the
 * policy step's share, issue 18),
 * and the 4 destinations every pod is asked about.
 */
import type { KubeObject } from '../../src/model/objects.ts';

export const NODES = Number(process.env.BENCH_NODES ?? 2_000);
export const PODS_PER_NODE = 75;
export const DEPLOYMENTS = 300;
export const POLICIES = 200;
export const NETWORK_POLICIES = Number(process.env.BENCH_NETWORK_POLICIES ?? 2_000);
export const CILIUM_NETWORK_POLICIES = Number(process.env.BENCH_CILIUM_NETWORK_POLICIES ?? 200);
const NAMESPACES = 50;
export const GATEWAYS = 10;
export const DESTINATIONS = ['8.8.8.8', '203.0.113.10', '10.0.5.5', '198.51.100.7'];

const octets = (n: number) => `${(n >> 8) & 255}.${n & 255}`;

/** The cluster: a Cilium agent with egress gateways on, the nodes with their pods, the policies. */
export function benchCluster(): KubeObject[] {
  const objects: KubeObject[] = [
    {
      apiVersion: 'apps/v1',
      kind: 'DaemonSet',
      metadata: { name: 'cilium', namespace: 'kube-system' },
      spec: {
        template: {
          spec: { hostNetwork: true, containers: [{ name: 'cilium-agent', image: 'quay.io/cilium/cilium:v1.18.2' }] },
        },
      },
    },
    {
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
      },
    },
  ];
  for (let n = 0; n < NODES; n++) objects.push(...node(n));
  for (let i = 0; i < POLICIES; i++) objects.push(policy(i));
  for (let i = 0; i < NETWORK_POLICIES; i++) objects.push(networkPolicy(i));
  for (let i = 0; i < CILIUM_NETWORK_POLICIES; i++) objects.push(ciliumNetworkPolicy(i));
  return objects;
}

function node(n: number): KubeObject[] {
  const name = `node-${n}`;
  const labels = { 'kubernetes.io/hostname': name, ...(n < GATEWAYS ? { 'egress-gateway': 'true' } : {}) };
  const objects: KubeObject[] = [
    {
      apiVersion: 'v1',
      kind: 'Node',
      metadata: { name, labels },
      spec: { podCIDR: `10.${octets(n)}.0/24`, podCIDRs: [`10.${octets(n)}.0/24`] },
      status: { addresses: [{ type: 'InternalIP', address: `172.16.${octets(n)}` }] },
    },
    {
      apiVersion: 'cilium.io/v2',
      kind: 'CiliumNode',
      metadata: { name, labels },
      spec: {
        addresses: [{ type: 'InternalIP', ip: `172.16.${octets(n)}` }],
        ipam: { podCIDRs: [`10.${octets(n)}.0/24`] },
      },
    },
  ];
  for (let p = 0; p < PODS_PER_NODE; p++) {
    const app = (n * PODS_PER_NODE + p) % DEPLOYMENTS;
    const hash = `h${app}`;
    objects.push({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name: `app-${app}-${hash}-${n}-${p}`,
        namespace: `ns-${app % 50}`,
        labels: { app: `app-${app}`, team: `team-${app % 20}`, 'pod-template-hash': hash },
        ownerReferences: [
          { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: `app-${app}-${hash}`, uid: `rs-${app}`, controller: true },
        ],
      },
      spec: { nodeName: name, containers: [{ name: 'c', image: 'example' }] },
      status: { phase: 'Running', podIP: `10.${octets(n)}.${p + 2}`, podIPs: [{ ip: `10.${octets(n)}.${p + 2}` }] },
    });
  }
  return objects;
}

/**
 * Per namespace: policies selecting each of its Deployments (an internet allow on 443 but not to
 * 10.0.0.0/8, a partner range on any port, DNS to kube-system), and for every fifth a default deny.
 */
function networkPolicy(i: number): KubeObject {
  const namespace = `ns-${i % NAMESPACES}`;
  const app = i % DEPLOYMENTS;
  const spec =
    i % 5 === 0
      ? { podSelector: {}, policyTypes: ['Egress'] }
      : {
          podSelector: { matchLabels: { app: `app-${app}` } },
          policyTypes: ['Egress'],
          egress: [
            {
              to: [{ ipBlock: { cidr: '0.0.0.0/0', except: ['10.0.0.0/8'] } }],
              ports: [{ protocol: 'TCP', port: 443 }],
            },
            { to: [{ ipBlock: { cidr: '198.51.100.0/24' } }] },
            {
              to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } } }],
              ports: [{ protocol: 'UDP', port: 53 }],
            },
          ],
        };
  return { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: `np-${i}`, namespace }, spec };
}

/** One per Deployment of the first 200: a partner range on 443 allowed, and every tenth also denies the world on 25. */
function ciliumNetworkPolicy(i: number): KubeObject {
  const app = i % DEPLOYMENTS;
  return {
    apiVersion: 'cilium.io/v2',
    kind: 'CiliumNetworkPolicy',
    metadata: { name: `cnp-${i}`, namespace: `ns-${app % NAMESPACES}` },
    spec: {
      endpointSelector: { matchLabels: { app: `app-${app}` } },
      egress: [{ toCIDR: ['203.0.113.0/24'], toPorts: [{ ports: [{ port: '443', protocol: 'TCP' }] }] }],
      ...(i % 10 === 0
        ? { egressDeny: [{ toEntities: ['world'], toPorts: [{ ports: [{ port: '25', protocol: 'TCP' }] }] }] }
        : {}),
    },
  };
}

function policy(i: number): KubeObject {
  return {
    apiVersion: 'cilium.io/v2',
    kind: 'CiliumEgressGatewayPolicy',
    metadata: { name: `egw-${i}` },
    spec: {
      selectors: [{ podSelector: { matchLabels: { app: `app-${i}` } } }],
      destinationCIDRs: [i % 2 === 0 ? '203.0.113.0/24' : `198.51.100.${i % 250}/32`],
      egressGateway: {
        nodeSelector: { matchLabels: { 'egress-gateway': 'true', 'kubernetes.io/hostname': `node-${i % GATEWAYS}` } },
        egressIP: `172.16.${octets(i % GATEWAYS)}`,
      },
    },
  };
}
