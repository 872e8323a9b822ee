/**
 * The ports of an admin policy egress rule, as NetworkPolicy ports: v1alpha1 `ports` (exactly one
 * of portNumber, portRange, namedPort; protocol defaulted to TCP) and v1alpha2 `protocols`
 * (exactly one of tcp, udp, sctp with a destinationPort number or range, or destinationNamedPort).
 * A named port has no protocol of its own: it is the destination container port of that name,
 * whatever its protocol. Sources: network-policy-api apis/v1alpha1/shared_types.go
 * (AdminNetworkPolicyPort, Port, PortRange), apis/v1alpha2/clusternetworkpolicy_types.go
 * (ClusterNetworkPolicyProtocol, Port, PortRange).
 */
import type { AdminPolicyKind } from '../model/admin-policy.ts';
import { PROTOCOLS, type NetworkPolicyPort, type Protocol } from '../model/policy.ts';
import { Refused } from './network-policies.ts';
import { isRecord, type Json } from './objects.ts';

export function adminPorts(kind: AdminPolicyKind, rule: Json, field: string): NetworkPolicyPort[] {
  const key = kind === 'ClusterNetworkPolicy' ? 'protocols' : 'ports';
  const value = rule[key];
  if (value == null) return [];
  if (!Array.isArray(value) || value.length === 0) throw new Refused(`${field}.${key}`, value);
  return value.flatMap((entry, i) =>
    key === 'protocols' ? protocolEntry(entry, `${field}.protocols[${i}]`) : portEntry(entry, `${field}.ports[${i}]`),
  );
}

function portEntry(entry: unknown, field: string): NetworkPolicyPort[] {
  const [key, value] = only(entry, field, ['portNumber', 'portRange', 'namedPort']);
  if (key === 'namedPort') return named(value, `${field}.namedPort`);
  const protocol = protocolOf(isRecord(value) ? (value['protocol'] ?? 'TCP') : undefined, `${field}.${key}.protocol`);
  if (key === 'portNumber')
    return [{ protocol, port: portOf(isRecord(value) ? value['port'] : undefined, `${field}.portNumber.port`) }];
  return [{ protocol, ...range(value, `${field}.portRange`) }];
}

function protocolEntry(entry: unknown, field: string): NetworkPolicyPort[] {
  const [key, value] = only(entry, field, ['tcp', 'udp', 'sctp', 'destinationNamedPort']);
  if (key === 'destinationNamedPort') return named(value, `${field}.destinationNamedPort`);
  const protocol = key.toUpperCase() as Protocol;
  const [which, port] = only(
    isRecord(value) ? value['destinationPort'] : undefined,
    `${field}.${key}.destinationPort`,
    ['number', 'range'],
  );
  if (which === 'number') return [{ protocol, port: portOf(port, `${field}.${key}.destinationPort.number`) }];
  return [{ protocol, ...range(port, `${field}.${key}.destinationPort.range`) }];
}

/** A named port matches a packet of any protocol the container port has: one entry per protocol. */
function named(value: unknown, field: string): NetworkPolicyPort[] {
  if (typeof value !== 'string' || value === '') throw new Refused(field, value);
  return PROTOCOLS.map((protocol) => ({ protocol, port: value }));
}

function range(value: unknown, field: string): { port: number; endPort: number } {
  if (!isRecord(value)) throw new Refused(field, value);
  const start = portOf(value['start'], `${field}.start`);
  const end = portOf(value['end'], `${field}.end`);
  // "the Start value must be less than End" (XValidation in v1alpha2).
  if (start >= end) throw new Refused(`${field}.end`, end);
  return { port: start, endPort: end };
}

function portOf(value: unknown, field: string): number {
  if (typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= 65535) return value;
  throw new Refused(field, value);
}

function protocolOf(value: unknown, field: string): Protocol {
  if (PROTOCOLS.includes(value as Protocol)) return value as Protocol;
  throw new Refused(field, value);
}

/** MinProperties=1, MaxProperties=1: exactly one field, one of `keys`. */
export function only(value: unknown, field: string, keys: readonly string[]): [string, unknown] {
  if (!isRecord(value)) throw new Refused(field, value);
  const set = Object.keys(value).filter((k) => value[k] != null);
  if (set.length !== 1 || !keys.includes(set[0]!)) throw new Refused(field, value);
  return [set[0]!, value[set[0]!]];
}
