/**
 * snapshot's fast YAML for Pods and Nodes (src/render/block-yaml.ts) reads back as the same data
 * under YAML 1.2 (this tool's reader) and 1.1 (kubectl's), whatever the strings look like.
 */
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { blockYamlItem, plain } from '../../../src/render/block-yaml.ts';

const TRICKY = [
  'true',
  'False',
  'yes',
  'No',
  'on',
  'OFF',
  'y',
  'n',
  'null',
  'Null',
  '~',
  '',
  ' ',
  ' lead',
  'trail ',
  '010',
  '0x1F',
  '0o17',
  '0b101',
  '1e3',
  '1_000',
  '+12',
  '-1',
  '.5',
  '.inf',
  '.NaN',
  '1.0',
  '10.64.1.2',
  '2001-12-14',
  '1:30',
  '12:30:00',
  'a: b',
  'a #b',
  '#c',
  '- x',
  '[x]',
  '{x}',
  '*ref',
  '&anchor',
  '!tag',
  '%x',
  '@x',
  '`x',
  '|',
  '>',
  "'q'",
  '"q"',
  'tab\there',
  'ünïcode',
  '\u2028',
  'node-0001',
  '9bhn7zbbwk',
  'app.kubernetes.io/name',
  '10.4.0.0/16',
  'fe80::1',
  '<<',
  '=',
  '?',
  ',',
];

const roundTrips = (value: Record<string, unknown>) => {
  const text = `items:\n${blockYamlItem(value, '  ')}`;
  for (const version of ['1.2', '1.1'] as const) expect(parse(text, { version })).toEqual({ items: [value] });
};

describe('block YAML of plain data', () => {
  it.each(TRICKY)('reads %j back as the same string, as a value and as a key', (text) => {
    roundTrips({ kind: 'Pod', metadata: { labels: { [text]: text } }, list: [text] });
  });

  it('reads nested, empty and non-string values back as they were', () => {
    roundTrips({
      kind: 'Node',
      spec: { taints: [{ key: 'a', effect: 'NoSchedule' }], unschedulable: true, podCIDRs: [] },
      status: {
        addresses: [{ type: 'InternalIP', address: '10.0.0.1' }],
        none: null,
        empty: {},
        count: 300,
        nested: [[1, 'x'], [{ a: [] }]],
      },
    });
  });

  it('writes names, labels and nodes plain, and addresses quoted', () => {
    expect(
      blockYamlItem(
        { kind: 'Pod', metadata: { name: 'web-1', labels: { app: 'web' } }, status: { podIP: '10.4.1.7' } },
        '  ',
      ),
    ).toBe(
      [
        '  - kind: Pod',
        '    metadata:',
        '      name: web-1',
        '      labels:',
        '        app: web',
        '    status:',
        '      podIP: "10.4.1.7"',
        '',
      ].join('\n'),
    );
  });

  it('gives no text for an item with a string value on several lines, which yaml writes as a block scalar instead', () => {
    expect(blockYamlItem({ kind: 'ConfigMap', data: { config: 'a: 1\nb: 2\n' } }, '  ')).toBeUndefined();
    expect(blockYamlItem({ kind: 'ConfigMap', list: ['one', 'two\nlines'] }, '  ')).toBeUndefined();
  });

  it('reads a key with a line break back as the same key, quoted', () => {
    roundTrips({ kind: 'Pod', metadata: { labels: { 'multi\nline': 'x' } } });
  });

  it('answers plain or not as its definition does: one pattern, not number-like, not a keyword', () => {
    const pattern = /^[A-Za-z0-9][A-Za-z0-9_./-]*$/;
    const numberLike = /^[-+]?[0-9._]+([eE][-+]?[0-9_]+)?$|^[-+]?[0-9][0-9._eE+-]*$|^0[xob]/i;
    const keywords = new Set(['y', 'n', 'yes', 'no', 'on', 'off', 'true', 'false', 'null']);
    const definition = (t: string) => pattern.test(t) && !numberLike.test(t) && !keywords.has(t.toLowerCase());
    const alphabet = '0123456789aeEoxbnNyYsStTrRuUfFlLO_./-+: é';
    let seed = 7;
    const next = () => (seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648);
    const corpus = [...TRICKY, 'TRUE', 'Off', 'nULL', 'yes1', 'n-1', '1.2.3', '0x', '0o', '10.4.0.7', '2001-12-14'];
    for (let i = 0; i < 50_000; i++)
      corpus.push(Array.from({ length: next() % 7 }, () => alphabet[next() % alphabet.length]).join(''));
    const disagree = corpus.filter((t) => plain(t) !== definition(t));
    expect(disagree).toEqual([]);
    expect(corpus.filter(plain).length).toBeGreaterThan(1000);
  });
});
