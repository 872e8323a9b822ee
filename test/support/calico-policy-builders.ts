/**
 * Builders for Calico's own policies (crd.projectcalico.org/v1 NetworkPolicy, GlobalNetworkPolicy,
 * Tier), reading like their YAML, and a small Calico cluster to ask them about: two nodes running
 * calico-node, shop/web and shop/api on n1, db/pg on n2.
 */
import type { KubeObject } from '../../src/model/objects.ts';
import { namespace } from './antrea-builders.ts';
import { build, node, pod } from './builders.ts';
import { calicoNode, ipPool } from './datapath-builders.ts';

type Json = Record<string, unknown>;

export class CalicoPolicyBuilder {
  private readonly obj: KubeObject;
  constructor(kind: 'NetworkPolicy' | 'GlobalNetworkPolicy', name: string, ns?: string) {
    this.obj = {
      apiVersion: 'crd.projectcalico.org/v1',
      kind,
      metadata: { name, ...(ns && { namespace: ns }) },
      spec: { types: ['Egress'] },
    };
  }

  private get spec(): Json {
    return this.obj['spec'] as Json;
  }

  /** Any spec field as written: selector, order, tier, types, namespaceSelector… */
  set(field: string, value: unknown): this {
    if (value === undefined) delete this.spec[field];
    else this.spec[field] = value;
    return this;
  }

  selecting(selector: string): this {
    return this.set('selector', selector);
  }

  order(order: number): this {
    return this.set('order', order);
  }

  tier(tier: string): this {
    return this.set('tier', tier);
  }

  /** One egress rule as its YAML (`{ action: 'Allow', destination: { nets: [...] } }`). */
  egress(rule: Json): this {
    ((this.spec['egress'] ??= []) as Json[]).push(rule);
    return this;
  }

  build(): KubeObject {
    return structuredClone(this.obj);
  }
}

export const calicoNp = (name: string, ns = 'shop') => new CalicoPolicyBuilder('NetworkPolicy', name, ns);
export const gnp = (name: string) => new CalicoPolicyBuilder('GlobalNetworkPolicy', name);

export function tier(name: string, order?: number, defaultAction?: 'Deny' | 'Pass'): KubeObject {
  return {
    apiVersion: 'crd.projectcalico.org/v1',
    kind: 'Tier',
    metadata: { name },
    spec: { ...(order !== undefined && { order }), ...(defaultAction && { defaultAction }) },
  };
}

export const CALICO_IPS = {
  web: '192.168.1.10',
  api: '192.168.1.11',
  pg: '192.168.2.20',
  n1: '10.128.0.5',
  n2: '10.128.0.6',
} as const;

/** calico-node on n1 and n2; shop/web (app=web) and shop/api (app=api) on n1, db/pg (app=pg) on n2; namespaces labelled team. */
export function calicoCluster(): KubeObject[] {
  return [
    ...build(
      calicoNode(),
      node('n1').internalIP(CALICO_IPS.n1),
      node('n2').internalIP(CALICO_IPS.n2),
      pod('web', 'shop').on('n1').ip(CALICO_IPS.web).label('app', 'web'),
      pod('api', 'shop').on('n1').ip(CALICO_IPS.api).label('app', 'api'),
      pod('pg', 'db').on('n2').ip(CALICO_IPS.pg).label('app', 'pg'),
    ),
    ipPool('default-ipv4-ippool', '192.168.0.0/16', { natOutgoing: true }),
    namespace('shop', { 'kubernetes.io/metadata.name': 'shop', team: 'shop' }),
    namespace('db', { 'kubernetes.io/metadata.name': 'db', team: 'data' }),
  ];
}
