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

  it.each([
    ['an explicit empty list', 'nonMasqueradeCIDRs: []'],
    ['an explicit null', 'nonMasqueradeCIDRs: null'],
    ['a key with no value', 'nonMasqueradeCIDRs:'],
  ])('clears the list for %s', (_name, text) => {
    expect(rules(text).rules.nonMasqueradeCIDRs).toEqual([]);
  });

  it('adds the eight reserved ranges to the defaults with --nomasq-all-reserved-ranges', () => {
    expect(
      rules('masqLinkLocal: false', { ...plain, nomasqAllReservedRanges: true }).rules.nonMasqueradeCIDRs,
    ).toHaveLength(11);
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

  it.each([
    ['an empty file', ''],
    ['a file with only a comment', '# nothing here\n'],
  ])('uses the defaults for %s', (_name, text) => {
    const parsed = rules(text);
    expect(parsed.empty).toBe(true);
    expect(parsed.rules.nonMasqueradeCIDRs).toEqual(RFC1918_CIDRS);
  });
});

describe('configs the agent rejects (no rules until it has synced a valid one, then the last valid ones)', () => {
  it.each([
    ['a CIDR with host bits set', 'nonMasqueradeCIDRs: [10.0.0.1/8]', 'not aligned'],
    ['an unparsable CIDR', 'nonMasqueradeCIDRs: [10.0.0.0]', 'could not be parsed'],
    ['an IPv6 CIDR without --enable-ipv6', 'nonMasqueradeCIDRs: [10.0.0.0/8, fd00::/8]', 'ipv6 is not enabled'],
    ['more CIDRs than cidrLimit', 'cidrLimit: 1\nnonMasqueradeCIDRs: [10.0.0.0/8, 172.16.0.0/12]', 'up to 1 CIDRs'],
    ['a cidrLimit below the default list length', 'cidrLimit: 2', 'up to 2 CIDRs'],
    ['a string where a list is expected', 'nonMasqueradeCIDRs: 10.0.0.0/8', 'cannot unmarshal string'],
    ['a string where a bool is expected', 'masqLinkLocal: "true"', 'cannot unmarshal string'],
    // metav1.Duration.UnmarshalJSON decodes a string first (k8s.io/apimachinery pkg/apis/meta/v1/duration.go).
    ['a number for resyncInterval', 'resyncInterval: 60', 'json: cannot unmarshal number into Go value of type string'],
    ['an empty resyncInterval', 'resyncInterval:', 'time: invalid duration ""'],
    ['a bad duration', 'resyncInterval: 1 minute', 'invalid duration'],
    ['a list at the top level', '- 10.0.0.0/8', 'cannot unmarshal array'],
    ['broken YAML', 'nonMasqueradeCIDRs: [10.0.0.0/8', 'invalid YAML'],
  ])('rejects %s', (_name, text, detail) => {
    expect(problem(text)).toContain(detail);
  });

  it('accepts an IPv6 CIDR with --enable-ipv6', () => {
    expect(rules('nonMasqueradeCIDRs: [fd00::/8]', { ...plain, enableIPv6: true }).rules.nonMasqueradeCIDRs).toEqual([
      'fd00::/8',
    ]);
  });

  it.each(['60s', '1m30s', '1.5h', '500ms', '0'])('accepts the Go duration %s', (value) => {
    expect(parseAgentFile(`resyncInterval: "${value}"`, plain).ok).toBe(true);
  });
});

// kubernetes-sigs/ip-masq-agent cmd/ip-masq-agent/ip-masq-agent.go `syncConfig`: utilyaml.ToJSON
// (k8s.io/apimachinery pkg/util/yaml decoder.go `ToJSON`, `IsJSONBuffer`) hands a file whose first
// non-space byte is "{" to encoding/json as it is; only anything else is converted from YAML.
describe('a config file that starts with "{" is JSON, never YAML', () => {
  it.each([
    ['unquoted keys and values (a YAML flow mapping)', '{nonMasqueradeCIDRs: [10.0.0.0/8]}'],
    ['a trailing comma', '{"nonMasqueradeCIDRs": ["10.0.0.0/8"],}'],
    ['single quotes', "{'masqLinkLocal': true}"],
    ['a comment', '{"masqLinkLocal": true} # yes'],
    ['a YAML document after it', '{"masqLinkLocal": true}\n---\nfoo: bar'],
    // ip-masq-agent_test.go TestSyncConfig "invalid json file".
    ['a broken object (upstream test "invalid json file")', '{*'],
    ['leading spaces and newlines before the brace', '\n   {nonMasqueradeCIDRs: []}'],
  ])('rejects %s', (_name, text) => {
    expect(problem(text)).toContain('invalid JSON');
  });

  it.each([
    // ip-masq-agent_test.go TestSyncConfig "valid json file, all keys".
    [
      'the upstream test "valid json file, all keys"',
      '\n{\n  "nonMasqueradeCIDRs": ["172.16.0.0/12", "10.0.0.0/8"],\n  "masqLinkLocal": true,\n  "resyncInterval": "5s"\n}\n',
      ['172.16.0.0/12', '10.0.0.0/8'],
    ],
    ['the upstream test "valid json file, just masqLinkLocal"', '\n{\n\t"masqLinkLocal": true\n}\n', RFC1918_CIDRS],
    [
      'escaped strings (upstream test "just resyncInterval but escaped")',
      '{"resyncInterval": "\\u0035\\u006d"}',
      RFC1918_CIDRS,
    ],
  ])('reads %s', (_name, text, cidrs) => {
    expect(rules(text).rules.nonMasqueradeCIDRs).toEqual(cidrs);
  });

  it('still reads a YAML flow mapping that does not start with "{" (a comment first)', () => {
    expect(rules('# flow\n{nonMasqueradeCIDRs: [10.0.0.0/8]}').rules.nonMasqueradeCIDRs).toEqual(['10.0.0.0/8']);
  });

  it("applies the rule to Azure's v2 dialect too (Azure/ip-masq-agent-v2 `syncConfig` calls utilyaml.ToJSON per file)", () => {
    const v2 = {
      base: { nonMasqueradeCIDRs: [], masqLinkLocal: false, masqLinkLocalIPv6: false, cidrLimit: 64 },
      v1Keys: false,
    };
    expect(parseAgentFile('{nonMasqueradeCIDRs: [10.0.0.0/8]}', plain, v2).ok).toBe(false);
  });
});

// ip-masq-agent_test.go `validateConfigTests` (TestConfigValidate): the agent's own error text.
describe("the agent's own error text for a CIDR it rejects", () => {
  it.each([
    ['abcdefg', 'CIDR "abcdefg" could not be parsed, invalid CIDR address: abcdefg'],
    ['10.256.0.0/16', 'CIDR "10.256.0.0/16" could not be parsed, invalid CIDR address: 10.256.0.0/16'],
    ['10.0.0.1/8', 'CIDR "10.0.0.1/8" is not aligned to a CIDR block, ip: "10.0.0.1" network: "10.0.0.0/8"'],
  ])('rejects %s with the text of validateConfigTests', (cidr, detail) => {
    expect(problem(`nonMasqueradeCIDRs: ["${cidr}"]`)).toBe(detail);
  });
});

// The agent checks with Go's net.ParseCIDR (decimal prefix, `dtoi`) and writes the text as given to
// iptables-restore (`syncMasqRules`, `writeNonMasqRule`), whose libxtables parses the prefix with
// strtoul base 0: a leading zero means octal. `Run` stops at the first failed restore.
describe('what iptables-restore installs from the CIDRs the agent accepts', () => {
  it.each([
    ['10.0.0.0/014', '10.0.0.0/12'],
    ['10.1.0.0/020', '10.1.0.0/16'],
    ['10.6.0.0/016', '10.4.0.0/14'],
    ['10.0.0.0/032', '10.0.0.0/26'],
    ['0.0.0.0/00', '0.0.0.0/0'],
    ['10.0.0.0/010', '10.0.0.0/8'],
  ])('installs %s as %s and says so', (written, installed) => {
    const parsed = rules(`nonMasqueradeCIDRs: ["${written}"]`);
    expect(parsed.rules.nonMasqueradeCIDRs).toEqual([installed]);
    expect(parsed.rewritten).toEqual([{ written, installed }]);
  });

  it('installs fd00::/010 as fd00::/8 with --enable-ipv6 (ip6tables reads octal as well)', () => {
    expect(
      rules('nonMasqueradeCIDRs: ["fd00::/010"]', { ...plain, enableIPv6: true }).rules.nonMasqueradeCIDRs,
    ).toEqual(['fd00::/8']);
  });

  it('leaves prefixes without a leading zero as written', () => {
    const parsed = rules('nonMasqueradeCIDRs: [10.0.0.0/8, 0.0.0.0/0]');
    expect(parsed.rules.nonMasqueradeCIDRs).toEqual(['10.0.0.0/8', '0.0.0.0/0']);
    expect(parsed.rewritten).toEqual([]);
  });

  it.each([
    ['/08: 8 is no octal digit', '10.0.0.0/08', 'not octal', '10.0.0.0/8'],
    ['/09: 9 is no octal digit', '10.0.0.0/09', 'not octal', '10.0.0.0/9'],
    ['/019: Go reads 19, iptables stops at the 9', '10.0.0.0/019', 'not octal', '10.0.0.0/19'],
    ['/029: Go reads 29, iptables stops at the 9', '10.0.0.0/029', 'not octal', '10.0.0.0/29'],
  ])('fails the whole restore for %s', (_name, cidr, why, decimal) => {
    const parsed = parseAgentFile(`nonMasqueradeCIDRs: [10.0.0.0/8, "${cidr}"]`, plain);
    expect(parsed).toMatchObject({ ok: false, issue: { kind: 'octal-prefix-rejected', cidr, decimal } });
    expect(parsed.ok || parsed.detail).toContain(why);
  });

  it("rejects /040 already in Go (40 > 32), with the agent's parse error", () => {
    expect(problem('nonMasqueradeCIDRs: ["10.0.0.0/040"]')).toContain('could not be parsed');
  });

  it.each([
    ["without --enable-ipv6 (the agent's IPv6 check takes it for IPv4)", plain],
    ['with --enable-ipv6', { ...plain, enableIPv6: true }],
  ])('fails the IPv4 restore for an IPv4-mapped IPv6 CIDR %s', (_name, flags) => {
    const parsed = parseAgentFile('nonMasqueradeCIDRs: ["::ffff:10.0.0.0/104"]', flags);
    expect(parsed).toMatchObject({
      ok: false,
      issue: { kind: 'ipv4-mapped-cidr', cidr: '::ffff:10.0.0.0/104', ipv4: '10.0.0.0/8' },
    });
  });

  it('keeps the written resyncInterval for lint', () => {
    expect(rules('resyncInterval: 0s').resyncInterval).toBe('0s');
  });
});

describe('a prefix with several leading zeros', () => {
  it('is decimal to the agent and octal to iptables: 10.0.0.0/00014 installs /12', () => {
    expect(rules('nonMasqueradeCIDRs: ["10.0.0.0/00014"]').rules.nonMasqueradeCIDRs).toEqual(['10.0.0.0/12']);
  });
});
