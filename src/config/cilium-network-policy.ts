/**
 * CiliumNetworkPolicy / CiliumClusterwideNetworkPolicy (cilium.io/v2) → one CiliumPolicyRule per
 * rule, egress side, with selectors in the identity-label form the engine matches
 * (engine/gateways/cilium-identity.ts). What the API server's schema or the agent's
 * `Sanitize` refuses makes the rule `invalid`, so its pods' answers are unknown, not guessed.
 * Sources (cilium/cilium): pkg/k8s/apis/cilium.io/v2/cnp_types.go (spec/specs), pkg/policy/api
 * rule_validation.go (Sanitize), egress.go, cidr.go, l4.go; pkg/k8s/apis/cilium.io/utils/utils.go
 * (the namespace a CNP adds to its selectors).
 */
import type { CiliumCidrPeer, CiliumEgressRule, CiliumPolicyRule, CiliumPort } from '../model/cilium-policy.ts';
import type { KubeObject } from '../model/objects.ts';
import type { CidrRange } from '../model/policy.ts';
import type { LabelSelector } from '../model/selector.ts';
import { parseCidr, parseIp } from '../net/ip.ts';
import { toLabelSelector } from './label-selector.ts';
import { Refused } from './network-policies.ts';
import { getArray, getRecord, getString, isRecord } from './objects.ts';

type Kind = CiliumPolicyRule['kind'];
const POD_NAMESPACE_LABEL = 'io.kubernetes.pod.namespace';
const NAMESPACE_LABELS_PREFIX = 'io.cilium.k8s.namespace.labels.';
/** Label sources a selector may name that pod endpoints' labels carry (pkg/labels: k8s, and any). */
const POD_SOURCES = new Set(['k8s', 'any']);

export function toCiliumPolicyRules(obj: KubeObject): CiliumPolicyRule[] {
  const kind: Kind =
    obj.kind === 'CiliumClusterwideNetworkPolicy' ? 'CiliumClusterwideNetworkPolicy' : 'CiliumNetworkPolicy';
  const namespace = kind === 'CiliumNetworkPolicy' ? (obj.metadata.namespace ?? 'default') : undefined;
  const base = { kind, ...(namespace !== undefined && { namespace }), name: obj.metadata.name };
  const specs: [string, unknown][] = [];
  if (obj['spec'] != null) specs.push(['spec', obj['spec']]);
  for (const [i, spec] of getArray(obj, 'specs').entries()) specs.push([`specs[${i}]`, spec]);
  // cnp_types.go Parse: "empty CiliumNetworkPolicy" when neither spec nor specs is set.
  if (specs.length === 0) return [invalidRule(base, 'spec', new Refused('spec', null))];
  return specs.map(([at, spec]) => {
    try {
      return { ...base, at, ...ruleOf(spec, at, namespace) };
    } catch (error) {
      if (!(error instanceof Refused)) throw error;
      return invalidRule({ ...base }, at, error);
    }
  });
}

function invalidRule(
  base: Omit<CiliumPolicyRule, 'at' | 'hostPolicy' | 'egress' | 'egressDeny'>,
  at: string,
  error: Refused,
): CiliumPolicyRule {
  const value = typeof error.value === 'string' ? error.value : (JSON.stringify(error.value) ?? 'null');
  return { ...base, at, hostPolicy: false, egress: [], egressDeny: [], invalid: { field: error.field, value } };
}

type RuleBody = Omit<CiliumPolicyRule, 'kind' | 'namespace' | 'name' | 'at'>;

function ruleOf(spec: unknown, at: string, namespace: string | undefined): RuleBody {
  if (!isRecord(spec)) throw new Refused(at, spec);
  const hasEndpoints = spec['endpointSelector'] != null;
  const hasNodes = spec['nodeSelector'] != null;
  // Sanitize: exactly one of endpointSelector and nodeSelector; nodeSelector only in a CCNP.
  if (hasEndpoints === hasNodes || (hasNodes && namespace !== undefined))
    throw new Refused(`${at}.endpointSelector`, spec['endpointSelector'] ?? null);
  const egress = getArray(spec, 'egress').map((r, i) => egressRule(r, `${at}.egress[${i}]`, namespace, true));
  const egressDeny = getArray(spec, 'egressDeny').map((r, i) =>
    egressRule(r, `${at}.egressDeny[${i}]`, namespace, false),
  );
  const defaultDeny = getRecord(spec, 'enableDefaultDeny')?.['egress'];
  const body: RuleBody = {
    hostPolicy: hasNodes,
    egress,
    egressDeny,
    ...(typeof defaultDeny === 'boolean' && { enableDefaultDenyEgress: defaultDeny }),
  };
  if (hasEndpoints) {
    const { selector } = sourcedSelector(spec['endpointSelector'], `${at}.endpointSelector`);
    // utils.go parseRule: a CNP's rule selects endpoints of its own namespace only.
    body.endpointSelector =
      namespace === undefined ? selector : [...selector, { key: POD_NAMESPACE_LABEL, op: 'in', values: [namespace] }];
  }
  return body;
}

function egressRule(rule: unknown, field: string, namespace: string | undefined, allow: boolean): CiliumEgressRule {
  if (!isRecord(rule)) throw new Refused(field, rule);
  const result: CiliumEgressRule = {
    toEndpoints: [],
    toCIDR: [],
    toEntities: [],
    toFQDNs: [],
    unmodelledPeers: [],
    ports: [],
    l7: false,
    icmpOnly: false,
  };
  for (const [i, s] of getArray(rule, 'toEndpoints').entries()) {
    const { selector, otherSource } = sourcedSelector(s, `${field}.toEndpoints[${i}]`);
    if (otherSource) result.unmodelledPeers.push(`toEndpoints[${i}]`);
    else result.toEndpoints.push(peerSelector(selector, namespace));
  }
  for (const [i, c] of getArray(rule, 'toCIDR').entries())
    result.toCIDR.push({ cidr: cidrOf(c, `${field}.toCIDR[${i}]`), except: [] });
  for (const [i, set] of getArray(rule, 'toCIDRSet').entries())
    result.toCIDR.push(...cidrSet(set, `${field}.toCIDRSet[${i}]`, result));
  result.toEntities = getArray(rule, 'toEntities').map(String);
  for (const key of ['toServices', 'toGroups', 'toNodes', 'toRequires'])
    if (getArray(rule, key).length > 0) result.unmodelledPeers.push(key);
  if (allow)
    result.toFQDNs = getArray(rule, 'toFQDNs').map(
      (f) => getString(f, 'matchName') ?? getString(f, 'matchPattern') ?? '',
    );
  const toPorts = getArray(rule, 'toPorts');
  // Sanitize: ICMPs and toPorts are exclusive.
  if (toPorts.length > 0 && getArray(rule, 'icmps').length > 0) throw new Refused(`${field}.icmps`, rule['icmps']);
  result.icmpOnly = getArray(rule, 'icmps').length > 0;
  for (const [i, entry] of toPorts.entries()) {
    if (!isRecord(entry)) throw new Refused(`${field}.toPorts[${i}]`, entry);
    result.ports.push(...getArray(entry, 'ports').map((p, j) => portOf(p, `${field}.toPorts[${i}].ports[${j}]`)));
    if (['rules', 'listener', 'serverNames', 'terminatingTLS', 'originatingTLS'].some((k) => entry[k] != null))
      result.l7 = true;
  }
  return result;
}

/** toCIDRSet: `cidr` with `except`; a cidrGroupRef or selector names CiliumCIDRGroups, which are not read. */
function cidrSet(set: unknown, field: string, rule: CiliumEgressRule): CiliumCidrPeer[] {
  if (!isRecord(set)) throw new Refused(field, set);
  if (set['cidr'] == null) {
    rule.unmodelledPeers.push(field.slice(field.lastIndexOf('.') + 1));
    return [];
  }
  const cidr = cidrOf(set['cidr'], `${field}.cidr`);
  return [{ cidr, except: getArray(set, 'except').map((e, i) => cidrOf(e, `${field}.except[${i}]`)) }];
}

/** api.CIDR: a prefix, or one address (a /32 or /128). */
function cidrOf(value: unknown, field: string): CidrRange {
  const text = typeof value === 'string' ? value.trim() : '';
  const parsed = parseCidr(text)?.cidr;
  if (parsed) return { ...parsed, text };
  const ip = parseIp(text);
  if (!ip) throw new Refused(field, value);
  return { family: ip.family, first: ip.value, last: ip.value, text };
}

const PROTOCOLS = new Set(['TCP', 'UDP', 'SCTP', 'ANY']);
const OTHER_PROTOCOLS = new Set(['ICMP', 'ICMPV6', 'VRRP', 'IGMP']);

/** l4.go PortProtocol: port a number 0-65535 ("0" every port) or a port name; protocol ANY when empty. */
function portOf(value: unknown, field: string): CiliumPort {
  if (!isRecord(value)) throw new Refused(field, value);
  const protocol = String(value['protocol'] ?? 'ANY').toUpperCase() || 'ANY';
  if (!PROTOCOLS.has(protocol) && !OTHER_PROTOCOLS.has(protocol))
    throw new Refused(`${field}.protocol`, value['protocol']);
  // ICMP, VRRP, IGMP: a protocol no --to target names, so a port no packet asked about matches.
  if (!PROTOCOLS.has(protocol)) return { protocol: 'OTHER' };
  const port: CiliumPort = { protocol: protocol as CiliumPort['protocol'] };
  const text = value['port'] == null ? '' : String(value['port']).trim();
  if (/^\d+$/.test(text)) {
    const n = Number(text);
    if (n > 65535) throw new Refused(`${field}.port`, value['port']);
    if (n !== 0) port.port = n;
  } else if (/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(text)) port.named = text;
  else if (text !== '') throw new Refused(`${field}.port`, value['port']);
  const end = value['endPort'];
  if (typeof end === 'number' && end !== 0 && port.port !== undefined) {
    if (!Number.isInteger(end) || end < port.port || end > 65535) throw new Refused(`${field}.endPort`, end);
    port.endPort = end;
  }
  return port;
}

/**
 * An EndpointSelector in identity-label form: `k8s:` and `any:` source prefixes dropped (pod
 * labels carry the k8s source). A key of another source (reserved:, cidr:, …) is kept as written:
 * no pod has such a label, so it matches pods as a label they lack; `otherSource` says that the
 * selector may select reserved identities (the host, the world, health endpoints) beside pods.
 */
function sourcedSelector(value: unknown, field: string): { selector: LabelSelector; otherSource: boolean } {
  const selector = toLabelSelector(value);
  if (!selector) throw new Refused(field, value);
  let otherSource = false;
  const out = selector.map((r) => {
    const colon = r.key.indexOf(':');
    if (colon < 0) return r;
    if (!POD_SOURCES.has(r.key.slice(0, colon))) {
      otherSource = true;
      return r;
    }
    return { ...r, key: r.key.slice(colon + 1) };
  });
  return { selector: out, otherSource };
}

/**
 * utils.go getEndpointSelector: a peer selector naming no namespace is limited to the CNP's own
 * namespace, unless it selects on namespace labels; in a CCNP, to endpoints that have a namespace.
 */
function peerSelector(selector: LabelSelector, namespace: string | undefined): LabelSelector {
  if (selector.some((r) => r.key === POD_NAMESPACE_LABEL)) return selector;
  if (namespace === undefined) return [...selector, { key: POD_NAMESPACE_LABEL, op: 'exists' }];
  if (selector.some((r) => r.key.startsWith(NAMESPACE_LABELS_PREFIX))) return selector;
  return [...selector, { key: POD_NAMESPACE_LABEL, op: 'in', values: [namespace] }];
}
