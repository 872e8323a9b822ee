import { describe, expect, it } from 'vitest';
import { parseDestination } from '../../../src/config/destinations.ts';

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
    expect(parseDestination('api.partner.example')).toEqual({ kind: 'hostname', hostname: 'api.partner.example' });
  });

  it.each(['10.0.0.256', '10.0.0.0/40', 'not a host!', '1.2.3'])('rejects %s', (text) => {
    expect(parseDestination(text).kind).toBe('invalid');
  });

  it.each(['127.0.0.1', '127.255.0.0/16', '::1', '0.0.0.0', '::', '::ffff:127.0.0.1', 'localhost', 'db.localhost'])('rejects %s: the pod\'s own host, whose traffic never leaves it', (text) => {
    const parsed = parseDestination(text);
    expect(parsed.kind === 'invalid' && parsed.reason).toContain('loopback');
  });

  it.each(['0.0.0.0/0', '126.0.0.0/7', '::/0'])('keeps %s, which only contains the loopback range', (text) => {
    expect(parseDestination(text).kind).toBe('resolved');
  });
});
