/**
 * Whether one EgressFirewall rule matches a packet: its `to` (go-controller/pkg/ovn/egressfirewall.go
 * addEgressFirewallRules: a cidrSelector, the addresses ovnkube resolved for a dnsName, or the host
 * addresses of the nodes a nodeSelector picks) and its `ports` (egressGetL4Match: any of them, none
 * listed is every port and protocol), both.
 */
import type { Destination } from '../../model/decision.ts';
import type { EgressFirewallPort, EgressFirewallRule } from '../../model/egress-firewall.ts';
import type { NodeInfo } from '../../model/snapshot.ts';
import { addressRanges, coverage } from '../../net/ip.ts';
import { matchesSelector } from '../core/label-selector.ts';
import { anyOf, bothOf, NO, unknown, YES, type Tri } from './tri.ts';

export interface FirewallView {
  /** The Nodes read: a nodeSelector rule matches their addresses. */
  nodes: readonly NodeInfo[];
  /** By node name, its k8s.ovn.org/host-cidrs addresses; a node without the annotation is not there. */
  hostAddresses: Readonly<Record<string, readonly string[]>>;
}

export function egressFirewallRuleMatches(
  rule: EgressFirewallRule,
  name: string,
  destination: Destination,
  view: FirewallView,
): Tri {
  const data = { rule: name, type: rule.type };
  const ports = anyOf(
    rule.ports.map((port) => portMatches(port, destination, rule.ports, data)),
    YES,
  );
  if (ports.match === 'no') return NO;
  return bothOf(targetMatches(rule, destination, view, data), ports);
}

function targetMatches(
  rule: EgressFirewallRule,
  destination: Destination,
  view: FirewallView,
  data: Record<string, string>,
): Tri {
  const { to } = rule;
  if (to.kind === 'cidr') {
    const inside = coverage(destination.range, [to.cidr]);
    if (inside === 'some')
      return unknown({ code: 'EFW_DESTINATION_PARTLY_IN_CIDR', data: { ...data, cidr: to.cidr.text } });
    return inside === 'all' ? YES : NO;
  }
  if (to.kind === 'dns') {
    // The addresses are whatever ovnkube's resolver got for the name: only a destination the user
    // named by it is surely among them, and any other address may be too.
    if (destination.kind === 'hostname' && destination.name !== undefined && dnsNameMatches(to.name, destination.name))
      return YES;
    return unknown({ code: 'EFW_DNS_NAME', data: { ...data, dnsName: to.name } });
  }
  if (view.nodes.length === 0) return unknown({ code: 'EFW_NODES_UNREAD', data });
  const picked = view.nodes.filter((n) => matchesSelector(n.labels, to.selector));
  const covered = coverage(destination.range, addressRanges(picked.flatMap((n) => view.hostAddresses[n.name] ?? [])));
  if (covered === 'some' || (covered === 'all' && destination.range.first !== destination.range.last))
    return unknown({ code: 'EFW_DESTINATION_PARTLY_NODES', data });
  if (covered === 'all') return YES;
  // ovnkube's addresses for a node are its host-cidrs annotation, which ovnkube-node writes on every
  // node it runs on: a picked node without it is one whose addresses this input does not show.
  const unannotated = picked.filter((n) => !(n.name in view.hostAddresses)).map((n) => n.name);
  return unannotated.length > 0
    ? unknown({ code: 'EFW_NODE_ADDRESSES_UNKNOWN', data: { ...data, nodes: unannotated.join(', ') } })
    : NO;
}

function portMatches(
  port: EgressFirewallPort,
  destination: Destination,
  all: readonly EgressFirewallPort[],
  data: Record<string, string>,
): Tri {
  if (port.protocol !== destination.protocol) return NO;
  if (port.port === undefined) return YES;
  if (destination.port === undefined)
    return unknown({
      code: 'EFW_PORT_NOT_GIVEN',
      data: { ...data, ports: all.map((p) => `${p.port ?? 'any'}/${p.protocol}`).join(', ') },
    });
  return port.port === destination.port ? YES : NO;
}

/**
 * types.go: names compare as DNS names do (case-insensitive, a trailing dot is the same name), and a
 * leading `*.` matches exactly one label: `*.example.com` matches sub1.example.com, not
 * sub2.sub1.example.com.
 */
export function dnsNameMatches(pattern: string, name: string): boolean {
  const [p, n] = [pattern, name].map((s) => s.toLowerCase().replace(/\.$/, '')) as [string, string];
  if (!p.startsWith('*.')) return p === n;
  const suffix = p.slice(1);
  return n.endsWith(suffix) && n.length > suffix.length && !n.slice(0, -suffix.length).includes('.');
}
