/**
 * The order of names in every answer: English collation, what String.prototype.localeCompare gives
 * under an English locale, whatever the user's. localeCompare follows the process's locale (LANG),
 * which reordered the output from one user to the next: Danish sorts "aa" after "z", Estonian "z"
 * after "s", Lithuanian "y" before "j". Names made of a-z, 0-9, '-' and '.' (every Kubernetes
 * object and node name) are in the same order by code unit, which test/unit/text-order.test.ts
 * checks against the collator, so they are compared without ICU: its collator takes about 10 ms
 * to make, and 2,000 node names sort several times faster.
 */
const PLAIN = /^[a-z0-9.-]*$/;

let english: ((a: string, b: string) => number) | undefined;

export function compareText(a: string, b: string): number {
  if (PLAIN.test(a) && PLAIN.test(b)) return a < b ? -1 : a > b ? 1 : 0;
  english ??= new Intl.Collator('en').compare;
  return english(a, b);
}
