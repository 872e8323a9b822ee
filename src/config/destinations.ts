/**
 * `--to` values: an IP, a CIDR, or a named class with a representative address. Hostnames are
 * recognised here but resolved by the CLI, since resolving is I/O.
 */
import type { Destination } from '../model/decision.ts';
import { formatAddress, parseCidr, singleAddress } from '../net/ip.ts';

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

const HOSTNAME = /^(?=.{1,253}$)([A-Za-z0-9]([-A-Za-z0-9]{0,61}[A-Za-z0-9])?)(\.[A-Za-z0-9]([-A-Za-z0-9]{0,61}[A-Za-z0-9])?)*\.?$/;

export type ParsedDestination =
  | { kind: 'resolved'; destination: Destination }
  | { kind: 'hostname'; hostname: string }
  | { kind: 'invalid'; reason: string };

export function parseDestination(text: string): ParsedDestination {
  const cls = DESTINATION_CLASSES[text];
  if (cls) return { kind: 'resolved', destination: addressDestination(cls.address, 'class', text)! };
  const address = addressDestination(text, 'ip');
  if (address) return { kind: 'resolved', destination: address };
  if (text.includes('/')) {
    const parsed = parseCidr(text);
    if (!parsed) return { kind: 'invalid', reason: `"${text}" is not a valid CIDR` };
    const { cidr } = parsed;
    const normalised = `${formatAddress(cidr.family, cidr.first)}/${cidr.prefix}`;
    return { kind: 'resolved', destination: { text: normalised, kind: 'cidr', range: cidr } };
  }
  if (/^[\d.]+$/.test(text) || text.includes(':')) return { kind: 'invalid', reason: `"${text}" is not a valid IP address` };
  if (HOSTNAME.test(text)) return { kind: 'hostname', hostname: text };
  return { kind: 'invalid', reason: `"${text}" is not an IP, CIDR, hostname or destination class (${Object.keys(DESTINATION_CLASSES).join(', ')})` };
}

export function addressDestination(text: string, kind: 'ip' | 'class' | 'hostname', name?: string): Destination | undefined {
  const range = singleAddress(text);
  if (!range) return undefined;
  const destination: Destination = { text: formatAddress(range.family, range.first), kind, range };
  if (name !== undefined) destination.name = name;
  return destination;
}
