/**
 * Calico's selector language, case by case from its own suites (projectcalico/calico
 * libcalico-go/lib/selector/parser/parser_test.go selectorTests and badSelectors,
 * tokenizer/tokenizer_test.go tokenTests), and the three-valued answer where a label was not read.
 */
import { describe, expect, it } from 'vitest';
import { parseCalicoSelectorText } from '../../../src/config/calico-selector.ts';
import { evaluate, UNREAD, type LabelLookup } from '../../../src/engine/policy/calico-selector.ts';

type Labels = Record<string, string>;

function lookup(labels: Labels, unread: readonly string[] = []): LabelLookup {
  return (key) => (unread.includes(key) ? UNREAD : Object.hasOwn(labels, key) ? labels[key] : undefined);
}

function selects(selector: string, labels: Labels): boolean {
  const parsed = parseCalicoSelectorText(selector);
  if ('error' in parsed) throw new Error(`${selector}: ${parsed.error}`);
  const { truth } = evaluate(parsed.selector, lookup(labels));
  if (truth === 'unknown') throw new Error('every label was read');
  return truth === 'yes';
}

/** parser_test.go selectorTests: a selector, the label maps it matches, the ones it does not. */
const UPSTREAM: [string, Labels[], Labels[]][] = [
  [`a == "b"`, [{ a: 'b' }, { a: 'b', c: 'd' }], [{}, { a: 'c' }, { c: 'd' }]],
  [`a == "b" && c == "d"`, [{ a: 'b', c: 'd' }], [{}, { a: 'b', c: 'e' }, { a: 'c', c: 'd' }, { c: 'd' }, { a: 'b' }]],
  [
    `a == "b" || c == "d"`,
    [{ a: 'b', c: 'd' }, { a: 'b' }, { c: 'd' }],
    [{}, { a: 'e', c: 'e' }, { c: 'e' }, { a: 'e' }],
  ],
  [`a in {"'", '"', "c"}`, [{ a: 'c' }, { a: '"' }, { a: "'" }], [{}, { a: 'e' }]],
  [`a not in {"'", '"', "c"}`, [{}, { a: 'e' }], [{ a: 'c' }, { a: '"' }, { a: "'" }]],
  [`a == 'a'`, [{ a: 'a' }], [{ a: 'b' }, {}]],
  [`a != "b"`, [{ a: 'a' }], []],
  [`a != "a"`, [{}], [{ a: 'a' }]],
  [`a contains "a"`, [{ a: 'a' }, { a: 'bab' }, { a: 'aaa', b: 'c' }], [{}, { a: 'b' }, { b: 'aaa' }]],
  [`a starts with "a"`, [{ a: 'a' }, { a: 'abb' }, { a: 'aaa', b: 'c' }], [{}, { a: 'b' }, { a: 'baa' }, { b: 'aaa' }]],
  [`a ends with "a"`, [{ a: 'a' }, { a: 'bba' }, { a: 'aaa', b: 'c' }], [{}, { a: 'b' }, { a: 'aab' }, { b: 'aaa' }]],
  [`a in {"a"}`, [{ a: 'a' }], [{ a: 'b' }]],
  [`!a in {"a"}`, [{ a: 'b' }], []],
  [`a in {"a", "b"}`, [{ a: 'a' }, { a: 'b' }], [{ a: 'c' }]],
  [`a not in {"d", "e"}`, [{ a: 'a' }], []],
  [`a not in {"a"}`, [], [{ a: 'a' }]],
  [`has(a)`, [{ a: 'b' }], []],
  [`!has(a)`, [{ b: 'b' }], [{ a: 'b' }]],
  [`has(b)`, [], [{ a: 'b' }]],
  [`!!has(b)`, [], [{ a: 'b' }]],
  [`! has(a)`, [], [{ a: 'b' }]],
  [`!!! has(a)`, [], [{ a: 'b' }]],
  [`!! ! has(a)`, [], [{ a: 'b' }]],
  [`! !!has(a)`, [], [{ a: 'b' }]],
  [``, [{}, { a: 'b' }], []],
  [` `, [{}], []],
  [`all()`, [{}], []],
  [` all()`, [{}, { a: 'b' }], []],
  [`global()`, [{}], []],
  [` global()`, [{}, { a: 'b' }], []],
  [`a == 'a1' && b == 'b1'`, [{ a: 'a1', b: 'b1' }], []],
  [`a == 'a1' && b != 'b1'`, [], [{ a: 'a1', b: 'b1' }]],
  [`a != 'a1' && !b == 'b1'`, [], [{ a: 'a1', b: 'b1' }]],
  [`!a == 'a1' && b == 'b1'`, [], [{ a: 'a1', b: 'b1' }]],
  [`has(a) && !has(b)`, [{ a: 'a' }], []],
  [`!(!has(a) || has(b))`, [{ a: 'a' }], []],
  [`!(has(b) || !has(a))`, [{ a: 'a' }], []],
  [`a == 'a1' || b != 'b1'`, [{ a: 'a1', b: 'b1' }], []],
  [`a != 'a1' || b == 'b1'`, [{ a: 'a1', b: 'b1' }], []],
  [`a != 'a1' || b != 'b1'`, [], [{ a: 'a1', b: 'b1' }]],
  [`! a == 'a1' || ! b == 'b1'`, [], [{ a: 'a1', b: 'b1' }]],
];

describe('Calico selectors select what felix selects (parser_test.go)', () => {
  it.each(UPSTREAM)('%s', (selector, matches, nonMatches) => {
    for (const labels of matches) expect([labels, selects(selector, labels)]).toEqual([labels, true]);
    for (const labels of nonMatches) expect([labels, selects(selector, labels)]).toEqual([labels, false]);
  });
});

describe('what the tokenizer and parser accept', () => {
  it.each([
    // tokenizer_test.go tokenTests
    [`a=="b"`, { a: 'b' }],
    [`(a=="b")`, { a: 'b' }],
    [`a!="b"`, { a: 'c' }],
    [`contains contains 'contains'`, { contains: 'xcontainsx' }],
    [`label contains"value"`, { label: 'a value' }],
    [`label startswith "value"`, { label: 'value1' }],
    [`startswith starts with "value"`, { startswith: 'value1' }],
    [`label starts  with "value"`, { label: 'value1' }],
    [`endswith ends with "value"`, { endswith: 'the value' }],
    [`label endswith "value"`, { label: 'the value' }],
    [`${'a'.repeat(512)} == "value"`, { ['a'.repeat(512)]: 'value' }],
    // parser_test.go canonicalisationTests
    [` (all() )`, {}],
    [`! (has( b)||! has(a ))`, { a: '1' }],
    [`a!='"'`, { a: 'x' }],
    // parser.go: "not in" may be one word, a set may be empty or end in a comma
    [`a notin {'x'}`, { a: 'y' }],
    [`a in {'x',}`, { a: 'x' }],
    [`!a in {}`, { a: 'x' }],
    // keywords are labels where a label is expected
    [`in == 'x' && all == 'y'`, { in: 'x', all: 'y' }],
    ['a ==\t"b"', { a: 'b' }],
  ])('%s', (selector, labels) => {
    expect(selects(selector, labels)).toBe(true);
  });
});

describe('what they refuse (the policy is then invalid)', () => {
  it.each([
    // parser_test.go badSelectors
    'b == b',
    'b contains b',
    'b starts with b',
    'b ends with b',
    "'b1' == b",
    'b',
    'a b',
    '!',
    'foo == "bar" &',
    'foo == "bar" |',
    'foo != ||',
    'foo in {"", ||',
    'foo in ""',
    '"FOO',
    `"FOO'`,
    "'FOO",
    '(',
    '(a == "foo"',
    ')',
    '()',
    '%',
    'a == "b" && %',
    'a == "b" || %',
    'a ',
    'has(foo) &&',
    // tokenizer_test.go: rejected inputs
    `${'a'.repeat(513)} == "value"`,
    'label == "value',
    "label == 'value",
    'label = "value"',
    'all(',
    'global(',
    'has()',
    'has(foo',
    'has( foo ',
    'a == "b" & has(foo)',
    'a == "b" | has(foo)',
    'label starts foo "value"',
    'label inf "value"',
    'label ends foo "value"',
    'label ends withs "value"',
    'label squiggles "value"',
    // only spaces and tabs separate tokens; has( and all( are one token; values are strings
    'a == "b" &&\nc == "d"',
    'has (a)',
    'all ()',
    'a in {b}',
    "a in {'x' 'y'}",
    'a == "b")',
    'a not in "bar"',
  ])('%s', (selector) => {
    expect(parseCalicoSelectorText(selector)).toHaveProperty('error');
  });
});

describe('a label that was not read', () => {
  const parse = (text: string) => {
    const parsed = parseCalicoSelectorText(text);
    if ('error' in parsed) throw new Error(parsed.error);
    return parsed.selector;
  };
  it.each([
    ['decides nothing on its own', `x == 'a'`, {}, 'unknown'],
    ['nor negated', `!has(x)`, {}, 'unknown'],
    ['does not matter when a known label settles an and', `x == 'a' && y == 'b'`, { y: 'c' }, 'no'],
    ['nor when one settles an or', `x == 'a' || y == 'b'`, { y: 'b' }, 'yes'],
    ['matters when the rest holds', `x == 'a' && y == 'b'`, { y: 'b' }, 'unknown'],
  ])('%s', (_, text, labels, truth) => {
    expect(evaluate(parse(text), lookup(labels, ['x'])).truth).toBe(truth);
  });

  it('is named when it leaves the answer unknown', () => {
    expect(evaluate(parse(`x == 'a' && y == 'b'`), lookup({ y: 'b' }, ['x']))).toEqual({
      truth: 'unknown',
      unread: ['x'],
    });
  });
});
