import { describe, expect, it } from 'vitest';
import { parseAgentFile, RFC1918_CIDRS } from '../../../src/config/ip-masq-agent-file.ts';

const plain = { nomasqAllReservedRanges: false, enableIPv6: false };

function rules(text: string, flags = plain) {
  const parsed = parseAgentFile(text, flags);
  if (!parsed.ok) throw new Error(`expected a valid config, got: ${parsed.detail}`);
  return parsed;
}

function problem(text: string, flags = plain): string {
  const parsed = parseAgentFile(text, flags);
  if (parsed.ok) throw new Error('expected the agent to reject the config');
  return parsed.detail;
}

describe('the ip-masq-agent config file, decoded onto the defaults', () => {
  it('keeps the RFC 1918 defaults when the file only sets masqLinkLocal (upstream test "just masqLinkLocal")', () => {
    const parsed = rules('masqLinkLocal: true');
    expect(parsed.rules.nonMasqueradeCIDRs).toEqual(RFC1918_CIDRS);
    expect(parsed.rules.masqLinkLocal).toBe(true);
  });

  it.each([['an explicit empty list', 'nonMasqueradeCIDRs: []'], ['an explicit null', 'nonMasqueradeCIDRs: null'], ['a key with no value', 'nonMasqueradeCIDRs:']])(
    'clears the list for %s',
    (_name, text) => {
      expect(rules(text).rules.nonMasqueradeCIDRs).toEqual([]);
    },
  );

  it('adds the eight reserved ranges to the defaults with --nomasq-all-reserved-ranges', () => {
    expect(rules('masqLinkLocal: false', { ...plain, nomasqAllReservedRanges: true }).rules.nonMasqueradeCIDRs).toHaveLength(11);
  });

  it('replaces the defaults entirely with an explicit list, whatever the flag', () => {
    const parsed = rules('nonMasqueradeCIDRs: [10.0.0.0/8]', { ...plain, nomasqAllReservedRanges: true });
    expect(parsed.rules.nonMasqueradeCIDRs).toEqual(['10.0.0.0/8']);
  });

  it('reads JSON as well as YAML', () => {
    expect(rules('{"nonMasqueradeCIDRs": ["172.16.0.0/12"], "masqLinkLocal": true}').rules).toMatchObject({
      nonMasqueradeCIDRs: ['172.16.0.0/12'],
      masqLinkLocal: true,
    });
  });

  it('matches keys case-insensitively, as encoding/json does', () => {
    expect(rules('NonMasqueradeCidrs: [192.168.0.0/16]').rules.nonMasqueradeCIDRs).toEqual(['192.168.0.0/16']);
  });

  it('reads YAML 1.1 booleans (yes/on) as sigs.k8s.io/yaml does', () => {
    expect(rules('masqLinkLocal: yes').rules.masqLinkLocal).toBe(true);
  });

  it('ignores unknown keys and names them (the v1 key linkLocal is one)', () => {
    const parsed = rules('linkLocal: false\nnonMasqueradeCIDRs: [10.0.0.0/8]');
    expect(parsed.ignoredKeys).toEqual(['linkLocal']);
    expect(parsed.rules.masqLinkLocal).toBe(false);
  });

  it.each([['an empty file', ''], ['a file with only a comment', '# nothing here\n']])('uses the defaults for %s', (_name, text) => {
    const parsed = rules(text);
    expect(parsed.empty).toBe(true);
    expect(parsed.rules.nonMasqueradeCIDRs).toEqual(RFC1918_CIDRS);
  });
});

describe('configs the agent rejects (it then keeps its previous rules)', () => {
  it.each([
    ['a CIDR with host bits set', 'nonMasqueradeCIDRs: [10.0.0.1/8]', 'not aligned'],
    ['an unparsable CIDR', 'nonMasqueradeCIDRs: [10.0.0.0]', 'could not be parsed'],
    ['an IPv6 CIDR without --enable-ipv6', 'nonMasqueradeCIDRs: [10.0.0.0/8, fd00::/8]', 'ipv6 is not enabled'],
    ['more CIDRs than cidrLimit', 'cidrLimit: 1\nnonMasqueradeCIDRs: [10.0.0.0/8, 172.16.0.0/12]', 'up to 1 CIDRs'],
    ['a cidrLimit below the default list length', 'cidrLimit: 2', 'up to 2 CIDRs'],
    ['a string where a list is expected', 'nonMasqueradeCIDRs: 10.0.0.0/8', 'cannot unmarshal string'],
    ['a string where a bool is expected', 'masqLinkLocal: "true"', 'cannot unmarshal string'],
    ['a number for resyncInterval', 'resyncInterval: 60', 'expected string value'],
    ['an empty resyncInterval', 'resyncInterval:', 'expected string value'],
    ['a bad duration', 'resyncInterval: 1 minute', 'invalid duration'],
    ['a list at the top level', '- 10.0.0.0/8', 'cannot unmarshal array'],
    ['broken YAML', 'nonMasqueradeCIDRs: [10.0.0.0/8', 'invalid YAML'],
  ])('rejects %s', (_name, text, detail) => {
    expect(problem(text)).toContain(detail);
  });

  it('accepts an IPv6 CIDR with --enable-ipv6', () => {
    expect(rules('nonMasqueradeCIDRs: [fd00::/8]', { ...plain, enableIPv6: true }).rules.nonMasqueradeCIDRs).toEqual(['fd00::/8']);
  });

  it.each(['60s', '1m30s', '1.5h', '500ms', '0'])('accepts the Go duration %s', (value) => {
    expect(parseAgentFile(`resyncInterval: "${value}"`, plain).ok).toBe(true);
  });
});
