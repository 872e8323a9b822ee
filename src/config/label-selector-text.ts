/**
 * Label selectors as kubectl's `-l` takes them (k8s.io/apimachinery pkg/labels `Parse`):
 * `k=v`, `k==v`, `k!=v`, `k in (a,b)`, `k notin (a,b)`, `k`, `!k`, joined by commas; and back to
 * that text for messages. User input, so here and not in the engine, which only matches
 * (engine/label-selector.ts).
 */
import type { LabelSelector, Requirement } from '../model/selector.ts';

const KEY = String.raw`([A-Za-z0-9][-A-Za-z0-9_./]*)`;
const VALUE = String.raw`([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)?`;
const EQUALITY = new RegExp(String.raw`^${KEY}\s*(==|=|!=)\s*(${VALUE})$`);
const SET = new RegExp(String.raw`^${KEY}\s+(in|notin)\s+\(([^()]*)\)$`);
const EXISTS = new RegExp(String.raw`^(!?)\s*${KEY}$`);

export function parseLabelSelector(text: string): { selector: LabelSelector } | { error: string } {
  const selector: LabelSelector = [];
  if (text.trim() === '') return { selector };
  for (const part of splitTopLevel(text)) {
    const requirement = parseRequirement(part.trim());
    if (!requirement) return { error: `invalid label selector "${text}": cannot parse "${part.trim()}"` };
    selector.push(requirement);
  }
  return { selector };
}

/** The selector in the syntax parseLabelSelector reads (kubectl's), for messages. */
export function formatLabelSelector(selector: LabelSelector): string {
  return selector
    .map((r) => {
      switch (r.op) {
        case 'exists':
          return r.key;
        case 'doesnotexist':
          return `!${r.key}`;
        default:
          if (r.values.length === 1) return `${r.key}${r.op === 'in' ? '=' : '!='}${r.values[0]}`;
          return `${r.key} ${r.op} (${r.values.join(',')})`;
      }
    })
    .join(',');
}

function parseRequirement(part: string): Requirement | undefined {
  const equality = EQUALITY.exec(part);
  if (equality) return { key: equality[1]!, op: equality[2] === '!=' ? 'notin' : 'in', values: [equality[3] ?? ''] };
  const set = SET.exec(part);
  if (set) {
    const values = set[3]!.split(',').map((v) => v.trim());
    if (values.some((v) => !new RegExp(`^${VALUE}$`).test(v))) return undefined;
    return { key: set[1]!, op: set[2] as 'in' | 'notin', values };
  }
  const exists = EXISTS.exec(part);
  if (exists) return { key: exists[2]!, op: exists[1] ? 'doesnotexist' : 'exists' };
  return undefined;
}

/** Splits on commas outside parentheses, so `k in (a,b),x=y` gives two requirements. */
function splitTopLevel(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let current = '';
  for (const ch of text) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      parts.push(current);
      current = '';
    } else current += ch;
  }
  parts.push(current);
  return parts;
}
