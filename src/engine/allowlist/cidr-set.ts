/**
 * Addresses and CIDRs of an allowlist as ranges, and their exact aggregation (net/aggregate.ts).
 */
import type { IpRange } from '../../model/net.ts';
import { parseCidr, singleAddress } from '../../net/ip.ts';

export { aggregate } from '../../net/aggregate.ts';

/** An address ("10.0.0.5") or CIDR ("10.4.1.0/24") as a range. */
export function addressRange(text: string): IpRange | undefined {
  return text.includes('/') ? parseCidr(text)?.cidr : singleAddress(text);
}
