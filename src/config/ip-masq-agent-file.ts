/**
 * The ip-masq-agent config file (/etc/config/ip-masq-agent), parsed exactly as the upstream agent
 * parses it: kubernetes-sigs/ip-masq-agent cmd/ip-masq-agent/ip-masq-agent.go, `syncConfig`,
 * `NewMasqConfig`, `validate`, `validateCIDR` (reference/snat-mechanisms.md §1).
 */
import type { AgentConfigIssue, MasqRules } from '../model/datapath.ts';
import { decodeGoYaml, jsonType } from './go-yaml.ts';
import { formatAddress, parseCidr } from '../net/ip.ts';

export interface AgentFlags {
  nomasqAllReservedRanges: boolean;
  enableIPv6: boolean;
}

export type ParsedAgentFile =
  | { ok: true; empty: boolean; rules: MasqRules; ignoredKeys: string[] }
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
  const decoded = decodeGoYaml(text);
  const rules = structuredClone(dialect?.base ?? agentDefaults(flags.nomasqAllReservedRanges));
  const v1Keys = dialect?.v1Keys ?? true;
  if (!decoded.ok) return decoded;
  const { value } = decoded;
  // encoding/json: unmarshaling null into a struct pointer is a no-op, so an empty file means defaults.
  if (value === null) return { ok: true, empty: true, rules, ignoredKeys: [] };
  if (typeof value !== 'object' || Array.isArray(value)) {
    return { ok: false, detail: `cannot unmarshal ${jsonType(value)} into Go value of type main.MasqConfig` };
  }
  const ignoredKeys: string[] = [];
  for (const [key, field] of Object.entries(value)) {
    if (!v1Keys && /^(cidrlimit|resyncinterval)$/i.test(key)) {
      ignoredKeys.push(key);
      continue;
    }
    const problem = applyField(rules, key, field, ignoredKeys);
    if (problem) return { ok: false, detail: problem };
  }
  const invalid = validate(rules, flags.enableIPv6);
  return invalid ? { ok: false, ...invalid } : { ok: true, empty: false, rules, ignoredKeys };
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
      // The agent's Duration.UnmarshalJSON accepts only a string for time.ParseDuration; encoding/json
      // calls it for null too, so `resyncInterval:` with no value is an error as well.
      if (typeof value !== 'string') return `expected string value for unmarshal to field of type Duration, got ${JSON.stringify(value)}`;
      return isGoDuration(value) ? undefined : `time: invalid duration ${JSON.stringify(value)}`;
    default:
      ignoredKeys.push(key);
      return undefined;
  }
}

/**
 * `validate` and `validateCIDR`, in the agent's order: count, then per CIDR parse, align, family.
 * The detail is the agent's own error text; the issue is the same, as data for lint's fix.
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
    if (!parsed) return { detail: `CIDR ${JSON.stringify(text)} could not be parsed`, issue: { kind: 'unparsable-cidr', cidr: text } };
    const { family, first, prefix } = parsed.cidr;
    if (!parsed.aligned) {
      return { detail: `CIDR ${JSON.stringify(text)} is not aligned to a CIDR block`, issue: { kind: 'misaligned-cidr', cidr: text, aligned: `${formatAddress(family, first)}/${prefix}` } };
    }
    if (!enableIPv6 && family === 6) {
      return { detail: `ipv6 is not enabled, but ipv6 cidr ${text} provided. Enable ipv6 using --enable-ipv6 agent flag`, issue: { kind: 'ipv6-disabled', cidr: text } };
    }
  }
  return undefined;
}

/** Go's time.ParseDuration grammar: "0", or signed sequences of decimal numbers with units. */
function isGoDuration(text: string): boolean {
  return /^[-+]?(0|((\d+\.?\d*|\.\d+)(ns|us|µs|μs|ms|s|m|h))+)$/.test(text);
}

function typeError(key: string, value: unknown, goType: string): string {
  return `cannot unmarshal ${jsonType(value)} into Go struct field MasqConfig.${key} of type ${goType}`;
}

