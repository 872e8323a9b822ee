/**
 * The order of names in every answer (src/config/text-order.ts): English collation, by code unit
 * where that is the same order, whatever the user's locale.
 */
import { describe, expect, it } from 'vitest';
import { compareText } from '../../src/config/text-order.ts';

const english = new Intl.Collator('en').compare;
const sign = (n: number) => Math.sign(n);

/** Deterministic pseudo-random strings over an alphabet (a linear congruential generator). */
function strings(alphabet: string, count: number, seed = 7): string[] {
  let state = seed;
  const next = () => (state = (state * 1103515245 + 12345) % 2 ** 31);
  return Array.from({ length: count }, () => {
    let text = '';
    for (let n = next() % 7; n > 0; n--) text += alphabet[next() % alphabet.length];
    return text;
  });
}

describe('the order of names', () => {
  it.each([
    ['Kubernetes names (a-z, 0-9, - and .)', 'abcdefghijklmnopqrstuvwxyz0123456789-.'],
    ['names with capitals, underscores, slashes and colons', 'aAbBzZ09-._/: '],
    ['names beyond ASCII', 'aåæøzé-1'],
  ])('is English collation for %s', (_what, alphabet) => {
    const texts = strings(alphabet, 400);
    const differing = texts.flatMap((a) =>
      texts.filter((b) => sign(compareText(a, b)) !== sign(english(a, b))).map((b) => [a, b]),
    );
    expect(differing).toEqual([]);
  });

  it.each([
    [['aa-1', 'ab-1', 'z-1'], 'Danish would put "aa" after "z"'],
    [
      ['node-j1', 'node-s1', 'node-t1', 'node-y1', 'node-z1'],
      'Estonian would put "z" after "s", Lithuanian "y" before "j"',
    ],
    [['api', 'web', 'Web'], 'a capital after its lower case letter, as collation does'],
  ])('sorts %j so (%s)', (sorted) => {
    expect([...sorted].reverse().sort(compareText)).toEqual(sorted);
  });
});
