/**
 * The ip-masq-agent config file (/etc/config/ip-masq-agent), parsed exactly as the upstream agent
 * parses it: kubernetes-sigs/ip-masq-agent cmd/ip-masq-agent/ip-masq-agent.go, `syncConfig`,
 * `NewMasqConfig`, `validate`, `validateCIDR` (reference/snat-mechanisms.md §1).
 */
import type { AgentConfigIssue, MasqRules, RewrittenCidr } from '../model/datapath.ts';
import { decodeAgentConfigFile, jsonType } from './go-yaml.ts';
import { formatAddress, parseCidr, parseIp } from '../net/ip.ts';

export interface AgentFlags {
  nomasqAllReservedRanges: boolean;
  enableIPv6: boolean;
}

export type ParsedAgentFile =
  | {
      ok: true;
      empty: boolean;
      rules: MasqRules;
      ignoredKeys: string[];
      resyncInterval?: string;
      rewritten: RewrittenCidr[];
    }
  | { ok: false; detail: string; issue?: AgentConfigIssue };

/** RFC 1918 — `NewMasqConfig`; never changed since v1.0.0. */
export const RFC1918_CIDRS = ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16'];

/** Appended by `--nomasq-all-reserved-ranges`, in this order (v2.4.1+). */
export const RESERVED_RANGE_CIDRS = [
  '100.64.0.0/10', // RFC 6598
  '192.0.0.0/24', // RFC 6890
  '192.0.2.0/24', // RFC 5737
  '192.88.99.0/24', // RFC 7526
  '198.18.0.0/15', // RFC 6815
  '198.51.100.0/24', // RFC 5737
  '203.0.113.0/24', // RFC 5737
  '240.0.0.0/4', // RFC 5735
];

export function agentDefaults(nomasqAllReservedRanges: boolean): MasqRules {
  return {
    nonMasqueradeCIDRs: nomasqAllReservedRanges ? [...RFC1918_CIDRS, ...RESERVED_RANGE_CIDRS] : [...RFC1918_CIDRS],
    masqLinkLocal: false,
    masqLinkLocalIPv6: false,
    cidrLimit: 64,
  };
}

/**
 * The agent converts YAML to JSON (sigs.k8s.io/yaml: YAML 1.1 scalars, first document, duplicate
 * keys allowed, last wins) and decodes it with encoding/json *onto the defaults*: fields the file
 * omits keep their default, an explicit `nonMasqueradeCIDRs: []` or `null` clears the list.
 */
export interface AgentFileDialect {
  /** What the file is decoded onto: the v1 agent's defaults, or v2's empty config. */
  base: MasqRules;
  /** v1 knows `cidrLimit` (and `resyncInterval`); v2 ignores both keys. */
  v1Keys: boolean;
}

export function parseAgentFile(text: string, flags: AgentFlags, dialect?: AgentFileDialect): ParsedAgentFile {
  const decoded = decodeAgentConfigFile(text);
  const rules = structuredClone(dialect?.base ?? agentDefaults(flags.nomasqAllReservedRanges));
  const v1Keys = dialect?.v1Keys ?? true;
  if (!decoded.ok) return decoded;
  const { value } = decoded;
  // encoding/json: unmarshaling null into a struct pointer is a no-op, so an empty file means defaults.
  if (value === null) return { ok: true, empty: true, rules, ignoredKeys: [], rewritten: [] };
  if (typeof value !== 'object' || Array.isArray(value)) {
    return { ok: false, detail: `cannot unmarshal ${jsonType(value)} into Go value of type main.MasqConfig` };
  }
  const ignoredKeys: string[] = [];
  let resyncInterval: string | undefined;
  for (const [key, field] of Object.entries(value)) {
    if (!v1Keys && /^(cidrlimit|resyncinterval)$/i.test(key)) {
      ignoredKeys.push(key);
      continue;
    }
    const problem = applyField(rules, key, field, ignoredKeys);
    if (problem) return { ok: false, detail: problem };
    if (key.toLowerCase() === 'resyncinterval') resyncInterval = field as string;
  }
  const invalid = validate(rules, flags.enableIPv6);
  if (invalid) return { ok: false, ...invalid };
  const installed = iptablesRestore(rules.nonMasqueradeCIDRs);
  if (!installed.ok) return { ok: false, detail: installed.detail, issue: installed.issue };
  const rewritten = installed.rewritten;
  const withInstalled = { ...rules, nonMasqueradeCIDRs: installed.cidrs };
  return {
    ok: true,
    empty: false,
    rules: withInstalled,
    ignoredKeys,
    rewritten,
    ...(resyncInterval === undefined ? {} : { resyncInterval }),
  };
}

/** encoding/json matches keys to fields case-insensitively and ignores keys it does not know. */
function applyField(rules: MasqRules, key: string, value: unknown, ignoredKeys: string[]): string | undefined {
  switch (key.toLowerCase()) {
    case 'nonmasqueradecidrs':
      if (value === null) return void (rules.nonMasqueradeCIDRs = []);
      if (!Array.isArray(value) || !value.every((v) => typeof v === 'string')) return typeError(key, value, '[]string');
      return void (rules.nonMasqueradeCIDRs = [...value]);
    case 'cidrlimit':
      if (value === null) return undefined;
      if (typeof value !== 'number' || !Number.isInteger(value)) return typeError(key, value, 'int');
      return void (rules.cidrLimit = value);
    case 'masqlinklocal':
    case 'masqlinklocalipv6':
      if (value === null) return undefined;
      if (typeof value !== 'boolean') return typeError(key, value, 'bool');
      if (key.toLowerCase() === 'masqlinklocal') rules.masqLinkLocal = value;
      else rules.masqLinkLocalIPv6 = value;
      return undefined;
    case 'resyncinterval':
      // metav1.Duration.UnmarshalJSON (k8s.io/apimachinery pkg/apis/meta/v1/duration.go) decodes a
      // string and hands it to time.ParseDuration. encoding/json calls it for null too, which decodes
      // as "", so `resyncInterval:` with no value is an invalid duration as well.
      if (value === null) return 'time: invalid duration ""';
      if (typeof value !== 'string') return `json: cannot unmarshal ${jsonType(value)} into Go value of type string`;
      return isGoDuration(value) ? undefined : `time: invalid duration ${JSON.stringify(value)}`;
    default:
      ignoredKeys.push(key);
      return undefined;
  }
}

/**
 * `validate` and `validateCIDR`, in the agent's order: count, then per CIDR parse, align, family.
 * The detail is the agent's own error text (`cidrParseErrFmt`, `cidrAlignErrFmt`, as its tests
 * `validateConfigTests` spell them); the issue is the same, as data for lint's fix.
 */
function validate(rules: MasqRules, enableIPv6: boolean): { detail: string; issue: AgentConfigIssue } | undefined {
  const n = rules.nonMasqueradeCIDRs.length;
  if (rules.cidrLimit !== undefined && n > rules.cidrLimit) {
    return {
      detail: `the daemon can only accept up to ${rules.cidrLimit} CIDRs (excluding link-local), but got ${n} CIDRs (excluding link local)`,
      issue: { kind: 'cidr-limit', count: n, limit: rules.cidrLimit },
    };
  }
  for (const text of rules.nonMasqueradeCIDRs) {
    const parsed = parseCidr(text);
    if (!parsed)
      return {
        detail: `CIDR ${JSON.stringify(text)} could not be parsed, invalid CIDR address: ${text}`,
        issue: { kind: 'unparsable-cidr', cidr: text },
      };
    const { family, first, prefix } = parsed.cidr;
    if (!parsed.aligned) {
      const ip = goIpString(family, parseIp(text.slice(0, text.indexOf('/')))!.value);
      const network = `${goIpString(family, first)}/${isIpv4Mapped(family, first) ? prefix - 96 : prefix}`;
      return {
        detail: `CIDR ${JSON.stringify(text)} is not aligned to a CIDR block, ip: ${JSON.stringify(ip)} network: ${JSON.stringify(network)}`,
        issue: { kind: 'misaligned-cidr', cidr: text, aligned: `${formatAddress(family, first)}/${prefix}` },
      };
    }
    // isIPv6CIDR: net.ParseIP(ip.String()).To4() == nil, so an IPv4-mapped address counts as IPv4.
    if (!enableIPv6 && family === 6 && !isIpv4Mapped(family, first)) {
      return {
        detail: `ipv6 is not enabled, but ipv6 cidr ${text} provided. Enable ipv6 using --enable-ipv6 agent flag`,
        issue: { kind: 'ipv6-disabled', cidr: text },
      };
    }
  }
  return undefined;
}

/** ::ffff:0:0/96, which Go's net.IP prints (and To4 reads) as IPv4. */
function isIpv4Mapped(family: 4 | 6, value: bigint): boolean {
  return family === 6 && value >> 32n === 0xffffn;
}

/** net.IP.String(): an IPv4-mapped address prints in dotted form. */
function goIpString(family: 4 | 6, value: bigint): string {
  return isIpv4Mapped(family, value) ? formatAddress(4, value & 0xffffffffn) : formatAddress(family, value);
}

type Installed =
  | { ok: true; cidrs: string[]; rewritten: RewrittenCidr[] }
  | { ok: false; detail: string; issue: AgentConfigIssue };

/**
 * What iptables-restore makes of the lines the agent writes (`syncMasqRules`: `-A <chain> -d <cidr as
 * written> -j RETURN`, one restore per family, the IPv4 one first; `Run` stops at the first error).
 * The agent's check is Go's net.ParseCIDR, which reads the prefix length as decimal (`dtoi`), but
 * iptables parses it with xtables_strtoui(mask, NULL, &bits, 0, 32|128), base 0, i.e. strtoul: a
 * leading zero makes it octal. So `10.0.0.0/014` installs 10.0.0.0/12 (iptables masks the address),
 * and an 8 or 9 after the zero (`/08`, `/019`) makes the whole restore fail (an octal value is never
 * more than the decimal one Go already checked against the family's width). An
 * IPv4-mapped IPv6 CIDR passes isIPv6CIDR as IPv4 and lands in the IPv4 restore, where
 * `::ffff:10.0.0.0` is no IPv4 host or network: that restore fails too. A failed restore leaves
 * the chain as it was (see AGENT_CONFIG_INVALID), so the result is the same as a rejected config.
 */
function iptablesRestore(texts: readonly string[]): Installed {
  const cidrs: string[] = [];
  const rewritten: RewrittenCidr[] = [];
  for (const text of texts) {
    const { family, first } = parseCidr(text)!.cidr;
    const slash = text.indexOf('/');
    const command = `iptables-restore fails on "-d ${text}", so the agent installs none of its rules`;
    if (isIpv4Mapped(family, first)) {
      const ipv4Prefix = Number(text.slice(slash + 1)) - 96;
      const ipv4 = ipv4Prefix >= 0 ? `${formatAddress(4, first & 0xffffffffn)}/${ipv4Prefix}` : undefined;
      return {
        ok: false,
        detail: `${command}: the agent takes the IPv4-mapped address for IPv4 and writes it to the IPv4 rules, which iptables cannot read`,
        issue: { kind: 'ipv4-mapped-cidr', cidr: text, ...(ipv4 ? { ipv4 } : {}) },
      };
    }
    const prefixText = text.slice(slash + 1);
    if (prefixText.length < 2 || !prefixText.startsWith('0')) {
      cidrs.push(text);
      continue;
    }
    const width = family === 4 ? 32 : 128;
    const octal = /^[0-7]+$/.test(prefixText) ? Number.parseInt(prefixText, 8) : undefined;
    const decimal = String(Number(prefixText));
    if (octal === undefined) {
      return {
        ok: false,
        detail: `${command}: iptables reads the prefix length ${prefixText} as octal (leading zero), and it has a digit that is not octal`,
        issue: { kind: 'octal-prefix-rejected', cidr: text, decimal: `${text.slice(0, slash)}/${decimal}` },
      };
    }
    const hostBits = BigInt(width - octal);
    const installed = `${formatAddress(family, (first >> hostBits) << hostBits)}/${octal}`;
    cidrs.push(installed);
    rewritten.push({ written: text, installed });
  }
  return { ok: true, cidrs, rewritten };
}

/** Go's time.ParseDuration grammar: "0", or signed sequences of decimal numbers with units. */
function isGoDuration(text: string): boolean {
  return /^[-+]?(0|((\d+\.?\d*|\.\d+)(ns|us|µs|μs|ms|s|m|h))+)$/.test(text);
}

const UNIT_NANOS: Record<string, number> = { ns: 1, us: 1e3, µs: 1e3, μs: 1e3, ms: 1e6, s: 1e9, m: 60e9, h: 3600e9 };

/**
 * A duration time.ParseDuration accepts, in nanoseconds (a fraction below 1ns of a component is
 * dropped, as Go's integer arithmetic drops it); undefined if Go refuses it.
 */
export function goDurationNanos(text: string): number | undefined {
  if (!isGoDuration(text)) return undefined;
  const sign = text.startsWith('-') ? -1 : 1;
  let total = 0;
  for (const [, digits, unit] of text.matchAll(/(\d+\.?\d*|\.\d+)(ns|us|µs|μs|ms|s|m|h)/g)) {
    const [whole = '0', fraction = ''] = digits!.split('.');
    const scale = UNIT_NANOS[unit!]!;
    total += Number(whole || '0') * scale + Math.floor(Number(`0.${fraction || '0'}`) * scale);
  }
  return sign * total;
}

function typeError(key: string, value: unknown, goType: string): string {
  return `cannot unmarshal ${jsonType(value)} into Go struct field MasqConfig.${key} of type ${goType}`;
}
