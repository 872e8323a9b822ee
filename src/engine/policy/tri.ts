/**
 * Three-valued matching for policy rules: a peer, a port or a rule matches the packet, does not,
 * or cannot be decided from what was read — and then says why, so the verdict can.
 */
import type { Finding } from '../../model/reasons.ts';

export type Tri = { match: 'yes' } | { match: 'no' } | { match: 'unknown'; why: Finding };

export const YES: Tri = { match: 'yes' };
export const NO: Tri = { match: 'no' };

export function unknown(why: Finding): Tri {
  return { match: 'unknown', why };
}

/** Any of them: yes if one is, else unknown if one is (the first one's reason), else no; `empty` when there are none. */
export function anyOf(values: readonly Tri[], empty: Tri): Tri {
  if (values.length === 0) return empty;
  return values.find((v) => v.match === 'yes') ?? values.find((v) => v.match === 'unknown') ?? NO;
}

/** Both: no if either is, else unknown if either is, else yes. */
export function bothOf(a: Tri, b: Tri): Tri {
  if (a.match === 'no' || b.match === 'no') return NO;
  if (a.match === 'unknown') return a;
  return b;
}
