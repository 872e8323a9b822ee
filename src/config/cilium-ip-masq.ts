/**
 * Cilium's own (eBPF) ip-masq-agent, which reads the same file as the upstream agent but with
 * different rules (reference/cilium-egress.md §2; cilium/cilium pkg/ipmasq/ipmasq.go and its tests):
 * the 11 default CIDRs only when the file is missing or zero bytes, none for a file that has
 * content but no CIDRs; host bits are zeroed instead of rejected; link-local added unless
 * masqLinkLocal(IPv6); cidrLimit and resyncInterval are not keys; an invalid file leaves the map as it was.
 */
import type { AgentConfig, AgentConfigIssue, MasqRules } from '../model/datapath.ts';
import type { ObjectRef } from '../model/objects.ts';
import type { ReasonCode } from '../model/reasons.ts';
import { decodeAgentConfigFile, jsonType } from './go-yaml.ts';
import { RESERVED_RANGE_CIDRS, RFC1918_CIDRS } from './ip-masq-agent-file.ts';
import { formatAddress, parseCidr } from '../net/ip.ts';

/** `defaultNonMasqCIDRs` in pkg/ipmasq: no IPv6 defaults. */
const CILIUM_DEFAULTS = [...RFC1918_CIDRS, ...RESERVED_RANGE_CIDRS];

export function ciliumIpMasqConfig(text: string | undefined, source: ObjectRef, because: ReasonCode): AgentConfig {
  if (text === undefined || text.length === 0) {
    return { status: 'valid', origin: 'defaults', because, rules: rules(CILIUM_DEFAULTS), source };
  }
  const decoded = decodeAgentConfigFile(text);
  if (!decoded.ok) return { status: 'invalid', because: 'AGENT_CONFIG_INVALID', detail: decoded.detail, source };
  const value = decoded.value;
  if (value !== null && (typeof value !== 'object' || Array.isArray(value))) {
    return {
      status: 'invalid',
      because: 'AGENT_CONFIG_INVALID',
      detail: `cannot unmarshal ${jsonType(value)} into Go value of type ipmasq.config`,
      source,
    };
  }
  const parsed = rules([]);
  const ignoredKeys: string[] = [];
  for (const [key, field] of Object.entries(value ?? {})) {
    const problem = apply(parsed, key, field, ignoredKeys);
    if (typeof problem === 'string')
      return { status: 'invalid', because: 'AGENT_CONFIG_INVALID', detail: problem, source };
    if (problem) return { status: 'invalid', because: 'AGENT_CONFIG_INVALID', ...problem, source };
  }
  return { status: 'valid', origin: 'file', rules: parsed, ignoredKeys, source };
}

function apply(
  r: MasqRules,
  key: string,
  value: unknown,
  ignoredKeys: string[],
): string | { detail: string; issue: AgentConfigIssue } | undefined {
  switch (key.toLowerCase()) {
    case 'nonmasqueradecidrs': {
      if (value === null) return void (r.nonMasqueradeCIDRs = []);
      if (!Array.isArray(value) || !value.every((v) => typeof v === 'string'))
        return `cannot unmarshal ${jsonType(value)} into the nonMasqueradeCIDRs list`;
      const canonical: string[] = [];
      for (const text of value as string[]) {
        // `parseCIDR`: netip.ParsePrefix, which (unlike net.ParseCIDR) refuses a prefix length with a
        // leading zero ("bad bits after slash"), then Masked().
        const parsed = parseCidr(text);
        const bits = text.slice(text.indexOf('/') + 1);
        if (parsed && bits.length > 1 && bits.startsWith('0')) {
          const detail = `Invalid CIDR ${JSON.stringify(text)}: netip.ParsePrefix(${JSON.stringify(text)}): bad bits after slash: ${JSON.stringify(bits)}`;
          return {
            detail,
            issue: {
              kind: 'octal-prefix-rejected',
              cidr: text,
              decimal: `${text.slice(0, text.indexOf('/'))}/${Number(bits)}`,
            },
          };
        }
        if (!parsed)
          return { detail: `invalid CIDR ${JSON.stringify(text)}`, issue: { kind: 'unparsable-cidr', cidr: text } };
        canonical.push(`${formatAddress(parsed.cidr.family, parsed.cidr.first)}/${parsed.cidr.prefix}`);
      }
      return void (r.nonMasqueradeCIDRs = canonical);
    }
    case 'masqlinklocal':
    case 'masqlinklocalipv6':
      if (value === null) return undefined;
      if (typeof value !== 'boolean')
        return `cannot unmarshal ${jsonType(value)} into Go struct field config.${key} of type bool`;
      if (key.toLowerCase() === 'masqlinklocal') r.masqLinkLocal = value;
      else r.masqLinkLocalIPv6 = value;
      return undefined;
    default:
      ignoredKeys.push(key);
      return undefined;
  }
}

function rules(cidrs: string[]): MasqRules {
  return { nonMasqueradeCIDRs: [...cidrs], masqLinkLocal: false, masqLinkLocalIPv6: false };
}
