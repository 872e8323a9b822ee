/**
 * Address fields the API server stores without checking (Node status.addresses, spec.podCIDRs as
 * a client wrote them, Pod status.podIPs): each value parsed the way Go does, the invalid ones kept
 * apart so that no answer is built from them and the engine can tell when one could have mattered.
 */
import type { Family } from '../model/net.ts';
import type { Finding } from '../model/reasons.ts';
import type { InvalidAddress } from '../model/snapshot.ts';
import type { ObjectRef } from '../model/objects.ts';
import { parseCidr, parseIp } from '../net/ip.ts';

/** A value as written, and where: `field` is called only for an invalid one (every pod IP passes here). */
export interface WrittenAddress {
  field: () => string;
  value: string;
}

/** The valid values in order, and the invalid ones with the families whose first value they precede. */
export function sortAddresses(
  kind: string,
  written: readonly WrittenAddress[],
  parse: (text: string) => Family | undefined,
): { valid: string[]; invalid: readonly InvalidAddress[] } {
  const valid: string[] = [];
  let invalid: InvalidAddress[] | undefined;
  let seen4 = false;
  let seen6 = false;
  for (const { field, value } of written) {
    const family = parse(value);
    if (family === 4) seen4 = true;
    if (family === 6) seen6 = true;
    if (family) valid.push(value);
    else
      (invalid ??= []).push({
        kind,
        field: field(),
        value,
        hides: [...(seen4 ? [] : [4 as const]), ...(seen6 ? [] : [6 as const])],
      });
  }
  return { valid, invalid: invalid ?? NO_INVALID };
}

const NO_INVALID: readonly InvalidAddress[] = Object.freeze([]);

export const ipFamily = (text: string): Family | undefined => parseIp(text)?.family;
export const cidrFamily = (text: string): Family | undefined => parseCidr(text)?.cidr.family;

/** One snapshot warning per invalid value; lint turns them into findings on the object. */
export function invalidAddressWarnings(source: ObjectRef, invalid: readonly InvalidAddress[] | undefined): Finding[] {
  const object = `${source.kind} ${source.namespace ? `${source.namespace}/` : ''}${source.name}`;
  return (invalid ?? []).map((a) => ({
    code: 'ADDRESS_INVALID',
    data: { object, kind: a.kind, field: a.field, value: a.value },
    source,
  }));
}

/** A value as the user wrote it, for messages; a missing address is the empty string, itself invalid. */
export function written(value: unknown): string {
  if (value == null) return '';
  return typeof value === 'string' ? value : JSON.stringify(value);
}
