/**
 * Calico selectors evaluated on a workload endpoint's labels (libcalico-go/lib/selector/parser
 * ast.go Evaluate): `==`, `contains`, `starts with`, `ends with`, `in` need the label; `!=` and
 * `not in` hold without it; `all()` and `global()` hold always. A label whose value was not read
 * (a namespace not read, a ServiceAccount's labels) is unknown, and the answer is three-valued
 * (Kleene): yes or no only where every value the unknown labels could take gives the same.
 */
import type { CalicoSelector } from '../../model/calico-policy.ts';

/** A label's value, `undefined` when the endpoint has no such label, `UNREAD` when it is not known. */
export const UNREAD = Symbol('unread');
export type LabelLookup = (key: string) => string | undefined | typeof UNREAD;

export type Truth = 'yes' | 'no' | 'unknown';

/** Whether the selector selects the endpoint; for `unknown`, the unread labels it asked for. */
export function evaluate(selector: CalicoSelector, labels: LabelLookup): { truth: Truth; unread: string[] } {
  const unread = new Set<string>();
  const look = (key: string) => {
    const value = labels(key);
    if (value === UNREAD) unread.add(key);
    return value;
  };
  const truth = walk(selector, look);
  return { truth, unread: truth === 'unknown' ? [...unread] : [] };
}

function walk(s: CalicoSelector, look: LabelLookup): Truth {
  switch (s.op) {
    case 'all':
    case 'global':
      return 'yes';
    case 'not':
      return negate(walk(s.operand, look));
    case 'and':
      return combine(
        s.operands.map((o) => walk(o, look)),
        'no',
      );
    case 'or':
      return combine(
        s.operands.map((o) => walk(o, look)),
        'yes',
      );
    default:
      return leaf(s, look(s.key));
  }
}

function leaf(
  s: Exclude<CalicoSelector, { op: 'all' | 'global' | 'not' | 'and' | 'or' }>,
  value: string | undefined | typeof UNREAD,
): Truth {
  if (value === UNREAD) return 'unknown';
  if (s.op === 'has') return truth(value !== undefined);
  if (s.op === '!=') return truth(value !== s.value);
  if (s.op === 'not in') return truth(value === undefined || !s.values.includes(value));
  if (value === undefined) return 'no';
  if (s.op === '==') return truth(value === s.value);
  if (s.op === 'in') return truth(s.values.includes(value));
  if (s.op === 'contains') return truth(value.includes(s.value));
  if (s.op === 'starts with') return truth(value.startsWith(s.value));
  return truth(s.op === 'ends with' && value.endsWith(s.value));
}

/** `decisive` settles it (no for and, yes for or); else unknown if any operand is, else the other value. */
function combine(values: readonly Truth[], decisive: Truth): Truth {
  if (values.includes(decisive)) return decisive;
  if (values.includes('unknown')) return 'unknown';
  return decisive === 'yes' ? 'no' : 'yes';
}

function negate(t: Truth): Truth {
  return t === 'yes' ? 'no' : t === 'no' ? 'yes' : 'unknown';
}

function truth(b: boolean): Truth {
  return b ? 'yes' : 'no';
}
