/**
 * OVN-Kubernetes EgressFirewall objects → EgressFirewallInfo. Sources (ovn-org/ovn-kubernetes):
 * go-controller/pkg/crd/egressfirewall/v1/types.go (fields), the CRD's metadata.name pattern
 * `^default$` (dist/templates/k8s.ovn.org_egressfirewalls.yaml.j2: the API server refuses any
 * other name, so only `default` ever takes effect), go-controller/pkg/util/egressfirewall.go
 * ValidateAndGetEgressFirewallDestination and pkg/ovn/egressfirewall.go addEgressFirewall (a rule
 * ovnkube refuses makes it apply none of them).
 */
import type { ReadGap } from '../model/gaps.ts';
import type {
  EgressFirewallInfo,
  EgressFirewallInputs,
  EgressFirewallPort,
  EgressFirewallRule,
  EgressFirewallTarget,
} from '../model/egress-firewall.ts';
import type { KubeObject } from '../model/objects.ts';
import { PROTOCOLS, type Protocol } from '../model/policy.ts';
import type { ResourceSpec } from '../model/resources.ts';
import { resourceName } from '../model/resources.ts';
import { parseCidr } from '../net/ip.ts';
import { versionGap } from './api-versions.ts';
import { unreadable } from './gaps.ts';
import { toLabelSelector } from './label-selector.ts';
import { Refused } from './network-policies.ts';
import { getArray, getRecord, getString, isRecord, type ObjectIndex } from './objects.ts';

export const EGRESS_FIREWALLS: ResourceSpec = {
  group: 'k8s.ovn.org',
  versions: ['v1'],
  plural: 'egressfirewalls',
  kind: 'EgressFirewall',
  namespaced: true,
};

const HOST_CIDRS = 'k8s.ovn.org/host-cidrs';

/** The one name the CRD admits. */
export const EGRESS_FIREWALL_NAME = 'default';

/** types.go: Type is Allow or Deny. pkg/types/const.go: rule priorities run from 10000 down to 2000, so at most 8001 rules. */
const MAX_RULES = 10000 - 2000 + 1;

export function egressFirewallInputs(index: ObjectIndex, gaps: readonly ReadGap[]): EgressFirewallInputs {
  const refused = gaps.filter((g) => g.resource === resourceName(EGRESS_FIREWALLS) && unreadable([g], g.resource));
  const hidden = versionGap(index, EGRESS_FIREWALLS.kind, EGRESS_FIREWALLS.plural);
  const unread = hidden ? [...refused, hidden] : refused;
  const firewalls = index
    .all(EGRESS_FIREWALLS.kind)
    .filter((o) => o.metadata.name === EGRESS_FIREWALL_NAME)
    .map(toEgressFirewall);
  return { firewalls, unread, nodeHostAddresses: hostAddresses(index) };
}

/**
 * go-controller/pkg/util/node_annotations.go GetNodeHostAddrs: only the k8s.ovn.org/host-cidrs
 * annotation (a JSON list of CIDRs) gives a node's addresses to nodeSelector rules.
 */
function hostAddresses(index: ObjectIndex): Record<string, string[]> {
  const found: Record<string, string[]> = {};
  for (const node of index.all('Node')) {
    const text = node.metadata.annotations?.[HOST_CIDRS];
    if (text === undefined) continue;
    let list: unknown;
    try {
      list = JSON.parse(text);
    } catch {
      continue;
    }
    if (!Array.isArray(list)) continue;
    found[node.metadata.name] = list
      .filter((c): c is string => typeof c === 'string' && parseCidr(c) !== undefined)
      .map((c) => c.slice(0, c.indexOf('/')));
  }
  return found;
}

export function toEgressFirewall(obj: KubeObject): EgressFirewallInfo {
  const base = { namespace: obj.metadata.namespace ?? 'default', name: obj.metadata.name };
  const status = getString(getRecord(obj, 'status'), 'status');
  const withStatus = { ...base, ...(status && { status }) };
  try {
    const egress = getArray(getRecord(obj, 'spec'), 'egress');
    if (egress.length > MAX_RULES) throw new Refused('spec.egress', `${egress.length} rules`);
    return { ...withStatus, rules: egress.map((rule, i) => toRule(rule, `spec.egress[${i}]`)) };
  } catch (error) {
    if (!(error instanceof Refused)) throw error;
    const value = typeof error.value === 'string' ? error.value : (JSON.stringify(error.value) ?? 'null');
    return { ...withStatus, rules: [], invalid: { field: error.field, value } };
  }
}

function toRule(rule: unknown, field: string): EgressFirewallRule {
  const type = getString(rule, 'type');
  if (type !== 'Allow' && type !== 'Deny') throw new Refused(`${field}.type`, type ?? null);
  return {
    type,
    to: toTarget(getRecord(rule, 'to'), `${field}.to`),
    ports: getArray(rule, 'ports').map((p, i) => toPort(p, `${field}.ports[${i}]`)),
  };
}

/** Exactly one of the three; ovnkube checks dnsName, then cidrSelector, then nodeSelector. */
function toTarget(to: Record<string, unknown> | undefined, field: string): EgressFirewallTarget {
  const set = ['cidrSelector', 'dnsName', 'nodeSelector'].filter((key) => to?.[key] != null && to[key] !== '');
  if (!to || set.length !== 1) throw new Refused(field, to ?? null);
  const dnsName = getString(to, 'dnsName');
  if (dnsName) return { kind: 'dns', name: dnsName };
  const text = getString(to, 'cidrSelector');
  if (text !== undefined) {
    const parsed = parseCidr(text)?.cidr;
    if (!parsed) throw new Refused(`${field}.cidrSelector`, text);
    return { kind: 'cidr', cidr: { ...parsed, text } };
  }
  const selector = toLabelSelector(to['nodeSelector']);
  if (!selector) throw new Refused(`${field}.nodeSelector`, to['nodeSelector']);
  return { kind: 'nodes', selector };
}

/** types.go: protocol TCP, UDP or SCTP, port 1-65535; egressGetL4Match treats port 0 (unset) as the whole protocol. */
function toPort(port: unknown, field: string): EgressFirewallPort {
  if (!isRecord(port)) throw new Refused(field, port);
  const protocol = port['protocol'];
  if (!PROTOCOLS.includes(protocol as Protocol)) throw new Refused(`${field}.protocol`, protocol ?? null);
  const number = port['port'];
  if (number == null || number === 0) return { protocol: protocol as Protocol };
  if (typeof number !== 'number' || !Number.isInteger(number) || number < 1 || number > 65535)
    throw new Refused(`${field}.port`, number);
  return { protocol: protocol as Protocol, port: number };
}
