/**
 * A decision's source address as the tables write it: the address; for a set (design §5
 * `sourceIPs`, the datapath picks one per connection) the addresses joined by `,` with no space —
 * so a set reads as one value beside the `, ` that joins distinct values in who's grouped rows —
 * and past `shown` of them the count of the rest, `(+N)`; `<identity>` where there is none.
 */
import type { Decision } from '../model/decision.ts';

/** How many addresses of a set a table cell lists before `(+N)`: an EgressIP rarely has more, an AKS prefix often does. */
export const SET_SHOWN_IN_TABLES = 3;

export function sourceText(
  d: Pick<Decision, 'sourceIP' | 'sourceIPs' | 'identity'>,
  shown = Number.POSITIVE_INFINITY,
): string {
  if (d.sourceIP !== null) return d.sourceIP;
  if (d.sourceIPs.length === 0) return `<${d.identity}>`;
  const listed = d.sourceIPs.slice(0, shown).join(',');
  return d.sourceIPs.length > shown ? `${listed} (+${d.sourceIPs.length - shown})` : listed;
}
