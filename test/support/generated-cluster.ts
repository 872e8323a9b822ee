/**
 * A generated Cilium cluster for comparisons at more than scenario size: nodes in two zones, two
 * gateway nodes, Deployments whose pods share nodes, and egress gateway policies of every kind
 * (pod labels, namespace labels, node selectors, several gateways with CiliumEndpoints, excluded
 * CIDRs, an invalid one).
 */
import type { KubeObject } from '../../src/model/objects.ts';
import { build, pod } from './builders.ts';
import {
  ciliumAgent,
  ciliumConfig,
  ciliumEndpoint,
  clusterNode,
  EGRESS_GATEWAY_CONFIG,
  egressPolicy,
} from './cilium-builders.ts';

export interface GeneratedCluster {
  nodes: number;
  podsPerNode: number;
  /** bpf: egress gateways on; iptables: Cilium's iptables masquerade, gateways off. */
  masquerade: 'bpf' | 'iptables';
  /** GCE nodes with ExternalIPs: packets leaving with a node's primary address get its ExternalIP. */
  cloud?: boolean;
}

const APPS = ['web', 'api', 'batch', 'db', 'cache'];

export function generatedCluster({ nodes, podsPerNode, masquerade, cloud = false }: GeneratedCluster): KubeObject[] {
  const config =
    masquerade === 'bpf'
      ? { ...EGRESS_GATEWAY_CONFIG, 'routing-mode': 'native', 'ipv4-native-routing-cidr': '10.0.0.0/16' }
      : { 'enable-bpf-masquerade': 'false', 'routing-mode': 'tunnel' };
  const objects: KubeObject[] = [...build(ciliumAgent(), ciliumConfig(config))];
  for (let n = 0; n < nodes; n++) {
    const labels = {
      zone: n % 2 === 0 ? 'a' : 'b',
      ...(n < 2 ? { 'egress-gateway': 'true', [`gateway-${n}`]: 'true' } : {}),
    };
    const { node, ciliumNode } = clusterNode(`n${n}`, `172.16.0.${n + 1}`, `10.0.${n}.0/24`, labels);
    if (cloud) node.gce().externalIP(`34.1.0.${n + 1}`);
    objects.push(...build(node), ciliumNode);
    for (let p = 0; p < podsPerNode; p++) {
      const app = APPS[(n + p) % APPS.length]!;
      const namespace = p % 3 === 0 ? 'payments' : 'default';
      const name = `${app}-${n}-${p}`;
      objects.push(
        ...build(
          pod(name, namespace)
            .on(`n${n}`)
            .ip(`10.0.${n}.${p + 2}`)
            .label('app', app)
            .label('pod-template-hash', `h${n % 3}`)
            .ownedBy('ReplicaSet', `${app}-h`),
        ),
      );
      if (p % 2 === 0) objects.push(ciliumEndpoint(name, `uid-${n}-${p}`, namespace));
    }
  }
  objects.push(...build(pod('node-agent', 'kube-system').on('n0').ip('172.16.0.1').hostNetwork().label('app', 'web')));
  return [...objects, ...policies(), namespace('payments', { team: 'payments' }), namespace('default', {})];
}

function policies(): KubeObject[] {
  return [
    egressPolicy('web-out')
      .selectPods({ matchLabels: { app: 'web' } })
      .to('203.0.113.0/24', '8.8.8.0/24')
      .excluding('203.0.113.77/32')
      .gateway({ matchLabels: { 'gateway-0': 'true' } }, { egressIP: '172.16.0.1' })
      .build(),
    egressPolicy('api-zone-a')
      .selectPods({ matchLabels: { app: 'api' } }, { nodeSelector: { matchLabels: { zone: 'a' } } })
      .to('0.0.0.0/0')
      .gateway({ matchLabels: { 'gateway-1': 'true' } })
      .build(),
    egressPolicy('payments')
      .selectNamespaces({ matchLabels: { team: 'payments' } })
      .to('198.51.100.0/24', '8.8.0.0/16')
      .gateway({ matchLabels: { 'egress-gateway': 'true' } }, { egressIP: '172.16.0.2' })
      .build(),
    egressPolicy('batch-many')
      .selectPods({ matchLabels: { app: 'batch' } })
      .to('198.51.100.0/25', '8.8.8.0/24')
      .gateways(
        { nodeSelector: { matchLabels: { 'gateway-0': 'true' } } },
        { nodeSelector: { matchLabels: { 'gateway-1': 'true' } } },
      )
      .build(),
    egressPolicy('nowhere')
      .selectPods({ matchLabels: { app: 'cache' } })
      .to('8.8.8.8/32')
      .gateway({ matchLabels: { 'no-such': 'node' } })
      .build(),
    egressPolicy('broken')
      .selectPods({ matchLabels: { app: 'db' } })
      .to('not-a-cidr')
      .gateway({})
      .build(),
  ];
}

function namespace(name: string, labels: Record<string, string>): KubeObject {
  return { apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels } };
}
