/**
 * Builders for admin policy tests: AdminNetworkPolicy, BaselineAdminNetworkPolicy and
 * ClusterNetworkPolicy objects that read like their YAML, the conformance suite's houses (pods and
 * namespaces labelled conformance-house), and the cluster view with nodes.
 */
import { toAdminPolicy } from '../../src/config/admin-network-policies.ts';
import type { AdminView } from '../../src/engine/policy/admin-network-policy.ts';
import type { AdminPolicyInfo, AdminPolicyKind } from '../../src/model/admin-policy.ts';
import type { NodeInfo, PodInfo } from '../../src/model/snapshot.ts';
import { singleAddress } from '../../src/net/ip.ts';
import { clusterView, testPod } from './policy-builders.ts';
import { SpecBuilder, type Json } from './spec-builder.ts';

const API_VERSION: Record<AdminPolicyKind, string> = {
  AdminNetworkPolicy: 'policy.networking.k8s.io/v1alpha1',
  BaselineAdminNetworkPolicy: 'policy.networking.k8s.io/v1alpha1',
  ClusterNetworkPolicy: 'policy.networking.k8s.io/v1alpha2',
};

export class AdminPolicyBuilder extends SpecBuilder<AdminPolicyInfo> {
  constructor(kind: AdminPolicyKind, name: string, spec: Json) {
    super({ apiVersion: API_VERSION[kind], kind, metadata: { name }, spec: { subject: { namespaces: {} }, ...spec } });
  }

  /** The subject as written (`{ namespaces: … }` or `{ pods: { namespaceSelector, podSelector } }`). */
  subject(subject: Json): this {
    this.spec['subject'] = subject;
    return this;
  }

  info(): AdminPolicyInfo {
    return toAdminPolicy(this.build());
  }
}

export const anp = (name: string, priority: number) => new AdminPolicyBuilder('AdminNetworkPolicy', name, { priority });
export const banp = (name = 'default') => new AdminPolicyBuilder('BaselineAdminNetworkPolicy', name, {});
export const cnp = (name: string, tier: 'Admin' | 'Baseline', priority: number) =>
  new AdminPolicyBuilder('ClusterNetworkPolicy', name, { tier, priority });

/** The houses of network-policy-api's conformance suite (conformance/base/manifests.yaml): two pods each, labelled with their house. */
export const HOUSES = {
  gryffindor: 'harry-potter',
  ravenclaw: 'luna-lovegood',
  hufflepuff: 'cedric-diggory',
  slytherin: 'draco-malfoy',
} as const;
export type House = keyof typeof HOUSES;

export const HOUSE_PODS: PodInfo[] = Object.entries(HOUSES).flatMap(([house, name], h) =>
  [0, 1].map((i) =>
    testPod(`${house}/${name}-${i}`, `10.0.${h + 1}.${i + 1}`, { labels: { 'conformance-house': house } }),
  ),
);

/** A house's namespace or pods, as a selector. */
export const house = (name: House) => ({ matchLabels: { 'conformance-house': name } });

/** A node with these labels and InternalIP. */
export function testNode(name: string, ip: string, labels: Record<string, string> = {}): NodeInfo {
  return { name, internalIPs: [ip], externalIPs: [], podCIDRs: [], labels, taints: [], unschedulable: false };
}

/** The conformance houses (namespaces labelled with their house), plus `nodes`; `complete`: every pod and node was read. */
export function adminView(
  nodes: readonly NodeInfo[] = [],
  complete = true,
  pods: readonly PodInfo[] = HOUSE_PODS,
): AdminView {
  const namespaces = Object.fromEntries(Object.keys(HOUSES).map((h) => [h, { 'conformance-house': h }]));
  return {
    ...clusterView(pods, namespaces, complete),
    nodesIn: (range) => ({
      nodes: nodes.filter((n) =>
        n.internalIPs.some((ip) => {
          const a = singleAddress(ip)!;
          return a.family === range.family && a.first >= range.first && a.first <= range.last;
        }),
      ),
      complete,
    }),
  };
}
