import { describe, expect, it } from 'vitest';
import { parseDestination } from '../../../src/engine/destinations.ts';
import { matchesSelector, parseLabelSelector } from '../../../src/engine/label-selector.ts';

describe('label selectors as kubectl -l takes them', () => {
  const labels = { app: 'web', tier: 'front', canary: 'true' };
  it.each([
    ['app=web', true],
    ['app==web', true],
    ['app!=web', false],
    ['app in (web,api)', true],
    ['tier notin (front)', false],
    ['canary', true],
    ['!canary', false],
    ['app=web,tier in (back, front)', true],
    ['missing!=x', true],
    ['app=', false],
  ])('%s matches: %s', (text, expected) => {
    const parsed = parseLabelSelector(text);
    if ('error' in parsed) throw new Error(parsed.error);
    expect(matchesSelector(labels, parsed.selector)).toBe(expected);
  });

  it.each(['app=web,', '=web', 'app in web', 'app in (a b)'])('rejects %s as a selector', (text) => {
    expect('error' in parseLabelSelector(text)).toBe(true);
  });
});

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
});
