/**
 * `--to` values: an IP, a CIDR, or a named class with a representative address. Hostnames are
 * recognised here but resolved by the CLI, since resolving is I/O.
 */
import type { Destination } from '../model/decision.ts';
import type { Protocol } from '../model/policy.ts';
import { cidr, coverage, formatAddress, parseCidr, singleAddress, type IpRange } from '../net/ip.ts';

export interface DestinationClass {
  address: string;
  description: string;
}

export const DESTINATION_CLASSES: Record<string, DestinationClass> = {
  internet: { address: '8.8.8.8', description: 'a public IPv4 address (any internet host)' },
  internet6: { address: '2001:4860:4860::8888', description: 'a public IPv6 address' },
  metadata: { address: '169.254.169.254', description: 'the cloud metadata server (link-local)' },
};

/** What `who` and `verify` look at when no --to is given. */
export const DEFAULT_DESTINATIONS = ['internet', 'metadata'];

const HOSTNAME =
  /^(?=.{1,253}$)([A-Za-z0-9]([-A-Za-z0-9]{0,61}[A-Za-z0-9])?)(\.[A-Za-z0-9]([-A-Za-z0-9]{0,61}[A-Za-z0-9])?)*\.?$/;

export type ParsedDestination =
  | { kind: 'resolved'; destination: Destination }
  | { kind: 'hostname'; hostname: string; port?: number; protocol: Protocol }
  | { kind: 'invalid'; reason: string };

/** The protocol a destination is asked about when `--to` names none (design: TCP, as a connection is). */
export const DEFAULT_PROTOCOL: Protocol = 'TCP';

interface HostPort {
  host: string;
  port?: number;
  protocol: Protocol;
}

const PROTOCOL_SUFFIX = /^(.*)\/(tcp|udp|sctp)$/i;
const BRACKETED = /^\[([^\]]+)\](?::([^:]*))?$/;

/**
 * `HOST[:PORT][/PROTO]`: a protocol after the last slash (tcp, udp, sctp, any case); a port after
 * a colon, unless the host is an IPv6 address, which takes one only in brackets (`[2001:db8::1]:443`).
 * A CIDR keeps its own slash: `10.0.0.0/8:443/udp`.
 */
export function splitHostPort(text: string): HostPort | { invalid: string } {
  const suffix = PROTOCOL_SUFFIX.exec(text);
  const protocol = (suffix ? suffix[2]!.toUpperCase() : DEFAULT_PROTOCOL) as Protocol;
  const rest = suffix ? suffix[1]! : text;
  const bracketed = BRACKETED.exec(rest);
  const [host, portText] = bracketed
    ? [bracketed[1]!, bracketed[2]]
    : rest.split(':').length === 2
      ? (rest.split(':') as [string, string])
      : [rest, undefined];
  if (host === '') return { invalid: `"${text}" names no host` };
  if (portText === undefined) return { host, protocol };
  const port = /^\d{1,5}$/.test(portText) ? Number(portText) : NaN;
  if (!(port >= 1 && port <= 65535)) return { invalid: `"${text}": the port must be a number from 1 to 65535` };
  return { host, port, protocol };
}

/** The destination as a person writes it: the address, `:PORT` (IPv6 in brackets) and `/PROTO` where not TCP. */
export function destinationLabel(destination: Pick<Destination, 'text' | 'port' | 'protocol' | 'range'>): string {
  const host =
    destination.port !== undefined && destination.range.family === 6 && !destination.text.includes('/')
      ? `[${destination.text}]`
      : destination.text;
  const port = destination.port !== undefined ? `:${destination.port}` : '';
  return `${host}${port}${destination.protocol === DEFAULT_PROTOCOL ? '' : `/${destination.protocol}`}`;
}

/**
 * Addresses a connect() from the pod reaches without leaving its network namespace: loopback, and
 * the unspecified address, which Linux connects to the local host. IPv4-mapped forms included.
 */
const OWN_HOST = ['127.0.0.0/8', '0.0.0.0/32', '::1/128', '::/128', '::ffff:127.0.0.0/104', '::ffff:0.0.0.0/128'].map(
  cidr,
);

/** Why no source IP can be predicted for the range: it is the pod's own host, so nothing leaves the pod. */
export function ownHostReason(range: IpRange, text: string): string | undefined {
  return coverage(range, OWN_HOST) === 'all' ? loopback(text) : undefined;
}

function loopback(text: string): string {
  return `${text} is the pod's own loopback: traffic to it never leaves the pod, so no other host sees a source IP; ask about an address outside the pod`;
}

export function parseDestination(text: string): ParsedDestination {
  const split = splitHostPort(text);
  if ('invalid' in split) return { kind: 'invalid', reason: split.invalid };
  const parsed = parseHost(split.host);
  const on = { ...(split.port !== undefined && { port: split.port }), protocol: split.protocol };
  if (parsed.kind === 'resolved') return { kind: 'resolved', destination: { ...parsed.destination, ...on } };
  if (parsed.kind === 'hostname') return { ...parsed, ...on };
  return parsed;
}

function parseHost(text: string): ParsedDestination {
  const cls = DESTINATION_CLASSES[text];
  if (cls) return { kind: 'resolved', destination: addressDestination(cls.address, 'class', text)! };
  const address = addressDestination(text, 'ip');
  if (address) return ownHost(address, text);
  if (text.includes('/')) {
    const parsed = parseCidr(text);
    if (!parsed) return { kind: 'invalid', reason: `"${text}" is not a valid CIDR` };
    const { cidr } = parsed;
    const normalised = `${formatAddress(cidr.family, cidr.first)}/${cidr.prefix}`;
    return ownHost({ text: normalised, kind: 'cidr', range: cidr, protocol: DEFAULT_PROTOCOL }, text);
  }
  if (/^[\d.]+$/.test(text) || text.includes(':'))
    return { kind: 'invalid', reason: `"${text}" is not a valid IP address` };
  // RFC 6761 §6.3: localhost names are loopback; said without asking a resolver.
  if (/^(.+\.)?localhost\.?$/i.test(text)) return { kind: 'invalid', reason: loopback(text) };
  if (HOSTNAME.test(text)) return { kind: 'hostname', hostname: text, protocol: DEFAULT_PROTOCOL };
  return {
    kind: 'invalid',
    reason: `"${text}" is not an IP, CIDR, hostname or destination class (${Object.keys(DESTINATION_CLASSES).join(', ')})`,
  };
}

function ownHost(destination: Destination, text: string): ParsedDestination {
  const reason = ownHostReason(destination.range, text);
  return reason ? { kind: 'invalid', reason } : { kind: 'resolved', destination };
}

export function addressDestination(
  text: string,
  kind: 'ip' | 'class' | 'hostname',
  name?: string,
): Destination | undefined {
  const range = singleAddress(text);
  if (!range) return undefined;
  const destination: Destination = {
    text: formatAddress(range.family, range.first),
    kind,
    range,
    protocol: DEFAULT_PROTOCOL,
  };
  if (name !== undefined) destination.name = name;
  return destination;
}
