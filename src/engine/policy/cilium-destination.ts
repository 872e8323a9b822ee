/**
 * Where a packet goes as Cilium's policy sees it: the identity of the destination address (a pod
 * endpoint, the local host, a remote node, or the world) and whether each kind of egress peer
 * selects it. Sources (cilium/cilium): Documentation/security/policy/language.rst (toEntities,
 * and "CIDR rules do not apply to traffic where both sides of the connection are either managed
 * by Cilium or use an IP belonging to a node in the cluster"), pkg/policy/api/entity.go, and
 * pkg/fqdn/matchpattern (`*` is any run of DNS name characters, a lone `*` every name).
 */
import type { CiliumCidrPeer } from '../../model/cilium-policy.ts';
import type { IpRange } from '../../model/net.ts';
import type { PodInfo, Snapshot } from '../../model/snapshot.ts';
import type { LabelSelector } from '../../model/selector.ts';
import { addressRanges, cidrBlocks, coverage, formatAddress, overlaps } from '../../net/ip.ts';
import { derivation } from '../core/context.ts';
import { anyOf, NO, unknown, YES, type Tri } from './tri.ts';
import { endpointOf, type EndpointFacts } from '../gateways/cilium-identity.ts';
import type { ClusterView } from './network-policy-rules.ts';
import type { CiliumFacts } from './subject.ts';

/** The destination's identity class; `pods` are the endpoints at a pod address. */
export type DestinationClass =
  | { kind: 'pod'; pods: PodInfo[] }
  | { kind: 'host' }
  | { kind: 'remote-node' }
  | { kind: 'world' }
  | { kind: 'unknown'; why: Tri };

/** Node addresses by node, and the nodes' pod ranges. */
export interface NodeAddresses {
  byNode: Map<string, IpRange[]>;
  podCIDRs: IpRange[];
  /** The first node (in byNode's order) with an address in the range; one answer per range for the call. */
  nodeOf(range: IpRange): string | undefined;
}

export const nodeAddresses = derivation((snapshot: Snapshot): NodeAddresses => {
  const byNode = new Map<string, IpRange[]>();
  const add = (name: string, texts: readonly string[]) =>
    byNode.set(name, [...(byNode.get(name) ?? []), ...addressRanges(texts)]);
  for (const node of snapshot.nodes) add(node.name, [...node.internalIPs, ...node.externalIPs]);
  // cilium_host's address is the node's too (reserved:host / remote-node).
  for (const node of snapshot.datapath.cilium?.nodes ?? []) add(node.name, node.ciliumInternalIPs);
  const found = new Map<IpRange, string | undefined>();
  const nodeOf = (range: IpRange): string | undefined => {
    if (found.has(range)) return found.get(range);
    let name: string | undefined;
    for (const [node, ranges] of byNode) {
      // Overlap, not coverage: a coverage of each node's few addresses made a set of them per node.
      if (!ranges.some((r) => overlaps(r, range))) continue;
      name = node;
      break;
    }
    found.set(range, name);
    return name;
  };
  return { byNode, podCIDRs: cidrBlocks(snapshot.nodes.flatMap((n) => n.podCIDRs)), nodeOf };
});

/** source: the sending pod's Cilium facts; its node is read only where a node holds the destination address. */
export function classify(
  addresses: NodeAddresses,
  view: ClusterView,
  source: CiliumFacts,
  range: IpRange,
): DestinationClass {
  const { podCIDRs } = addresses;
  const single = range.first === range.last;
  const nodeOf = addresses.nodeOf(range);
  if (!single) {
    if (nodeOf !== undefined || coverage(range, podCIDRs) !== 'none')
      return { kind: 'unknown', why: unknown({ code: 'CNP_DESTINATION_RANGE_IN_CLUSTER', data: {} }) };
    return { kind: 'world' };
  }
  const { pods, complete } = view.podsIn(range);
  const endpoints = pods.filter((p) => !p.hostNetwork);
  if (endpoints.length > 0) return { kind: 'pod', pods: endpoints };
  const node = nodeOf ?? pods.find((p) => p.hostNetwork)?.nodeName;
  if (node !== undefined) {
    if (!source.atNode)
      throw new Error("internal: a Cilium verdict for a node address was worked out without the pod's node");
    return node === source.nodeName ? { kind: 'host' } : { kind: 'remote-node' };
  }
  // An address with no ipcache entry is the world's (pkg/ipcache): certain only when every pod was read.
  if (coverage(range, podCIDRs) !== 'none' && !complete) {
    return {
      kind: 'unknown',
      why: unknown({
        code: 'CNP_DESTINATION_POD_UNKNOWN',
        data: { destination: formatAddress(range.family, range.first) },
      }),
    };
  }
  return { kind: 'world' };
}

/** entity.go: which entities select each class. kube-apiserver is on whichever addresses serve the API, which are not read. */
export function entityMatches(entity: string, dest: DestinationClass, range: IpRange): Tri {
  if (dest.kind === 'unknown') return entity === 'all' ? YES : dest.why;
  const world = dest.kind === 'world';
  switch (entity) {
    case 'all':
      return YES;
    case 'world':
      return world ? YES : NO;
    case 'world-ipv4':
      return world && range.family === 4 ? YES : NO;
    case 'world-ipv6':
      return world && range.family === 6 ? YES : NO;
    case 'cluster':
      return world ? NO : YES;
    case 'host':
      return dest.kind === 'host' ? YES : NO;
    case 'remote-node':
      return dest.kind === 'remote-node' ? YES : NO;
    case 'kube-apiserver':
      return dest.kind === 'pod' ? NO : unknown({ code: 'CNP_KUBE_APISERVER', data: {} });
    // health, init, ingress, unmanaged: identities of cluster addresses only.
    default:
      return world ? NO : unknown({ code: 'CNP_ENTITY_NOT_MODELLED', data: { entity } });
  }
}

/** toCIDR / toCIDRSet: the world's addresses (node addresses too with policy-cidr-match-mode nodes). */
export function cidrMatches(peer: CiliumCidrPeer, dest: DestinationClass, range: IpRange, nodesToo: boolean): Tri {
  if (dest.kind === 'unknown') return coverage(range, [peer.cidr]) === 'none' ? NO : dest.why;
  if (dest.kind === 'pod' || ((dest.kind === 'host' || dest.kind === 'remote-node') && !nodesToo)) return NO;
  const inside = coverage(range, [peer.cidr]);
  const excepted = coverage(range, peer.except);
  if (inside === 'none' || excepted === 'all') return NO;
  if (inside === 'all' && excepted === 'none') return YES;
  return unknown({
    code: 'CNP_DESTINATION_PARTLY_IN_CIDR',
    data: { cidr: peer.cidr.text, except: peer.except.map((e) => e.text).join(', ') },
  });
}

/** toEndpoints: pod endpoints whose identity labels a selector matches. */
export function endpointsMatch(
  selectors: readonly LabelSelector[],
  dest: DestinationClass,
  range: IpRange,
  selects: (selector: LabelSelector, endpoint: EndpointFacts) => Tri,
): Tri {
  if (dest.kind === 'unknown') return dest.why;
  if (dest.kind !== 'pod') return NO;
  const matched = anyOf(
    dest.pods.flatMap((pod) => selectors.map((s) => selects(s, endpointOf(pod)))),
    NO,
  );
  if (matched.match === 'yes' && range.first !== range.last)
    return unknown({ code: 'CNP_DESTINATION_RANGE_IN_CLUSTER', data: {} });
  return matched;
}

/** toFQDNs: known only when --to named the host by a name the rule lists; an address may be any name's. */
export function fqdnMatches(patterns: readonly string[], name: string | undefined): Tri {
  const host = name?.toLowerCase().replace(/\.$/, '');
  if (host && patterns.some((p) => fqdnPattern(p).test(host))) return YES;
  return unknown({ code: 'CNP_FQDN_RULE', data: { names: patterns.join(', ') } });
}

function fqdnPattern(pattern: string): RegExp {
  const p = pattern.toLowerCase().replace(/\.$/, '');
  if (p === '*') return /^.*$/;
  const body = p
    .split('*')
    .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
    .join('[-a-z0-9_]*');
  return new RegExp(`^${body}$`);
}
