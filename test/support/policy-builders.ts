/**
 * Builders for egress policy tests: NetworkPolicies that read like their YAML, the pods and
 * namespaces they select, and the cluster view the policy rules look destinations up in.
 */
import { toNetworkPolicy } from '../../src/config/network-policies.ts';
import { ObjectIndex } from '../../src/config/objects.ts';
import { toPodInfo } from '../../src/config/pods.ts';
import type { ClusterView } from '../../src/engine/policy/network-policy-rules.ts';
import type { IpRange } from '../../src/model/net.ts';
import type { NetworkPolicyInfo, PolicyTarget, Protocol } from '../../src/model/policy.ts';
import type { PodInfo } from '../../src/model/snapshot.ts';
import { parseCidr, singleAddress } from '../../src/net/ip.ts';
import { pod as podBuilder } from './builders.ts';
import { SpecBuilder } from './spec-builder.ts';

export type Selector = {
  matchLabels?: Record<string, string>;
  matchExpressions?: { key: string; operator: string; values?: string[] }[];
};

export class NetworkPolicyBuilder extends SpecBuilder<NetworkPolicyInfo> {
  constructor(name: string, namespace: string) {
    super({
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name, namespace },
      spec: { podSelector: {} },
    });
  }

  selecting(podSelector: Selector): this {
    this.spec['podSelector'] = podSelector;
    return this;
  }

  types(...policyTypes: string[]): this {
    this.spec['policyTypes'] = policyTypes;
    return this;
  }

  info(): NetworkPolicyInfo {
    return toNetworkPolicy(this.build());
  }
}

export const networkPolicy = (name: string, namespace = 'x') => new NetworkPolicyBuilder(name, namespace);

/** The conformance suite's pods: `x/a` is pod `a` in namespace `x`, labelled pod=a, at `ip`. */
export function testPod(
  ref: string,
  ip: string,
  extra: { hostNetwork?: boolean; labels?: Record<string, string> } = {},
): PodInfo {
  const [namespace, name] = ref.split('/') as [string, string];
  const builder = podBuilder(name, namespace).ip(ip).label('pod', name);
  for (const [k, v] of Object.entries(extra.labels ?? {})) builder.label(k, v);
  if (extra.hostNetwork) builder.hostNetwork();
  return toPodInfo(builder.build(), new ObjectIndex([]));
}

/** A cluster of these pods and namespaces (labelled kubernetes.io/metadata.name as the API server does); `complete`: every pod was read. */
export function clusterView(
  pods: readonly PodInfo[],
  namespaces: Record<string, Record<string, string>>,
  complete = true,
): ClusterView {
  const labels = Object.fromEntries(
    Object.entries(namespaces).map(([ns, l]) => [ns, { 'kubernetes.io/metadata.name': ns, ...l }]),
  );
  return {
    podsIn: (range: IpRange) => ({
      pods: pods.filter((p) =>
        p.podIPs.some((ip) => {
          const a = singleAddress(ip)!;
          return a.family === range.family && a.first >= range.first && a.first <= range.last;
        }),
      ),
      complete,
    }),
    namespaceLabels: (ns) => labels[ns],
  };
}

/** `--to` as the policy sees it: an address or CIDR, a protocol, and maybe a port. */
export function to(destination: string, port?: number, protocol: Protocol = 'TCP'): PolicyTarget {
  const range = singleAddress(destination) ?? parseCidr(destination)?.cidr;
  if (!range) throw new Error(`test: bad destination ${destination}`);
  return { range, protocol, ...(port !== undefined && { port }) };
}
