/**
 * Special-purpose address blocks (IANA IPv4/IPv6 Special-Purpose Address Registries, RFC 6890):
 * destinations inside them never cross the internet, so no cloud NAT applies to them.
 */
import { cidr, coverage, type Coverage, type IpRange } from '../../net/ip.ts';

const NOT_PUBLIC = [
  '0.0.0.0/8',
  '10.0.0.0/8',
  '100.64.0.0/10',
  '127.0.0.0/8',
  '169.254.0.0/16',
  '172.16.0.0/12',
  '192.0.0.0/24',
  '192.0.2.0/24',
  '192.88.99.0/24',
  '192.168.0.0/16',
  '198.18.0.0/15',
  '198.51.100.0/24',
  '203.0.113.0/24',
  '224.0.0.0/4',
  '240.0.0.0/4',
  '::/127',
  '::ffff:0:0/96',
  '64:ff9b:1::/48',
  '100::/64',
  '2001:db8::/32',
  'fc00::/7',
  'fe80::/10',
  'ff00::/8',
].map(cidr);

/** 'none' = public, 'all' = private/special, 'some' = a range that straddles both. */
export function nonPublicCoverage(range: IpRange): Coverage {
  return coverage(range, NOT_PUBLIC);
}
