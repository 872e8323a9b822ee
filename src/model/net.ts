/** Address families and inclusive address ranges (bigint bounds); net/ip.ts parses them. */
export type Family = 4 | 6;

export interface IpRange {
  family: Family;
  first: bigint;
  last: bigint;
}
