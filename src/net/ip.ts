/**
 * IP addresses and CIDR blocks as exact integer ranges.
 *
 * Every mechanism we model decides by "is this destination inside one of these blocks", so one
 * small exact representation (bigint bounds) serves all of them, IPv4 and IPv6 alike. Parsing is
 * strict the way Go's `net.ParseIP`/`net.ParseCIDR` are (no IPv4 leading zeros since Go 1.17,
 * no zones), because the agents we model validate their configuration with those functions.
 */
import ipaddr from 'ipaddr.js';
import type { Family, IpRange } from '../model/net.ts';

export type { Family, IpRange };

/** A parsed CIDR block; `text` is the block as written (normalised only for destinations). */
export interface Cidr extends IpRange {
  prefix: number;
  text: string;
}

const WIDTH: Record<Family, number> = { 4: 32, 6: 128 };
const IPV4_DOTTED = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;
/** net.ParseCIDR reads the prefix with `dtoi`: decimal digits, any number of leading zeros. */
const DECIMAL = /^\d+$/;

/** Parses an address the way Go's net.ParseIP does; undefined when Go would reject it. */
export function parseIp(text: string): { family: Family; value: bigint } | undefined {
  if (IPV4_DOTTED.test(text)) return { family: 4, value: BigInt(ipv4Number(text)) };
  if (!text.includes(':') || text.includes('%') || !ipaddr.IPv6.isValid(text)) return undefined;
  return { family: 6, value: bytesToBigint(ipaddr.IPv6.parse(text).toByteArray()) };
}

/** A dotted quad IPV4_DOTTED accepted, as a number: digit by digit, as every pod IP goes through here. */
function ipv4Number(text: string): number {
  let value = 0;
  let octet = 0;
  for (let i = 0; i < text.length; i++) {
    const digit = text.charCodeAt(i) - 48;
    if (digit === -2) {
      value = value * 256 + octet;
      octet = 0;
    } else octet = octet * 10 + digit;
  }
  return value * 256 + octet;
}

/**
 * Parsed CIDRs by text. Configurations repeat a handful of blocks that every packet is checked
 * against; the bound keeps a long-running process (the test suite) from growing without end.
 */
const parsedCidrs = new Map<string, { cidr: Cidr; aligned: boolean } | undefined>();
const PARSED_CIDRS_KEPT = 10_000;

/** Parses `addr/prefix`. `aligned` is false for blocks like 10.0.0.1/8 (host bits set). Callers must not mutate the result. */
export function parseCidr(text: string): { cidr: Cidr; aligned: boolean } | undefined {
  if (parsedCidrs.has(text)) return parsedCidrs.get(text);
  if (parsedCidrs.size >= PARSED_CIDRS_KEPT) parsedCidrs.clear();
  const parsed = parseCidrText(text);
  parsedCidrs.set(text, parsed);
  return parsed;
}

function parseCidrText(text: string): { cidr: Cidr; aligned: boolean } | undefined {
  const slash = text.indexOf('/');
  if (slash < 0) return undefined;
  const ip = parseIp(text.slice(0, slash));
  const prefixText = text.slice(slash + 1);
  if (!ip || !DECIMAL.test(prefixText)) return undefined;
  const prefix = Number(prefixText);
  if (prefix > WIDTH[ip.family]) return undefined;
  const hostBits = BigInt(WIDTH[ip.family] - prefix);
  const first = (ip.value >> hostBits) << hostBits;
  const last = first + (1n << hostBits) - 1n;
  return { cidr: { family: ip.family, first, last, prefix, text }, aligned: first === ip.value };
}

/** A CIDR that is known to be valid (built-in tables). Throws on a typo in our own constants. */
export function cidr(text: string): Cidr {
  const parsed = parseCidr(text);
  if (!parsed || !parsed.aligned) throw new Error(`internal: bad built-in CIDR ${text}`);
  return parsed.cidr;
}

/** The valid blocks among CIDR texts; config/ reports the invalid ones, the engine skips them. */
export function cidrBlocks(texts: readonly string[]): Cidr[] {
  return texts.flatMap((text) => parseCidr(text)?.cidr ?? []);
}

/** The valid addresses among texts, each as a one-address range. */
export function addressRanges(texts: readonly string[]): IpRange[] {
  return texts.flatMap((text) => singleAddress(text) ?? []);
}

export function singleAddress(text: string): IpRange | undefined {
  const ip = parseIp(text);
  return ip && { family: ip.family, first: ip.value, last: ip.value };
}

export function formatAddress(family: Family, value: bigint): string {
  const bytes: number[] = [];
  for (let i = WIDTH[family] / 8 - 1; i >= 0; i--) bytes.push(Number((value >> BigInt(i * 8)) & 0xffn));
  return ipaddr.fromByteArray(bytes).toString();
}

export function isSingleAddress(range: IpRange): boolean {
  return range.first === range.last;
}

/** How much of `range` the blocks cover: all of it, none of it, or some of it. */
export type Coverage = 'all' | 'none' | 'some';

const rangeSets = new WeakMap<readonly IpRange[], RangeSet>();

/** A list the caller keeps (a node's addresses, a configuration's blocks) is merged once, on first use. */
export function coverage(range: IpRange, blocks: readonly IpRange[] | RangeSet): Coverage {
  if (blocks instanceof RangeSet) return blocks.coverage(range);
  if (blocks.length === 1) return blockCoverage(range, blocks[0]!);
  let set = rangeSets.get(blocks);
  if (!set) {
    set = new RangeSet(blocks);
    rangeSets.set(blocks, set);
  }
  return set.coverage(range);
}

function blockCoverage(range: IpRange, block: IpRange): Coverage {
  if (!overlaps(range, block)) return 'none';
  return block.first <= range.first && block.last >= range.last ? 'all' : 'some';
}

/** Whether the two share an address. */
export function overlaps(a: IpRange, b: IpRange): boolean {
  return a.family === b.family && a.first <= b.last && b.first <= a.last;
}

/** The first block (in list order) that contains the whole range, if any. */
export function firstContaining<T extends IpRange>(range: IpRange, blocks: readonly T[]): T | undefined {
  return blocks.find((b) => b.family === range.family && b.first <= range.first && b.last >= range.last);
}

export function sameAddress(a: string, b: string): boolean {
  const x = parseIp(a);
  const y = parseIp(b);
  return !!x && !!y && x.family === y.family && x.value === y.value;
}

function bytesToBigint(bytes: number[]): bigint {
  return bytes.reduce((acc, byte) => (acc << 8n) | BigInt(byte), 0n);
}

/**
 * Blocks merged and sorted once, for the coverage questions asked for every pod and destination
 * (a cluster's 150,000 pod IPs): each answer is a binary search instead of a scan.
 */
export class RangeSet {
  private readonly intervals: Record<Family, [bigint, bigint][]> = { 4: [], 6: [] };

  constructor(blocks: readonly IpRange[]) {
    for (const family of [4, 6] as const) {
      const sorted = blocks
        .filter((b) => b.family === family)
        .sort((a, b) => (a.first < b.first ? -1 : a.first > b.first ? 1 : 0));
      const merged = this.intervals[family];
      for (const b of sorted) {
        const last = merged[merged.length - 1];
        // Adjacent blocks merge too, so one interval covers whatever the union covers.
        if (last && b.first <= last[1] + 1n) last[1] = b.last > last[1] ? b.last : last[1];
        else merged.push([b.first, b.last]);
      }
    }
  }

  /** Every merged block as a range, to build a larger set from without sorting these again. */
  blocks(): IpRange[] {
    return ([4, 6] as const).flatMap((family) =>
      this.intervals[family].map(([first, last]) => ({ family, first, last })),
    );
  }

  /** The merged blocks of one family, ascending: disjoint and not adjacent. */
  merged(family: Family): readonly (readonly [bigint, bigint])[] {
    return this.intervals[family];
  }

  coverage(range: IpRange): Coverage {
    const list = this.intervals[range.family];
    let lo = 0;
    let hi = list.length - 1;
    let at = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (list[mid]![0] <= range.first) {
        at = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    const containing = list[at];
    if (containing && containing[1] >= range.last) return 'all';
    if (containing && containing[1] >= range.first) return 'some';
    const next = list[at + 1];
    return next && next[0] <= range.last ? 'some' : 'none';
  }
}

/**
 * Addresses once each in numeric order: IPv4 before IPv6, each family by value (so 10.0.0.9 before
 * 10.0.0.10, unlike a text sort); text Go would not parse goes last, in text order.
 */
export function orderedAddressSet(addresses: readonly string[]): string[] {
  const byValue = new Map<string, { text: string; ip: { family: Family; value: bigint } | undefined }>();
  for (const text of addresses) {
    const ip = parseIp(text);
    const key = ip ? `${ip.family}/${ip.value}` : `?${text}`;
    if (!byValue.has(key)) byValue.set(key, { text, ip });
  }
  return [...byValue.values()].sort(addressOrder).map((entry) => entry.text);
}

function addressOrder(
  a: { text: string; ip?: { family: Family; value: bigint } },
  b: { text: string; ip?: { family: Family; value: bigint } },
): number {
  if (!a.ip || !b.ip) return a.ip ? -1 : b.ip ? 1 : a.text < b.text ? -1 : 1;
  if (a.ip.family !== b.ip.family) return a.ip.family - b.ip.family;
  return a.ip.value < b.ip.value ? -1 : a.ip.value > b.ip.value ? 1 : 0;
}

/** Every address of a CIDR block in order, or undefined when it does not parse or holds more than `limit`. */
export function addressesOfBlock(text: string, limit: number): string[] | undefined {
  const block = parseCidr(text)?.cidr;
  if (!block || block.last - block.first >= BigInt(limit)) return undefined;
  const addresses: string[] = [];
  for (let value = block.first; value <= block.last; value++) addresses.push(formatAddress(block.family, value));
  return addresses;
}
