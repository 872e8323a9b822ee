/**
 * Calico rules (api projectcalico/v3 policy_common.go Rule, EntityRule) → what felix matches, as
 * the syncer converts them (libcalico-go/lib/backend/syncersv1/updateprocessors/rules.go
 * RuleAPIV3ToBackend, getEndpointSelector, parseServiceAccounts). A field the validator refuses
 * (libcalico-go/lib/validator/v3) throws Refused with where it is.
 */
import type { CalicoAction, CalicoEntity, CalicoPort, CalicoRule, CalicoSelector } from '../model/calico-policy.ts';
import type { CidrRange } from '../model/policy.ts';
import { parseCidr, singleAddress } from '../net/ip.ts';
import { parseCalicoSelectorText } from './calico-selector.ts';
import { Refused } from './network-policies.ts';
import { getArray, isRecord, type Json } from './objects.ts';

const ACTIONS = new Set<CalicoAction>(['Allow', 'Deny', 'Pass', 'Log']);
/** numorstring.Protocol names (protocol.go) and their IP protocol numbers. */
const PROTOCOLS: Readonly<Record<string, number>> = { TCP: 6, UDP: 17, ICMP: 1, ICMPv6: 58, SCTP: 132, UDPLite: 136 };
const NAMESPACE_LABEL = 'projectcalico.org/namespace';
const SERVICE_ACCOUNT_LABEL = 'projectcalico.org/serviceaccount';

/** `namespace`: the NetworkPolicy's, which scopes its rules' selectors; undefined for a GlobalNetworkPolicy. */
export function calicoRule(rule: unknown, at: string, namespace: string | undefined): CalicoRule {
  if (!isRecord(rule)) throw new Refused(at, rule);
  const action = rule['action'];
  if (typeof action !== 'string' || !ACTIONS.has(action as CalicoAction)) throw new Refused(`${at}.action`, action);
  const ipVersion = rule['ipVersion'];
  if (ipVersion !== undefined && ipVersion !== 4 && ipVersion !== 6) throw new Refused(`${at}.ipVersion`, ipVersion);
  const protocol = protocolOf(rule['protocol'], `${at}.protocol`);
  const notProtocol = protocolOf(rule['notProtocol'], `${at}.notProtocol`);
  return {
    action: action as CalicoAction,
    ...(ipVersion !== undefined && { ipVersion }),
    ...(protocol !== undefined && { protocol }),
    ...(notProtocol !== undefined && { notProtocol }),
    icmp: rule['icmp'] != null || rule['notICMP'] != null,
    http: rule['http'] != null,
    source: entity(rule['source'], `${at}.source`, namespace),
    destination: entity(rule['destination'], `${at}.destination`, namespace),
  };
}

function protocolOf(value: unknown, at: string): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= 255) return value;
  if (typeof value === 'string') {
    if (/^[0-9]+$/.test(value)) return protocolOf(Number(value), at);
    // The validator takes the names in any case (numorstring.ProtocolFromString is case-insensitive).
    const name = Object.keys(PROTOCOLS).find((p) => p.toLowerCase() === value.toLowerCase());
    if (name) return PROTOCOLS[name];
  }
  throw new Refused(at, value);
}

function entity(value: unknown, at: string, namespace: string | undefined): CalicoEntity {
  const e: Json = isRecord(value) ? value : {};
  if (value != null && !isRecord(value)) throw new Refused(at, value);
  const unmodelled = ['services', 'domains'].filter((f) => e[f] != null);
  const notSelector = optionalSelector(e, 'notSelector', at);
  return {
    nets: nets(e, 'nets', at),
    notNets: nets(e, 'notNets', at),
    ...withSelector(endpointSelector(e, at, namespace, notSelector !== undefined)),
    ...(notSelector && { notSelector }),
    ports: ports(e, 'ports', at),
    notPorts: ports(e, 'notPorts', at),
    unmodelled,
  };
}

function withSelector(selector: CalicoSelector | undefined): { selector?: CalicoSelector } {
  return selector ? { selector } : {};
}

/**
 * rules.go getEndpointSelector: the namespaceSelector on the `pcns.` labels (all() meaning any
 * namespaced endpoint, global() none), else for a NetworkPolicy its own namespace — added only when
 * a selector, notSelector or namespaceSelector is given — and the serviceAccounts match and the selector.
 */
function endpointSelector(
  e: Json,
  at: string,
  namespace: string | undefined,
  hasNotSelector: boolean,
): CalicoSelector | undefined {
  const namespaceSelector = optionalSelector(e, 'namespaceSelector', at);
  const scope = namespaceSelector
    ? namespaced(prefixed(namespaceSelector, 'pcns.'))
    : namespace !== undefined
      ? eq(NAMESPACE_LABEL, namespace)
      : undefined;
  const parts = [
    serviceAccounts(e['serviceAccounts'], `${at}.serviceAccounts`),
    optionalSelector(e, 'selector', at),
  ].filter((s): s is CalicoSelector => s !== undefined);
  const selector = parts.length === 0 ? undefined : parts.length === 1 ? parts[0] : and(parts);
  if (scope && (selector || hasNotSelector || namespaceSelector)) return selector ? and([scope, selector]) : scope;
  return selector;
}

/** rules.go parseServiceAccounts: the selector on the `pcsa.` labels, and the names as `projectcalico.org/serviceaccount in {…}`. */
function serviceAccounts(value: unknown, at: string): CalicoSelector | undefined {
  if (value == null) return undefined;
  if (!isRecord(value)) throw new Refused(at, value);
  const selector = optionalSelector(value, 'selector', at);
  const names = getArray(value, 'names');
  if (names.some((n) => typeof n !== 'string')) throw new Refused(`${at}.names`, value['names']);
  const parts = [
    selector && prefixed(selector, 'pcsa.'),
    names.length > 0 ? { op: 'in' as const, key: SERVICE_ACCOUNT_LABEL, values: names as string[] } : undefined,
  ];
  const present = parts.filter((s): s is CalicoSelector => s !== undefined);
  return present.length === 0 ? undefined : present.length === 1 ? present[0] : and(present);
}

function optionalSelector(e: Json, field: string, at: string): CalicoSelector | undefined {
  const value = e[field];
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value !== 'string') throw new Refused(`${at}.${field}`, value);
  const parsed = parseCalicoSelectorText(value);
  if ('error' in parsed) throw new Refused(`${at}.${field}`, value);
  return parsed.selector;
}

/** The labels of a selector under a prefix (selector/parser PrefixVisitor). */
export function prefixed(selector: CalicoSelector, prefix: string): CalicoSelector {
  switch (selector.op) {
    case 'all':
    case 'global':
      return selector;
    case 'not':
      return { op: 'not', operand: prefixed(selector.operand, prefix) };
    case 'and':
    case 'or':
      return { op: selector.op, operands: selector.operands.map((s) => prefixed(s, prefix)) };
    default:
      return { ...selector, key: prefix + selector.key };
  }
}

/** all() → has(projectcalico.org/namespace), global() → !has(…): rules.go's rewrite of a rule's namespaceSelector. */
function namespaced(selector: CalicoSelector): CalicoSelector {
  switch (selector.op) {
    case 'all':
      return { op: 'has', key: NAMESPACE_LABEL };
    case 'global':
      return { op: 'not', operand: { op: 'has', key: NAMESPACE_LABEL } };
    case 'not':
      return { op: 'not', operand: namespaced(selector.operand) };
    case 'and':
    case 'or':
      return { op: selector.op, operands: selector.operands.map(namespaced) };
    default:
      return selector;
  }
}

function eq(key: string, value: string): CalicoSelector {
  return { op: '==', key, value };
}

function and(operands: CalicoSelector[]): CalicoSelector {
  return { op: 'and', operands };
}

/** nets: CIDRs or single addresses (validator `net`, cnet.ParseCIDROrIP; felix masks an unaligned one). */
function nets(e: Json, field: string, at: string): CidrRange[] {
  return getArray(e, field).map((text, i) => {
    const range = typeof text === 'string' ? (parseCidr(text)?.cidr ?? singleAddress(text)) : undefined;
    if (!range) throw new Refused(`${at}.${field}[${i}]`, text);
    return { ...range, text: text as string };
  });
}

/** numorstring.Port: a number, "N", "first:last", or a port name. */
function ports(e: Json, field: string, at: string): CalicoPort[] {
  return getArray(e, field).map((value, i) => {
    const port = portOf(value);
    if (!port) throw new Refused(`${at}.${field}[${i}]`, value);
    return port;
  });
}

function portOf(value: unknown): CalicoPort | undefined {
  if (typeof value === 'number')
    return Number.isInteger(value) && value >= 0 && value <= 65535 ? { first: value, last: value } : undefined;
  if (typeof value !== 'string' || value === '') return undefined;
  const range = /^([0-9]+)(?::([0-9]+))?$/.exec(value);
  if (!range) return /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/i.test(value) ? { name: value } : undefined;
  const first = Number(range[1]);
  const last = range[2] === undefined ? first : Number(range[2]);
  return first <= last && last <= 65535 ? { first, last } : undefined;
}
