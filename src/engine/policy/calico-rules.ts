/**
 * Whether a Calico egress rule matches the pod's packet, three-valued (tri.ts). Felix matches a
 * rule's selectors on IP sets that hold the addresses of every endpoint the selector picks —
 * workload endpoints, host endpoints, NetworkSets and GlobalNetworkSets (felix/calc
 * ipset_member_calculator; docs.tigera.io calico/latest/reference/resources networkset) — and only
 * pods are read here: a selector that matches the pod holding an address decides `yes`, one that
 * does not cannot decide `no`, since a set not read may hold the address. Source ports are the
 * connection's ephemeral port: never known. http, services and domains are not worked out.
 */
import type { CalicoEntity, CalicoPort, CalicoRule, CalicoSelector } from '../../model/calico-policy.ts';
import type { IpRange } from '../../model/net.ts';
import type { PolicyTarget } from '../../model/policy.ts';
import type { CodesOf } from '../../model/reasons.ts';
import { coverage, singleAddress } from '../../net/ip.ts';
import type { Findings } from '../core/mechanism.ts';
import { endpointLabels, type CalicoEndpoint } from './calico-selection.ts';
import { evaluate, type LabelLookup } from './calico-selector.ts';
import type { ClusterView } from './network-policy-rules.ts';
import { bothOf, NO, unknown, YES, type Tri } from './tri.ts';

export const CALICO_RULE_FINDINGS = {
  CALICO_SELECTOR_SETS_NOT_READ: (d) =>
    `a Calico rule selects ${d['side']} endpoints by label, and ${d['address']} may be in a NetworkSet, GlobalNetworkSet or host endpoint it selects, which are not read`,
  CALICO_SELECTOR_LABELS_NOT_READ: (d) =>
    `a Calico rule selects ${d['side']} endpoints by labels that were not read (${d['labels']})`,
  CALICO_DESTINATION_RANGE: () =>
    'a Calico rule selects destination endpoints by label, and the destination is a range: ask about one address',
  CALICO_DESTINATION_PARTLY_IN_NETS: (d) =>
    `only part of the destination range is in a Calico rule's ${d['field']}: ask about one address`,
  CALICO_PORT_NOT_GIVEN: () => 'a Calico rule matches only some ports: give the port (--to HOST:PORT) to decide',
  CALICO_NAMED_PORT: (d) =>
    `a Calico rule names the port ${d['port']}, which is whatever port the destination gives that name; container ports are not read`,
  CALICO_SOURCE_PORTS: () =>
    "a Calico rule matches source ports, and the connection's source port is chosen when it is made",
  CALICO_RULE_NOT_MODELLED: (d) => `a Calico rule matches ${d['field']}, which this tool does not work out`,
} satisfies Findings;

declare module '../../model/reasons.ts' {
  interface MechanismReasonCodes extends CodesOf<typeof CALICO_RULE_FINDINGS> {}
}

const PROTOCOL_NUMBERS = { TCP: 6, UDP: 17, SCTP: 132 } as const;

export interface CalicoRuleContext {
  target: PolicyTarget;
  pod: CalicoEndpoint;
  view: ClusterView;
}

export function calicoRuleMatches(rule: CalicoRule, ctx: CalicoRuleContext): Tri {
  const protocol = PROTOCOL_NUMBERS[ctx.target.protocol];
  const checks: (() => Tri)[] = [
    () => (rule.ipVersion === undefined || rule.ipVersion === ctx.target.range.family ? YES : NO),
    () => (rule.protocol === undefined || rule.protocol === protocol ? YES : NO),
    () => (rule.notProtocol === undefined || rule.notProtocol !== protocol ? YES : NO),
    // icmp needs an ICMP protocol (the validator refuses it without one): the protocol check decides.
    () => (rule.icmp && rule.protocol === undefined ? notModelled('icmp') : YES),
    () => (rule.http ? notModelled('http') : YES),
    () => destination(rule.destination, ctx),
    () => source(rule.source, ctx),
  ];
  let result: Tri = YES;
  for (const check of checks) {
    result = bothOf(result, check());
    if (result.match === 'no') return NO;
  }
  return result;
}

function notModelled(field: string): Tri {
  return unknown({ code: 'CALICO_RULE_NOT_MODELLED', data: { field } });
}

function destination(e: CalicoEntity, ctx: CalicoRuleContext): Tri {
  let result = nets(e, ctx.target.range);
  if (e.unmodelled.length > 0) result = bothOf(result, notModelled(`destination ${e.unmodelled.join(', ')}`));
  result = bothOf(result, ports(e, ctx.target));
  if (result.match === 'no' || (!e.selector && !e.notSelector)) return result;
  if (ctx.target.range.first !== ctx.target.range.last)
    return bothOf(result, unknown({ code: 'CALICO_DESTINATION_RANGE', data: {} }));
  const pods = ctx.view.podsIn(ctx.target.range).pods.filter((p) => !p.hostNetwork);
  const holders = pods.map((p) => endpointLabels(p, ctx.view.namespaceLabels(p.namespace)));
  return bothOf(result, selectors(e, holders, 'destination', 'the destination'));
}

function source(e: CalicoEntity, ctx: CalicoRuleContext): Tri {
  const own = ctx.pod.podIPs
    .map(singleAddress)
    .find((a): a is IpRange => a !== undefined && a.family === ctx.target.range.family);
  let result: Tri =
    e.nets.length > 0 || e.notNets.length > 0
      ? own
        ? nets(e, own)
        : unknown({
            code: 'CALICO_RULE_NOT_MODELLED',
            data: { field: 'source nets for a pod without an address of that family' },
          })
      : YES;
  if (e.unmodelled.length > 0) result = bothOf(result, notModelled(`source ${e.unmodelled.join(', ')}`));
  if (e.ports.length > 0 || e.notPorts.length > 0)
    result = bothOf(result, unknown({ code: 'CALICO_SOURCE_PORTS', data: {} }));
  if (result.match === 'no' || (!e.selector && !e.notSelector)) return result;
  return bothOf(
    result,
    selectors(e, [endpointLabels(ctx.pod, ctx.view.namespaceLabels(ctx.pod.namespace))], 'source', "the pod's address"),
  );
}

/** selector: yes if an endpoint read at the address matches; notSelector: no if one does; otherwise a set not read may decide. */
function selectors(e: CalicoEntity, holders: readonly LabelLookup[], side: string, address: string): Tri {
  const sets = unknown({ code: 'CALICO_SELECTOR_SETS_NOT_READ', data: { side, address } });
  const result: Tri = e.selector ? holderMatch(e.selector, holders, side, sets) : YES;
  if (!e.notSelector) return result;
  // Never `no`: matching no pod read, the notSelector may still match a set holding the address.
  const not = holderMatch(e.notSelector, holders, side, sets);
  return bothOf(result, not.match === 'yes' ? NO : not);
}

/** yes when an endpoint read matches, else unknown (its labels not read, or a set not read). */
function holderMatch(selector: CalicoSelector, holders: readonly LabelLookup[], side: string, sets: Tri): Tri {
  let unread: Tri | undefined;
  for (const labels of holders) {
    const { truth, unread: keys } = evaluate(selector, labels);
    if (truth === 'yes') return YES;
    if (truth === 'unknown')
      unread ??= unknown({ code: 'CALICO_SELECTOR_LABELS_NOT_READ', data: { side, labels: keys.join(', ') } });
  }
  return unread ?? sets;
}

/** nets: the range inside one of them; notNets: inside none (felix matches the packet's address). */
function nets(e: CalicoEntity, range: IpRange): Tri {
  let result: Tri = YES;
  if (e.nets.length > 0)
    result = fromCoverage(
      coverage(
        range,
        e.nets.filter((n) => n.family === range.family),
      ),
      'nets',
      false,
    );
  if (e.notNets.length > 0 && result.match !== 'no')
    result = bothOf(
      result,
      fromCoverage(
        coverage(
          range,
          e.notNets.filter((n) => n.family === range.family),
        ),
        'notNets',
        true,
      ),
    );
  return result;
}

function fromCoverage(c: 'all' | 'none' | 'some', field: string, negated: boolean): Tri {
  if (c === 'some') return unknown({ code: 'CALICO_DESTINATION_PARTLY_IN_NETS', data: { field } });
  return (c === 'all') !== negated ? YES : NO;
}

function ports(e: CalicoEntity, target: PolicyTarget): Tri {
  if (e.ports.length === 0 && e.notPorts.length === 0) return YES;
  if (target.port === undefined) return unknown({ code: 'CALICO_PORT_NOT_GIVEN', data: {} });
  const port = target.port;
  const inList = (list: readonly CalicoPort[]): Tri => {
    if (list.some((p) => 'first' in p && p.first <= port && port <= p.last)) return YES;
    const named = list.find((p): p is { name: string } => 'name' in p);
    return named ? unknown({ code: 'CALICO_NAMED_PORT', data: { port: named.name } }) : NO;
  };
  const allowed = e.ports.length > 0 ? inList(e.ports) : YES;
  if (allowed.match === 'no' || e.notPorts.length === 0) return allowed;
  const excluded = inList(e.notPorts);
  return bothOf(allowed, excluded.match === 'yes' ? NO : excluded.match === 'no' ? YES : excluded);
}
