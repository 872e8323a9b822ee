/**
 * Calico's selector syntax (calico-enterprise docs, reference/resources selectors) in the subset
 * egress gateway annotations use: `k == 'v'`, `k != 'v'`, `has(k)`, `!has(k)`, `k in {'a','b'}`,
 * `k not in {…}`, `all()`, joined by `&&`. Anything else is reported as unsupported, never guessed.
 */
import type { LabelSelector, Requirement } from '../../model/selector.ts';

const STRING = String.raw`(?:'([^']*)'|"([^"]*)")`;
const KEY = String.raw`([A-Za-z0-9][-A-Za-z0-9_./]*)`;
const EQUALITY = new RegExp(String.raw`^${KEY}\s*(==|!=)\s*${STRING}$`);
const SET = new RegExp(String.raw`^${KEY}\s+(not\s+in|in)\s*\{(.*)\}$`);
const HAS = new RegExp(String.raw`^(!?)has\(\s*${KEY}\s*\)$`);

export function parseCalicoSelector(text: string): LabelSelector | undefined {
  const selector: LabelSelector = [];
  for (const part of text.split('&&').map((p) => p.trim())) {
    if (part === 'all()') continue;
    const requirement = parseTerm(part);
    if (!requirement) return undefined;
    selector.push(requirement);
  }
  return selector;
}

function parseTerm(term: string): Requirement | undefined {
  const eq = EQUALITY.exec(term);
  if (eq) return { key: eq[1]!, op: eq[2] === '==' ? 'in' : 'notin', values: [eq[3] ?? eq[4] ?? ''] };
  const set = SET.exec(term);
  if (set) {
    const values = [...set[3]!.matchAll(new RegExp(STRING, 'g'))].map((m) => m[1] ?? m[2] ?? '');
    return { key: set[1]!, op: set[2] === 'in' ? 'in' : 'notin', values };
  }
  const has = HAS.exec(term);
  if (has) return { key: has[2]!, op: has[1] ? 'doesnotexist' : 'exists' };
  return undefined;
}
