/**
 * Kubernetes NetworkPolicy objects (networking.k8s.io/v1) → NetworkPolicyInfo, egress side only.
 * The API server validates and defaults live objects; `-f` input may hold anything, so a field it
 * would refuse makes the policy `invalid` (its pods' answers unknown) instead of being guessed at.
 * Sources: k8s.io/api networking/v1 types.go (field semantics), kubernetes
 * pkg/apis/networking/v1/defaults.go (policyTypes, protocol) and pkg/apis/networking/validation.
 */
import type { KubeObject } from '../model/objects.ts';
import {
  PROTOCOLS,
  type CidrRange,
  type NetworkPolicyEgressRule,
  type NetworkPolicyInfo,
  type NetworkPolicyPeer,
  type NetworkPolicyPort,
  type Protocol,
} from '../model/policy.ts';
import { parseCidr } from '../net/ip.ts';
import { toLabelSelector } from './label-selector.ts';
import { getArray, getRecord, getString, isRecord } from './objects.ts';

/** A field the API server (or, for a custom resource, its controller or agent) would refuse, with where it is. */
export class Refused extends Error {
  readonly field: string;
  readonly value: unknown;
  constructor(field: string, value: unknown) {
    super(field);
    this.field = field;
    this.value = value;
  }
}

export function toNetworkPolicy(obj: KubeObject): NetworkPolicyInfo {
  const namespace = obj.metadata.namespace ?? 'default';
  const name = obj.metadata.name ?? '';
  const spec = getRecord(obj, 'spec') ?? {};
  const podSelector = toLabelSelector(spec['podSelector']);
  try {
    if (!podSelector) throw new Refused('spec.podSelector', spec['podSelector']);
    const egress = getArray(spec, 'egress').map((rule, i) => egressRule(rule, `spec.egress[${i}]`));
    const ingressBlocks = isolatesIngress(spec) ? ingressIpBlocks(spec) : [];
    return {
      namespace,
      name,
      podSelector,
      isolatesEgress: isolatesEgress(spec),
      egress,
      ...(ingressBlocks.length > 0 && { ingressBlocks }),
    };
  } catch (error) {
    if (!(error instanceof Refused)) throw error;
    // Which pods it selects or what it allows is unknown: it selects every pod of its namespace for
    // the engine, which answers `unknown` for them.
    return {
      namespace,
      name,
      podSelector: podSelector ?? [],
      isolatesEgress: true,
      egress: [],
      invalid: {
        field: error.field,
        value: typeof error.value === 'string' ? error.value : (JSON.stringify(error.value) ?? 'null'),
      },
    };
  }
}

/** defaults.go: without policyTypes, a policy affects Ingress, and Egress too when it has egress rules. */
function isolatesEgress(spec: Record<string, unknown>): boolean {
  const types = spec['policyTypes'];
  if (Array.isArray(types) && types.length > 0) return types.includes('Egress');
  return getArray(spec, 'egress').length > 0;
}

/** defaults.go: without policyTypes, every policy affects Ingress. */
function isolatesIngress(spec: Record<string, unknown>): boolean {
  const types = spec['policyTypes'];
  return !(Array.isArray(types) && types.length > 0) || types.includes('Ingress');
}

/** The ingress rules' ipBlock peers, as far as they are valid (lint only reads them; the verdict never does). */
function ingressIpBlocks(spec: Record<string, unknown>): { cidr: CidrRange; except: CidrRange[] }[] {
  return getArray(spec, 'ingress').flatMap((rule, i) =>
    getArray(rule, 'from').flatMap((peer, j) => {
      if (!isRecord(peer) || peer['ipBlock'] == null) return [];
      try {
        const block = toIpBlock(peer['ipBlock'], `spec.ingress[${i}].from[${j}].ipBlock`);
        return block.kind === 'ipBlock' ? [{ cidr: block.cidr, except: block.except }] : [];
      } catch (error) {
        if (error instanceof Refused) return [];
        throw error;
      }
    }),
  );
}

function egressRule(rule: unknown, field: string): NetworkPolicyEgressRule {
  if (rule !== null && !isRecord(rule)) throw new Refused(field, rule);
  return {
    to: getArray(rule, 'to').map((peer, i) => toPeer(peer, `${field}.to[${i}]`)),
    ports: getArray(rule, 'ports').map((port, i) => toPort(port, `${field}.ports[${i}]`)),
  };
}

function toPeer(peer: unknown, field: string): NetworkPolicyPeer {
  if (!isRecord(peer)) throw new Refused(field, peer);
  const ipBlock = peer['ipBlock'];
  const hasSelectors = peer['podSelector'] != null || peer['namespaceSelector'] != null;
  // validation.go: exactly one of ipBlock and the selectors.
  if (ipBlock != null) {
    if (hasSelectors) throw new Refused(field, peer);
    return toIpBlock(ipBlock, `${field}.ipBlock`);
  }
  if (!hasSelectors) throw new Refused(field, peer);
  const podSelector = peer['podSelector'] == null ? undefined : toLabelSelector(peer['podSelector']);
  const namespaceSelector = peer['namespaceSelector'] == null ? undefined : toLabelSelector(peer['namespaceSelector']);
  if (peer['podSelector'] != null && !podSelector) throw new Refused(`${field}.podSelector`, peer['podSelector']);
  if (peer['namespaceSelector'] != null && !namespaceSelector)
    throw new Refused(`${field}.namespaceSelector`, peer['namespaceSelector']);
  return { kind: 'pods', ...(podSelector && { podSelector }), ...(namespaceSelector && { namespaceSelector }) };
}

/** validation.go ValidateIPBlock: a CIDR, and each `except` a strict subset of it in the same family. */
function toIpBlock(block: unknown, field: string): NetworkPolicyPeer {
  const text = getString(block, 'cidr') ?? '';
  const cidr = parseCidr(text)?.cidr;
  if (!cidr) throw new Refused(`${field}.cidr`, text);
  const except = getArray(block, 'except').map((value, i): CidrRange => {
    const inner = typeof value === 'string' ? parseCidr(value)?.cidr : undefined;
    const strictSubset =
      inner &&
      inner.family === cidr.family &&
      inner.prefix > cidr.prefix &&
      inner.first >= cidr.first &&
      inner.last <= cidr.last;
    if (!strictSubset) throw new Refused(`${field}.except[${i}]`, value);
    return inner;
  });
  return { kind: 'ipBlock', cidr, except };
}

const SERVICE_NAME = /^(?=.{1,15}$)(?=.*[a-z])[a-z0-9]+(-[a-z0-9]+)*$/;

/** defaults.go: protocol TCP. validation.go: a port 1-65535 or an IANA service name; endPort only with a numeric port, not below it. */
function toPort(value: unknown, field: string): NetworkPolicyPort {
  if (!isRecord(value)) throw new Refused(field, value);
  const protocol = (value['protocol'] ?? 'TCP') as Protocol;
  if (!PROTOCOLS.includes(protocol)) throw new Refused(`${field}.protocol`, value['protocol']);
  const port = value['port'];
  const endPort = value['endPort'];
  const result: NetworkPolicyPort = { protocol };
  if (port != null) {
    const numeric = typeof port === 'number' && Number.isInteger(port) && port >= 1 && port <= 65535;
    if (!numeric && !(typeof port === 'string' && SERVICE_NAME.test(port))) throw new Refused(`${field}.port`, port);
    result.port = port as number | string;
  }
  if (endPort != null) {
    const valid =
      typeof endPort === 'number' &&
      Number.isInteger(endPort) &&
      endPort <= 65535 &&
      typeof result.port === 'number' &&
      endPort >= result.port;
    if (!valid) throw new Refused(`${field}.endPort`, endPort);
    result.endPort = endPort as number;
  }
  return result;
}
