/**
 * Builders for Cilium's own network policies (CiliumNetworkPolicy, CiliumClusterwideNetworkPolicy),
 * reading like their YAML, and a small Cilium cluster to ask them about: two nodes, a frontend
 * and a backend pod, CoreDNS, and the namespaces that hold them.
 */
import type { KubeObject } from '../../src/model/objects.ts';
import { namespace } from './antrea-builders.ts';
import { build, pod } from './builders.ts';
import { ciliumAgent, ciliumConfig, clusterNode } from './cilium-builders.ts';

type Json = Record<string, unknown>;

export class CiliumPolicyBuilder {
  private readonly obj: KubeObject;
  constructor(kind: 'CiliumNetworkPolicy' | 'CiliumClusterwideNetworkPolicy', name: string, namespace?: string) {
    this.obj = {
      apiVersion: 'cilium.io/v2',
      kind,
      metadata: { name, ...(namespace && { namespace }) },
      spec: { endpointSelector: {} },
    };
  }

  private get spec(): Json {
    return this.obj['spec'] as Json;
  }

  selecting(endpointSelector: Json): this {
    this.spec['endpointSelector'] = endpointSelector;
    return this;
  }

  /** One egress rule as its YAML (`{ toEndpoints: [...], toPorts: [...] }`). */
  egress(rule: Json = {}): this {
    ((this.spec['egress'] ??= []) as Json[]).push(rule);
    return this;
  }

  egressDeny(rule: Json = {}): this {
    ((this.spec['egressDeny'] ??= []) as Json[]).push(rule);
    return this;
  }

  /** Any spec field as written (enableDefaultDeny, nodeSelector, malformed values). */
  set(field: string, value: unknown): this {
    if (value === undefined) delete this.spec[field];
    else this.spec[field] = value;
    return this;
  }

  build(): KubeObject {
    return structuredClone(this.obj);
  }
}

export const cnp = (name: string, ns = 'shop') => new CiliumPolicyBuilder('CiliumNetworkPolicy', name, ns);
export const ccnp = (name: string) => new CiliumPolicyBuilder('CiliumClusterwideNetworkPolicy', name);

/** The pods' addresses, for --to. */
export const IPS = {
  frontend: '10.0.1.10',
  backend: '10.0.2.20',
  dns: '10.0.2.53',
  n1: '192.168.1.1',
  n2: '192.168.1.2',
} as const;

/** A Cilium cluster: nodes n1 (10.0.1.0/24) and n2 (10.0.2.0/24); shop/frontend on n1, shop/backend and kube-system/coredns on n2. */
export function ciliumCluster(config: Record<string, string> = {}): KubeObject[] {
  const n1 = clusterNode('n1', IPS.n1, '10.0.1.0/24');
  const n2 = clusterNode('n2', IPS.n2, '10.0.2.0/24');
  return [
    ...build(
      ciliumAgent(),
      ciliumConfig(config),
      n1.node,
      n2.node,
      pod('frontend', 'shop')
        .on('n1')
        .ip(IPS.frontend)
        .label('role', 'frontend')
        .label('app', 'myService')
        .label('env', 'dev'),
      pod('backend', 'shop').on('n2').ip(IPS.backend).label('role', 'backend'),
      pod('coredns', 'kube-system').on('n2').ip(IPS.dns).label('k8s-app', 'kube-dns'),
    ),
    n1.ciliumNode,
    n2.ciliumNode,
    namespace('shop', { 'kubernetes.io/metadata.name': 'shop', team: 'shop' }),
    namespace('kube-system', { 'kubernetes.io/metadata.name': 'kube-system' }),
  ];
}
