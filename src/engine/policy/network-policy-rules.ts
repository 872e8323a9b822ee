/**
 * Whether one NetworkPolicy egress rule matches a packet: its `to` peers (any of them; none listed
 * is every destination) and its `ports` (any of them; none listed is every port), both.
 * Semantics from k8s.io/api networking/v1 types.go and the NetworkPolicy e2e conformance tests
 * (kubernetes test/e2e/network/netpol/network_policy.go): an ipBlock matches pod IPs too ("should
 * allow egress access to server in CIDR block"), an address in both `cidr` and `except` is not
 * matched by that peer, SCTP or UDP ports never match TCP.
 */
import type { IpRange } from '../../model/net.ts';
import type {
  NetworkPolicyEgressRule,
  NetworkPolicyPeer,
  NetworkPolicyPort,
  PolicyTarget,
} from '../../model/policy.ts';
import type { PodInfo } from '../../model/snapshot.ts';
import { coverage, formatAddress } from '../../net/ip.ts';
import { matchesSelector } from '../core/label-selector.ts';
import { anyOf, bothOf, NO, unknown, YES, type Tri } from './tri.ts';

/** The pods at a destination, as far as the input shows them. */
export interface DestinationPods {
  /** Pods with an address in the destination range. */
  pods: readonly PodInfo[];
  /** Every pod that could have an address in the range was read, so no other pod is there. */
  complete: boolean;
}

/** What the rules need from the rest of the cluster. */
export interface ClusterView {
  podsIn(range: IpRange): DestinationPods;
  /** A namespace's labels; undefined when the Namespace was not read. */
  namespaceLabels(namespace: string): Readonly<Record<string, string>> | undefined;
}

export function ruleMatches(
  rule: NetworkPolicyEgressRule,
  policyNamespace: string,
  target: PolicyTarget,
  view: ClusterView,
): Tri {
  const peers = anyOf(
    rule.to.map((peer) => peerMatches(peer, policyNamespace, target, view)),
    YES,
  );
  if (peers.match === 'no') return NO;
  return bothOf(
    peers,
    anyOf(
      rule.ports.map((port) => portMatches(port, target, view)),
      YES,
    ),
  );
}

export function peerMatches(
  peer: NetworkPolicyPeer,
  policyNamespace: string,
  target: PolicyTarget,
  view: ClusterView,
): Tri {
  return peer.kind === 'ipBlock'
    ? ipBlockMatches(peer, target.range)
    : podPeerMatches(peer, policyNamespace, target.range, view);
}

function ipBlockMatches(block: Extract<NetworkPolicyPeer, { kind: 'ipBlock' }>, range: IpRange): Tri {
  const inside = coverage(range, [block.cidr]);
  const excepted = coverage(range, block.except);
  if (inside === 'none' || excepted === 'all') return NO;
  if (inside === 'all' && excepted === 'none') return YES;
  return unknown({
    code: 'NETPOL_DESTINATION_PARTLY_IN_BLOCK',
    data: { cidr: block.cidr.text, except: block.except.map((e) => e.text).join(', ') },
  });
}

function podPeerMatches(
  peer: Extract<NetworkPolicyPeer, { kind: 'pods' }>,
  policyNamespace: string,
  range: IpRange,
  view: ClusterView,
): Tri {
  const { pods, complete } = view.podsIn(range);
  const matched = anyOf(
    pods.map((pod) => selectsPod(peer, policyNamespace, pod, view)),
    NO,
  );
  if (matched.match === 'yes' && range.first !== range.last) {
    return unknown({ code: 'NETPOL_DESTINATION_PARTLY_SELECTED_PODS', data: {} });
  }
  if (matched.match !== 'no' || complete) return matched;
  return unknown({ code: 'NETPOL_DESTINATION_POD_UNKNOWN', data: {} });
}

function selectsPod(
  peer: Extract<NetworkPolicyPeer, { kind: 'pods' }>,
  policyNamespace: string,
  pod: PodInfo,
  view: ClusterView,
): Tri {
  const podMatch = !peer.podSelector || matchesSelector(pod.labels, peer.podSelector) ? YES : NO;
  const both = bothOf(namespaceMatches(peer, policyNamespace, pod.namespace, view), podMatch);
  // network-policies concept page: for hostNetwork pods the behaviour is implementation-defined;
  // most plugins treat their traffic as the node's and never match them by selector.
  if (both.match === 'yes' && pod.hostNetwork) {
    return unknown({ code: 'NETPOL_HOST_NETWORK_PEER', data: { pod: `${pod.namespace}/${pod.name}` } });
  }
  return both;
}

function namespaceMatches(
  peer: Extract<NetworkPolicyPeer, { kind: 'pods' }>,
  policyNamespace: string,
  namespace: string,
  view: ClusterView,
): Tri {
  if (!peer.namespaceSelector) return namespace === policyNamespace ? YES : NO;
  const labels = view.namespaceLabels(namespace);
  if (!labels) return unknown({ code: 'NETPOL_NAMESPACE_LABELS_UNKNOWN', data: { namespace } });
  return matchesSelector(labels, peer.namespaceSelector) ? YES : NO;
}

export function portMatches(port: NetworkPolicyPort, target: PolicyTarget, view: ClusterView): Tri {
  if (port.protocol !== target.protocol) return NO;
  if (port.port === undefined) return YES;
  if (typeof port.port === 'string') return namedPortMatches(port.port, target, view);
  if (target.port === undefined) {
    const ports = port.endPort ? `${port.port}-${port.endPort}` : String(port.port);
    return unknown({ code: 'NETPOL_PORT_NOT_GIVEN', data: { ports: `${ports}/${port.protocol}` } });
  }
  return target.port >= port.port && target.port <= (port.endPort ?? port.port) ? YES : NO;
}

/** A named port is the destination pod's container port of that name: no pod there, no match. */
function namedPortMatches(name: string, target: PolicyTarget, view: ClusterView): Tri {
  const { pods, complete } = view.podsIn(target.range);
  if (pods.length === 0 && complete) return NO;
  return unknown({
    code: 'NETPOL_NAMED_PORT',
    data: { port: name, destination: formatAddress(target.range.family, target.range.first) },
  });
}
