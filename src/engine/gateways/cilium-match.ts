/**
 * Which policy entry a packet hits. The BPF map is an LPM trie keyed by (pod IP, destination CIDR)
 * across all policies; excludedCIDRs are entries too, so the longest prefix wins whatever its
 * policy (reference/cilium-egress.md §3.4; bpf/lib/egress_gateway.h).
 */
import type { CiliumEgressPolicy } from '../../model/cilium.ts';
import type { IpRange } from '../../model/net.ts';
import { parseCidr, type Cidr } from '../../net/ip.ts';

export interface PolicyEntry {
  policy: CiliumEgressPolicy;
  cidr: Cidr;
  excluded: boolean;
}

export type EntryMatch =
  | { kind: 'none' }
  | { kind: 'split'; entries: PolicyEntry[] }
  | { kind: 'hit'; winners: PolicyEntry[]; losers: PolicyEntry[] };

/** Parsed where asked: the gateway step asks once per distinct input and destination, not per packet. */
export function entriesOf(policy: CiliumEgressPolicy, family: 4 | 6): PolicyEntry[] {
  const of = (texts: string[], excluded: boolean) =>
    texts.flatMap((text) => {
      const parsed = parseCidr(text);
      return parsed ? [{ policy, cidr: { ...parsed.cidr, text }, excluded }] : [];
    });
  return [...of(policy.destinationCIDRs, false), ...of(policy.excludedCIDRs, true)].filter(
    (e) => e.cidr.family === family,
  );
}

export function longestPrefixMatch(range: IpRange, entries: readonly PolicyEntry[]): EntryMatch {
  const containing = entries.filter((e) => e.cidr.first <= range.first && e.cidr.last >= range.last);
  const best = Math.max(-1, ...containing.map((e) => e.cidr.prefix));
  // A more specific entry inside a CIDR destination decides part of it differently.
  const inside = entries.filter(
    (e) => e.cidr.prefix > best && e.cidr.last >= range.first && e.cidr.first <= range.last,
  );
  if (inside.length > 0) return { kind: 'split', entries: inside };
  if (containing.length === 0) return { kind: 'none' };
  return {
    kind: 'hit',
    winners: containing.filter((e) => e.cidr.prefix === best),
    losers: containing.filter((e) => e.cidr.prefix < best),
  };
}
