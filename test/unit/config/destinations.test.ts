import { describe, expect, it } from 'vitest';
import { destinationLabel, parseDestination } from '../../../src/config/destinations.ts';

describe('--to destinations', () => {
  it.each([
    ['an IPv4 address', '8.8.8.8', 'ip', '8.8.8.8'],
    ['an IPv6 address, normalised', '2001:DB8:0::1', 'ip', '2001:db8::1'],
    ['a CIDR, normalised to its network', '10.1.2.3/8', 'cidr', '10.0.0.0/8'],
    ['the internet class', 'internet', 'class', '8.8.8.8'],
    ['the metadata class', 'metadata', 'class', '169.254.169.254'],
  ])('accepts %s', (_name, text, kind, address) => {
    const parsed = parseDestination(text);
    if (parsed.kind !== 'resolved') throw new Error(`not resolved: ${text}`);
    expect({ kind: parsed.destination.kind, text: parsed.destination.text }).toEqual({ kind, text: address });
  });

  it('leaves hostnames to the CLI to resolve', () => {
    expect(parseDestination('api.partner.example')).toEqual({
      kind: 'hostname',
      hostname: 'api.partner.example',
      protocol: 'TCP',
    });
  });

  it.each(['10.0.0.256', '10.0.0.0/40', 'not a host!', '1.2.3'])('rejects %s', (text) => {
    expect(parseDestination(text).kind).toBe('invalid');
  });

  it.each(['127.0.0.1', '127.255.0.0/16', '::1', '0.0.0.0', '::', '::ffff:127.0.0.1', 'localhost', 'db.localhost'])(
    "rejects %s: the pod's own host, whose traffic never leaves it",
    (text) => {
      const parsed = parseDestination(text);
      expect(parsed.kind === 'invalid' && parsed.reason).toContain('loopback');
    },
  );

  it.each(['0.0.0.0/0', '126.0.0.0/7', '::/0'])('keeps %s, which only contains the loopback range', (text) => {
    expect(parseDestination(text).kind).toBe('resolved');
  });
});

describe('--to HOST[:PORT][/PROTO]', () => {
  it.each([
    ['an address and port', '203.0.113.10:443', '203.0.113.10', 443, 'TCP', '203.0.113.10:443'],
    ['a protocol without a port', '203.0.113.10/udp', '203.0.113.10', undefined, 'UDP', '203.0.113.10/UDP'],
    ['a port and protocol, in any case', '203.0.113.10:53/UDP', '203.0.113.10', 53, 'UDP', '203.0.113.10:53/UDP'],
    ['an IPv6 address with a port, in brackets', '[2001:db8::1]:443', '2001:db8::1', 443, 'TCP', '[2001:db8::1]:443'],
    [
      'an IPv6 address without brackets, whose last group is no port',
      '2001:db8::1',
      '2001:db8::1',
      undefined,
      'TCP',
      '2001:db8::1',
    ],
    ['a CIDR with a port', '10.0.0.0/8:5432', '10.0.0.0/8', 5432, 'TCP', '10.0.0.0/8:5432'],
    ['a class with a port and protocol', 'internet:123/udp', '8.8.8.8', 123, 'UDP', '8.8.8.8:123/UDP'],
    ['SCTP', '203.0.113.10:38412/sctp', '203.0.113.10', 38412, 'SCTP', '203.0.113.10:38412/SCTP'],
  ])('reads %s', (_name, text, address, port, protocol, label) => {
    const parsed = parseDestination(text);
    if (parsed.kind !== 'resolved') throw new Error(`not resolved: ${text}`);
    expect([
      parsed.destination.text,
      parsed.destination.port,
      parsed.destination.protocol,
      destinationLabel(parsed.destination),
    ]).toEqual([address, port, protocol, label]);
  });

  it("keeps a hostname's port and protocol for after it is resolved", () => {
    expect(parseDestination('api.partner.example:8443')).toEqual({
      kind: 'hostname',
      hostname: 'api.partner.example',
      port: 8443,
      protocol: 'TCP',
    });
  });

  it.each([
    '203.0.113.10:0',
    '203.0.113.10:65536',
    '203.0.113.10:https',
    '203.0.113.10:',
    ':443',
    '[2001:db8::1]:x',
    '203.0.113.10/icmp',
  ])('rejects %s', (text) => {
    expect(parseDestination(text).kind).toBe('invalid');
  });
});
