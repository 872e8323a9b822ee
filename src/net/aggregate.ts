/**
 * Exact aggregation: the fewest CIDR blocks that cover exactly the given ranges — overlapping and
 * adjacent ranges merge, nothing outside them is added (10.0.0.4/32 + 10.0.0.5/32 → 10.0.0.4/31,
 * but 10.0.0.5/32 + 10.0.0.6/32 stay two blocks). In net/ so that every layer can state a set of
 * blocks briefly (allowlist's answer, a cluster's node subnets).
 */
import type { Family, IpRange } from '../model/net.ts';
import { formatAddress, RangeSet } from './ip.ts';

const BITS: Record<Family, number> = { 4: 32, 6: 128 };

export function aggregate(ranges: readonly IpRange[]): string[] {
  const set = new RangeSet(ranges);
  return ([4, 6] as const).flatMap((family) =>
    set.merged(family).flatMap(([first, last]) => toCidrs(family, first, last)),
  );
}

/** The largest aligned block starting at `first` that stays within `last`, repeatedly. */
function toCidrs(family: Family, first: bigint, last: bigint): string[] {
  const cidrs: string[] = [];
  let start = first;
  while (start <= last) {
    let size = 0;
    while (
      size < BITS[family] &&
      start % (1n << BigInt(size + 1)) === 0n &&
      start + (1n << BigInt(size + 1)) - 1n <= last
    )
      size++;
    cidrs.push(`${formatAddress(family, start)}/${BITS[family] - size}`);
    start += 1n << BigInt(size);
  }
  return cidrs;
}
