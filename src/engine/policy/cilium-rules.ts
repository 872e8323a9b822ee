/**
 * Whether one CiliumNetworkPolicy egress or egressDeny rule matches a packet: its L3 peers (any of
 * them) and its toPorts (any port of any entry), both. A rule without L3 peers matches every
 * destination when it has toPorts and none without (pkg/policy/api egress.go, the docs' "Layer 4
 * examples"); icmps match only ICMP; L7 rules (HTTP, Kafka, DNS) are decided per request by the
 * proxy. Port protocol ANY is TCP, UDP and SCTP (l4.go).
 */
import type { CiliumEgressRule, CiliumPort } from '../../model/cilium-policy.ts';
import type { PolicyTarget } from '../../model/policy.ts';
import type { LabelSelector } from '../../model/selector.ts';
import { formatAddress } from '../../net/ip.ts';
import type { EndpointFacts } from '../gateways/cilium-identity.ts';
import {
  cidrMatches,
  endpointsMatch,
  entityMatches,
  fqdnMatches,
  type DestinationClass,
} from './cilium-destination.ts';
import { anyOf, bothOf, NO, unknown, YES, type Tri } from './tri.ts';

export interface RuleContext {
  target: PolicyTarget;
  dest: DestinationClass;
  /** The hostname --to named, if any. */
  name: string | undefined;
  nodesToo: boolean;
  selects(selector: LabelSelector, endpoint: EndpointFacts): Tri;
}

export function ciliumRuleMatches(rule: CiliumEgressRule, ctx: RuleContext): Tri {
  if (rule.icmpOnly) return NO;
  const l3 = l3Matches(rule, ctx);
  if (l3.match === 'no') return NO;
  const l4 = bothOf(
    l3,
    anyOf(
      rule.ports.map((p) => portMatches(p, ctx.target)),
      YES,
    ),
  );
  if (l4.match === 'yes' && rule.l7) return unknown({ code: 'CNP_L7_RULES', data: {} });
  return l4;
}

function l3Matches(rule: CiliumEgressRule, ctx: RuleContext): Tri {
  const { dest, target } = ctx;
  const peers: Tri[] = [];
  if (rule.toEndpoints.length > 0) peers.push(endpointsMatch(rule.toEndpoints, dest, target.range, ctx.selects));
  for (const peer of rule.toCIDR) peers.push(cidrMatches(peer, dest, target.range, ctx.nodesToo));
  for (const entity of rule.toEntities) peers.push(entityMatches(entity, dest, target.range));
  if (rule.toFQDNs.length > 0) peers.push(fqdnMatches(rule.toFQDNs, ctx.name));
  for (const peer of rule.unmodelledPeers) peers.push(unknown({ code: 'CNP_PEER_NOT_MODELLED', data: { peer } }));
  if (peers.length > 0) return anyOf(peers, NO);
  return rule.ports.length > 0 || rule.l7 ? YES : NO;
}

function portMatches(port: CiliumPort, target: PolicyTarget): Tri {
  if (port.protocol === 'OTHER' || (port.protocol !== 'ANY' && port.protocol !== target.protocol)) return NO;
  if (port.named !== undefined) {
    return unknown({
      code: 'CNP_NAMED_PORT',
      data: { port: port.named, destination: formatAddress(target.range.family, target.range.first) },
    });
  }
  if (port.port === undefined) return YES;
  if (target.port === undefined) {
    const ports = port.endPort ? `${port.port}-${port.endPort}` : String(port.port);
    return unknown({ code: 'CNP_PORT_NOT_GIVEN', data: { ports: `${ports}/${port.protocol}` } });
  }
  return target.port >= port.port && target.port <= (port.endPort ?? port.port) ? YES : NO;
}
