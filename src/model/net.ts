/** Address families and inclusive address ranges (bigint bounds); config/ip.ts parses them. */
export type Family = 4 | 6;

export interface IpRange {
  family: Family;
  first: bigint;
  last: bigint;
}
