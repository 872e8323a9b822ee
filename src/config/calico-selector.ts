/**
 * Calico's selector language, parsed exactly as felix and the API server's validator parse it
 * (projectcalico/calico libcalico-go/lib/selector/tokenizer/tokenizer.go and parser/parser.go):
 * `k == 'v'`, `!=`, `in {…}`, `not in {…}`, `contains`, `starts with`, `ends with`, `has(k)`,
 * `all()`, `global()`, `!`, `&&`, `||` and parentheses; an empty selector is `all()`. What they
 * refuse is refused here, with the reason.
 */
import type { CalicoSelector } from '../model/calico-policy.ts';

type Token =
  | { kind: 'label' | 'string' | 'has'; value: string }
  | {
      kind:
        | '('
        | ')'
        | '{'
        | '}'
        | ','
        | '=='
        | '!='
        | '!'
        | '&&'
        | '||'
        | 'in'
        | 'not in'
        | 'contains'
        | 'starts with'
        | 'ends with'
        | 'all'
        | 'global'
        | 'eof';
    };

export type ParsedSelector = { selector: CalicoSelector } | { error: string };

/** tokenizer.go MaxLabelLength. */
const MAX_LABEL_LENGTH = 512;
const IDENTIFIER = /^[A-Za-z0-9_./-]*/;
/** Operators after a label, in the order the tokenizer tries them; each ends at a word boundary (multi-word ones may be written as one word). */
// The blanks after a multi-word operator are taken whole before the boundary test (`(?=(…))\1` keeps the
// regex from giving some back), as tokenizer.go cutMultiWordPrefixCheckBreak trims them first.
const OPERATORS: readonly [RegExp, Token['kind']][] = [
  [/^contains(?![A-Za-z0-9_./-])/, 'contains'],
  [/^starts[ \t]*with(?=([ \t]*))\1(?![A-Za-z0-9_./-])/, 'starts with'],
  [/^ends[ \t]*with(?=([ \t]*))\1(?![A-Za-z0-9_./-])/, 'ends with'],
  [/^not[ \t]*in(?=([ \t]*))\1(?![A-Za-z0-9_./-])/, 'not in'],
  [/^in(?![A-Za-z0-9_./-])/, 'in'],
];
const SIMPLE: Readonly<Record<string, Token['kind']>> = { '(': '(', ')': ')', '{': '{', '}': '}', ',': ',' };
const FUNCTIONS: readonly [RegExp, 'all' | 'global'][] = [
  [/^all\([ \t]*\)/, 'all'],
  [/^global\([ \t]*\)/, 'global'],
];

export function parseCalicoSelectorText(text: string): ParsedSelector {
  const tokens = tokenize(text);
  if (typeof tokens === 'string') return { error: tokens };
  if (tokens[0]!.kind === 'eof') return { selector: { op: 'all' } };
  const parser = new Parser(tokens);
  const selector = parser.or();
  if (typeof selector === 'string') return { error: selector };
  return parser.peek().kind === 'eof' ? { selector } : { error: 'unexpected content at end of selector' };
}

/** Only spaces and tabs separate tokens (tokenizer.go trimWhitespace): any other character outside a string is an error. */
function tokenize(input: string): Token[] | string {
  const tokens: Token[] = [];
  let rest = input;
  for (;;) {
    rest = rest.replace(/^[ \t]+/, '');
    if (rest === '') return [...tokens, { kind: 'eof' }];
    const next = nextToken(rest, tokens[tokens.length - 1]?.kind);
    if (typeof next === 'string') return next;
    tokens.push(next.token);
    rest = rest.slice(next.length);
  }
}

function nextToken(input: string, last: Token['kind'] | undefined): { token: Token; length: number } | string {
  const c = input[0]!;
  const simple = SIMPLE[c];
  if (simple) return { token: { kind: simple } as Token, length: 1 };
  if (c === '"' || c === "'") {
    // No escapes: a string runs to the next quote of its kind.
    const end = input.indexOf(c, 1);
    return end < 0 ? 'unterminated string' : { token: { kind: 'string', value: input.slice(1, end) }, length: end + 1 };
  }
  for (const [text, kind] of [
    ['==', '=='],
    ['!=', '!='],
    ['&&', '&&'],
    ['||', '||'],
  ] as const) {
    if (input.startsWith(text)) return { token: { kind }, length: 2 };
  }
  if (c === '!') return { token: { kind: '!' }, length: 1 };
  if (c === '=' || c === '&' || c === '|') return `expected ${c}${c}`;
  if (last === 'label') {
    const operator = OPERATORS.find(([re]) => re.test(input));
    return operator
      ? { token: { kind: operator[1] } as Token, length: operator[0].exec(input)![0].length }
      : 'expected operator after label';
  }
  return word(input);
}

/** has(k), all(), global(), or a label. */
function word(input: string): { token: Token; length: number } | string {
  if (input.startsWith('has(')) {
    const inner = /^has\([ \t]*([A-Za-z0-9_./-]*)[ \t]*/.exec(input)!;
    const key = identifier(inner[1]!);
    if (key) return key;
    if (input[inner[0].length] !== ')') return "no closing ')' after has(";
    return { token: { kind: 'has', value: inner[1]! }, length: inner[0].length + 1 };
  }
  for (const [re, kind] of FUNCTIONS) {
    if (input.startsWith(`${kind}(`)) {
      const found = re.exec(input);
      return found ? { token: { kind }, length: found[0].length } : `no closing ')' after ${kind}(`;
    }
  }
  const label = IDENTIFIER.exec(input)![0];
  return identifier(label) ?? { token: { kind: 'label', value: label }, length: label.length };
}

/** What is wrong with an identifier, if anything (tokenizer.go cutIdentifier). */
function identifier(name: string): string | undefined {
  if (name.length === 0) return 'expected identifier';
  return name.length > MAX_LABEL_LENGTH ? `label too long: ${name.slice(0, 40)}…` : undefined;
}

/** parser.go: `||` binds loosest, then `&&`, then a (possibly negated) operation or a parenthesised expression. */
class Parser {
  private at = 0;
  private readonly tokens: readonly Token[];
  constructor(tokens: readonly Token[]) {
    this.tokens = tokens;
  }

  peek(): Token {
    return this.tokens[this.at]!;
  }

  or(): CalicoSelector | string {
    return this.joined('||', 'or', () => this.and());
  }

  private and(): CalicoSelector | string {
    return this.joined('&&', 'and', () => this.operation());
  }

  private joined(
    token: '||' | '&&',
    op: 'or' | 'and',
    operand: () => CalicoSelector | string,
  ): CalicoSelector | string {
    const operands: CalicoSelector[] = [];
    for (;;) {
      const next = operand();
      if (typeof next === 'string') return next;
      operands.push(next);
      if (this.peek().kind !== token) return operands.length === 1 ? operands[0]! : { op, operands };
      this.at++;
    }
  }

  private operation(): CalicoSelector | string {
    let negated = false;
    while (this.peek().kind === '!') {
      negated = !negated;
      this.at++;
    }
    const inner = this.positive();
    if (typeof inner === 'string' || !negated) return inner;
    return { op: 'not', operand: inner };
  }

  private positive(): CalicoSelector | string {
    const token = this.tokens[this.at++]!;
    if (token.kind === 'has') return { op: 'has', key: token.value };
    if (token.kind === 'all' || token.kind === 'global') return { op: token.kind };
    if (token.kind === 'label') return this.comparison(token.value);
    if (token.kind === '(') {
      const inner = this.or();
      if (typeof inner === 'string') return inner;
      if (this.tokens[this.at++]?.kind !== ')') return 'expected )';
      return inner;
    }
    return token.kind === 'eof' ? 'unexpected end of string looking for op' : `unexpected token ${token.kind}`;
  }

  private comparison(key: string): CalicoSelector | string {
    const operator = this.tokens[this.at++]!;
    if (operator.kind === 'eof') return 'unexpected end of string looking for op';
    if (operator.kind === 'in' || operator.kind === 'not in') return this.set(key, operator.kind);
    if (
      operator.kind !== '==' &&
      operator.kind !== '!=' &&
      operator.kind !== 'contains' &&
      operator.kind !== 'starts with' &&
      operator.kind !== 'ends with'
    )
      return `expected == or != not ${operator.kind}`;
    const value = this.tokens[this.at++]!;
    if (value.kind !== 'string') return 'expected string';
    return { op: operator.kind, key, value: value.value };
  }

  /** `{'a', "b"}`: strings separated by commas; a trailing comma and the empty set are accepted as parser.go accepts them. */
  private set(key: string, op: 'in' | 'not in'): CalicoSelector | string {
    if (this.tokens[this.at++]!.kind !== '{') return 'expected set literal';
    const values: string[] = [];
    for (let token = this.peek(); token.kind === 'string'; token = this.peek()) {
      values.push(token.value);
      this.at++;
      if (this.peek().kind !== ',') break;
      this.at++;
    }
    if (this.tokens[this.at++]!.kind !== '}') return 'expected }';
    return { op, key, values };
  }
}
