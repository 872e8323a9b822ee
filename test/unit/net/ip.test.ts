import { describe, expect, it } from 'vitest';
import {
  addressesOfBlock,
  cidr,
  coverage,
  parseCidr,
  parseIp,
  RangeSet,
  singleAddress,
  orderedAddressSet,
} from '../../../src/net/ip.ts';

describe('parsing addresses like Go net.ParseIP', () => {
  it.each([
    ['a dotted IPv4 address', '10.4.1.7', 4],
    ['an IPv6 address', 'fd00::1', 6],
    ['an IPv4-mapped IPv6 address', '::ffff:10.0.0.1', 6],
  ])('accepts %s', (_name, text, family) => {
    expect(parseIp(text)?.family).toBe(family);
  });

  it.each([
    ['0.0.0.0', 0n],
    ['255.255.255.255', 0xffffffffn],
    ['10.4.1.7', (10n << 24n) | (4n << 16n) | (1n << 8n) | 7n],
    ['192.0.2.200', (192n << 24n) | (2n << 8n) | 200n],
  ])('reads %s as the number its four octets make', (text, value) => {
    expect(parseIp(text)).toEqual({ family: 4, value });
  });

  it.each([
    ['IPv4 with a leading zero (rejected since Go 1.17)', '010.0.0.1'],
    ['IPv4 with three parts', '10.0.1'],
    ['an octet over 255', '10.0.0.256'],
    ['an IPv6 zone', 'fe80::1%eth0'],
    ['a hostname', 'example.com'],
  ])('rejects %s', (_name, text) => {
    expect(parseIp(text)).toBeUndefined();
  });
});

describe('parsing CIDRs like Go net.ParseCIDR', () => {
  it.each([
    ['an aligned block', '10.0.0.0/8', true],
    ['a block with host bits set', '10.0.0.1/8', false],
    ['an IPv6 block', 'fd00::/8', true],
    ['a /32', '203.0.113.7/32', true],
  ])('parses %s', (_name, text, aligned) => {
    expect(parseCidr(text)?.aligned).toBe(aligned);
  });

  // Go net/parse.go `dtoi`, which ParseCIDR uses for the prefix: decimal, leading zeros allowed.
  it.each([
    ['10.0.0.0/014', 14],
    ['10.0.0.0/0000014', 14],
    ['fd00::/0008', 8],
  ])('reads the prefix of %s as decimal %d', (text, prefix) => {
    expect(parseCidr(text)?.cidr.prefix).toBe(prefix);
  });

  it.each([
    ['no prefix', '10.0.0.0'],
    ['a prefix over 32', '10.0.0.0/33'],
    ['a prefix over 128', 'fd00::/129'],
    ['garbage', 'ten/8'],
    ['a signed prefix', '10.0.0.0/+8'],
    ['an empty prefix', '10.0.0.0/'],
  ])('rejects %s', (_name, text) => {
    expect(parseCidr(text)).toBeUndefined();
  });
});

describe('coverage of a range by blocks', () => {
  const blocks = [
    cidr('10.0.0.0/8'),
    cidr('11.0.0.0/8'),
    cidr('172.16.0.5/32'),
    cidr('172.16.0.7/32'),
    cidr('fd00::/64'),
  ];
  const cases = [
    ['an address inside one block', singleAddress('10.1.2.3')!, 'all'],
    ['an address outside every block', singleAddress('12.0.0.1')!, 'none'],
    ['a range covered by two adjacent blocks', cidr('10.0.0.0/7'), 'all'],
    ['a range only partly covered', cidr('8.0.0.0/6'), 'some'],
    [
      'a range that only starts inside a block',
      { family: 4 as const, first: parseIp('11.255.255.255')!.value, last: parseIp('12.0.0.3')!.value },
      'some',
    ],
    ['a range whose blocks leave a hole', cidr('172.16.0.4/30'), 'some'],
    ['a range with a block strictly inside', cidr('172.16.0.0/24'), 'some'],
    ['an address between two single-address blocks', singleAddress('172.16.0.6')!, 'none'],
    ['an address of the other family', singleAddress('::1')!, 'none'],
    ['an IPv6 address inside its block', singleAddress('fd00::42')!, 'all'],
  ] as const;

  it.each(cases)('reports %s as %s', (_name, range, expected) => {
    expect(coverage(range, blocks)).toBe(expected);
  });

  it.each(cases)('gives the same answer from a RangeSet for %s', (_name, range, expected) => {
    expect(coverage(range, new RangeSet([...blocks].reverse()))).toBe(expected);
  });
});

describe('ordering a set of addresses', () => {
  it.each([
    ['by value within IPv4', ['10.0.0.10', '10.0.0.9', '9.255.255.255'], ['9.255.255.255', '10.0.0.9', '10.0.0.10']],
    ['IPv4 before IPv6', ['fd00::1', '10.0.0.1'], ['10.0.0.1', 'fd00::1']],
    ['by value within IPv6', ['fd00::10', 'fd00::9'], ['fd00::9', 'fd00::10']],
    ['one of equal addresses, the first written', ['fd00::1', 'fd00:0::1'], ['fd00::1']],
    ['text Go rejects last', ['bogus', '10.0.0.1'], ['10.0.0.1', 'bogus']],
  ])('sorts %s', (_name, given, sorted) => {
    expect(orderedAddressSet(given)).toEqual(sorted);
  });
});

describe('the addresses of a block', () => {
  it.each([
    ['a /31', '203.0.113.10/31', 8, ['203.0.113.10', '203.0.113.11']],
    ['a /30 with host bits set', '203.0.113.9/30', 8, ['203.0.113.8', '203.0.113.9', '203.0.113.10', '203.0.113.11']],
    ['a /32', '203.0.113.7/32', 1, ['203.0.113.7']],
    ['an IPv6 /127', '2001:db8::/127', 2, ['2001:db8::', '2001:db8::1']],
  ])('lists %s', (_name, text, limit, addresses) => {
    expect(addressesOfBlock(text, limit)).toEqual(addresses);
  });

  it.each([
    ['more addresses than the limit', '203.0.113.0/28', 15],
    ['text that is no block', '203.0.113.0', 256],
  ])('gives nothing for %s', (_name, text, limit) => {
    expect(addressesOfBlock(text, limit)).toBeUndefined();
  });
});
