/**
 * Builders for Cilium objects: the agent, cilium-config, CiliumNodes, CiliumEndpoints and
 * CiliumEgressGatewayPolicies, reading like the YAML they stand for.
 */
import type { KubeObject } from '../../src/model/objects.ts';
import {
  configMap,
  daemonSet,
  node,
  type ConfigMapBuilder,
  type DaemonSetBuilder,
  type NodeBuilder,
} from './builders.ts';

type Json = Record<string, unknown>;
type Selector = {
  matchLabels?: Record<string, string>;
  matchExpressions?: { key: string; operator: string; values?: string[] }[];
};

export const ciliumAgent = (namespace = 'kube-system'): DaemonSetBuilder =>
  daemonSet('cilium', namespace).image('quay.io/cilium/cilium:v1.18.2');

export function ciliumConfig(data: Record<string, string>, namespace = 'kube-system'): ConfigMapBuilder {
  const cm = configMap('cilium-config', namespace);
  for (const [key, value] of Object.entries(data)) cm.data(key, value);
  return cm;
}

/** A Node and its CiliumNode with the same name, labels, InternalIP and pod CIDR. */
export function clusterNode(
  name: string,
  internalIP: string,
  podCIDR: string,
  labels: Record<string, string> = {},
): { node: NodeBuilder; ciliumNode: KubeObject } {
  const n = node(name).internalIP(internalIP).podCIDR(podCIDR);
  for (const [k, v] of Object.entries(labels)) n.label(k, v);
  const ciliumNode: KubeObject = {
    apiVersion: 'cilium.io/v2',
    kind: 'CiliumNode',
    metadata: { name, labels },
    spec: { addresses: [{ type: 'InternalIP', ip: internalIP }], ipam: { podCIDRs: [podCIDR] } },
  };
  return { node: n, ciliumNode };
}

export class EgressPolicyBuilder {
  private readonly spec: Json = { selectors: [], destinationCIDRs: [] };

  private readonly name: string;

  constructor(name: string) {
    this.name = name;
  }

  selectPods(podSelector: Selector, extra: { namespaceSelector?: Selector; nodeSelector?: Selector } = {}): this {
    (this.spec['selectors'] as Json[]).push({ podSelector, ...extra });
    return this;
  }

  selectNamespaces(namespaceSelector: Selector): this {
    (this.spec['selectors'] as Json[]).push({ namespaceSelector });
    return this;
  }

  to(...cidrs: string[]): this {
    this.spec['destinationCIDRs'] = cidrs;
    return this;
  }

  excluding(...cidrs: string[]): this {
    this.spec['excludedCIDRs'] = cidrs;
    return this;
  }

  gateway(nodeSelector: Selector, options: { interface?: string; egressIP?: string } = {}): this {
    this.spec['egressGateway'] = { nodeSelector, ...options };
    return this;
  }

  gateways(...gateways: { nodeSelector: Selector; interface?: string; egressIP?: string }[]): this {
    this.spec['egressGateways'] = gateways;
    return this;
  }

  build(): KubeObject {
    return {
      apiVersion: 'cilium.io/v2',
      kind: 'CiliumEgressGatewayPolicy',
      metadata: { name: this.name },
      spec: structuredClone(this.spec),
    };
  }
}

export const egressPolicy = (name: string) => new EgressPolicyBuilder(name);

export function ciliumEndpoint(name: string, uid: string, namespace = 'default'): KubeObject {
  return { apiVersion: 'cilium.io/v2', kind: 'CiliumEndpoint', metadata: { name, namespace, uid } };
}

/** cilium-config for the egress gateway: BPF masquerade and kube-proxy replacement, as required. */
export const EGRESS_GATEWAY_CONFIG = {
  'enable-egress-gateway': 'true',
  'enable-bpf-masquerade': 'true',
  'kube-proxy-replacement': 'true',
};
