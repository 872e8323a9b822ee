import { describe, expect, it } from 'vitest';
import { ciliumIpMasqConfig } from '../../../src/config/cilium-ip-masq.ts';

const source = { kind: 'ConfigMap', namespace: 'kube-system', name: 'ip-masq-agent', key: 'config' };
const config = (text: string) => ciliumIpMasqConfig(text, source, 'AGENT_DEFAULTS_KEY_MISSING');

function cidrs(text: string): string[] {
  const parsed = config(text);
  if (parsed.status !== 'valid') throw new Error(`expected a valid config, got: ${parsed.detail}`);
  return parsed.rules.nonMasqueradeCIDRs;
}

// cilium/cilium pkg/ipmasq/ipmasq.go `readConfig` (yaml.ToJSON, then encoding/json) and `parseCIDR`
// (netip.ParsePrefix, then Masked()); the cases mirror ipmasq_test.go `TestUpdate`.
describe("Cilium's BPF ip-masq-agent config file", () => {
  it('zeroes host bits instead of rejecting them (TestUpdate: 2.2.2.2/16 is 2.2.0.0/16)', () => {
    expect(cidrs('nonMasqueradeCIDRs:\n- 1.1.1.1/32\n- 2.2.2.2/16')).toEqual(['1.1.1.1/32', '2.2.0.0/16']);
  });

  it('reads JSON (TestUpdate "Write new config in JSON")', () => {
    expect(cidrs('{"nonMasqueradeCIDRs": ["8.8.0.0/16", "1.1.2.3/16"], "masqLinkLocal": true}')).toEqual([
      '8.8.0.0/16',
      '1.1.0.0/16',
    ]);
  });

  it.each([
    ['unquoted keys (a YAML flow mapping)', '{nonMasqueradeCIDRs: [8.8.0.0/16]}'],
    ['a trailing comma', '{"nonMasqueradeCIDRs": ["8.8.0.0/16"],}'],
  ])('refuses a file starting with "{" that is not JSON: %s', (_name, text) => {
    expect(config(text)).toMatchObject({ status: 'invalid', because: 'AGENT_CONFIG_INVALID' });
  });

  it.each([['8.8.0.0/016'], ['10.0.0.0/08'], ['10.0.0.0/00']])(
    'refuses the zero-padded prefix length in %s, as netip.ParsePrefix does',
    (cidr) => {
      const parsed = config(`nonMasqueradeCIDRs: ["${cidr}"]`);
      expect(parsed).toMatchObject({ status: 'invalid', issue: { kind: 'octal-prefix-rejected', cidr } });
      expect(parsed.status === 'invalid' && parsed.detail).toContain('bad bits after slash');
    },
  );

  it('keeps an IPv4-mapped IPv6 prefix as IPv6 (netip.ParsePrefix does not unmap it), so it exempts no IPv4 destination', () => {
    expect(cidrs('nonMasqueradeCIDRs: ["::ffff:10.0.0.0/104"]')).toEqual(['::ffff:a00:0/104']);
  });
});
