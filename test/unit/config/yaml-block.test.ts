/**
 * The fast reader of plain block YAML must give exactly what the yaml package gives, or nothing
 * (then the yaml package reads the item). Each case is compared with the yaml package itself.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { describe, expect, it } from 'vitest';
import { parseManifests } from '../../../src/config/manifests.ts';
import { readListItem, readMappingDocument } from '../../../src/config/yaml-block.ts';

const ROOT = join(import.meta.dirname, '..', '..', '..');
const yamlItem = (text: string): unknown => (parse(text, { uniqueKeys: false }) as unknown[])[0];

/** The fast reader took the text, and read what the yaml package reads. */
function expectRead(value: unknown, yaml: unknown): void {
  expect(value).not.toBeUndefined();
  expect(value).toEqual(yaml);
}

describe('plain block YAML is read as the yaml package reads it', () => {
  it.each([
    [
      'a kubectl pod',
      '- apiVersion: v1\n  kind: Pod\n  metadata:\n    name: web-1\n    labels:\n      app.kubernetes.io/name: web\n  spec:\n    nodeName: n1\n    hostNetwork: false\n    tolerations:\n    - key: node.kubernetes.io/not-ready\n      operator: Exists\n      tolerationSeconds: 300\n  status:\n    podIP: 10.0.0.7\n    podIPs:\n    - ip: 10.0.0.7\n    - ip: fd00::7\n',
    ],
    [
      'an indented item with indented sequences',
      '  - apiVersion: v1\n    kind: Node\n    metadata:\n      name: n1\n    status:\n      addresses:\n        - type: InternalIP\n          address: 192.168.0.1\n',
    ],
    [
      'scalars of every core-schema type',
      '- a: ~\n  b: null\n  c: Null\n  d: true\n  e: False\n  f: 42\n  g: -7\n  h: +3\n  i: 007\n  j: "quoted: # yes"\n  k: \'single\'\n  l: {}\n  m: []\n  n:\n  o: 10.0.0.1/24\n  p: --enable-bpf-masquerade=true\n  q: a#b\n  r: 12345678901234567890\n  s: yes\n  t: -foo\n  u: "007"\n',
    ],
    ['a duplicate key (the last wins)', '- a: 1\n  a: 2\n'],
    [
      'nested sequences of mappings',
      '- spec:\n    egressGateway:\n      nodeSelector:\n        matchLabels:\n          egress: "true"\n    selectors:\n    - podSelector:\n        matchLabels:\n          app: web\n    destinationCIDRs:\n    - 0.0.0.0/0\n',
    ],
    ["a sequence of scalars at the key's column", '- args:\n  - --a\n  - b\n  other: 1\n'],
  ])('reads %s', (_name, text) => expectRead(readListItem(text), yamlItem(text)));

  it.each([
    ['a comment', '- a: 1 # one\n'],
    ['a comment line', '- a: 1\n  # note\n  b: 2\n'],
    ['an anchor and alias', '- a: &x 1\n  b: *x\n'],
    ['a tag', '- a: !!str 1\n'],
    ['a block scalar', '- a: |\n    text\n'],
    ['a multi-line plain scalar', '- a: one\n    two\n'],
    ['a flow mapping', '- {a: 1}\n'],
    ['a flow sequence', '- a: [1, 2]\n'],
    ['an escape in double quotes', '- a: "x\\ty"\n'],
    ['a quote in single quotes', "- a: 'it''s'\n"],
    ['a float', '- a: 1.5\n'],
    ['a hexadecimal number', '- a: 0x1F\n'],
    ['an exponent', '- a: 1e3\n'],
    ['infinity', '- a: .inf\n'],
    ['a key that is a number', '- 1: a\n'],
    ['a key that is a boolean', '- true: a\n'],
    ['a quoted key', '- "a b": c\n'],
    ['a tab', '- a:\t1\n'],
    ['CRLF', '- a: 1\r\n'],
    ['a line at a column no block is at', '- a:\n    b: 1\n   c: 2\n'],
    ['a value and deeper lines', '- a: 1\n    b: 2\n'],
    ['two entries', '- a: 1\n- b: 2\n'],
    ['a nested entry on the dash line', '- - a\n'],
    ['an empty entry', '-\n  a: 1\n'],
    ['a key named __proto__', '- __proto__: 1\n'],
  ])('leaves %s to the yaml package', (_name, text) => {
    expect(readListItem(text)).toBeUndefined();
  });
});

describe('every object of the scenario folders and examples, as List items', () => {
  const files = [
    ...readdirSync(join(ROOT, 'test', 'scenarios'))
      .map((name) => join(ROOT, 'test', 'scenarios', name, 'objects.yaml'))
      .filter((path) => existsSync(path)),
    ...readdirSync(join(ROOT, 'examples'))
      .filter((n) => /\.ya?ml$/.test(n))
      .map((n) => join(ROOT, 'examples', n)),
  ];
  const objects = files.flatMap((path) => parseManifests(readFileSync(path, 'utf8'), path).objects);

  it('reads each one the fast reader takes as the yaml package does, and takes most', () => {
    let read = 0;
    for (const object of objects) {
      for (const text of [stringify([object]), stringify([object], { indentSeq: false }).replace(/^(?=.)/gm, '  ')]) {
        const value = readListItem(text);
        if (value === undefined) continue;
        read++;
        expect(value).toEqual(yamlItem(text));
      }
    }
    expect(read).toBeGreaterThan(objects.length);
  });
});

describe('a document of one block mapping is read as the yaml package reads it', () => {
  it.each([
    [
      'a kubectl pod',
      'apiVersion: v1\nkind: Pod\nmetadata:\n  name: web-1\n  labels:\n    app: web\nspec:\n  nodeName: n1\n  tolerations:\n  - operator: Exists\nstatus:\n  podIPs:\n    - ip: 10.0.0.7\n',
    ],
    [
      'a List with its items',
      'apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: Node\n  metadata:\n    name: a\n',
    ],
    ['blank lines where skipped fields were', 'apiVersion: v1\n\n\nkind: Node\nmetadata:\n  name: a\n\n'],
  ])('reads %s', (_name, text) => expectRead(readMappingDocument(text), parse(text, { uniqueKeys: false })));

  it.each([
    ['a sequence', '- a: 1\n'],
    ['an indented mapping', '  a: 1\n'],
    ['a scalar', 'text\n'],
    ['JSON', '{"a": 1}\n'],
    ['a comment', 'a: 1\n# b\n'],
    ['nothing', '\n\n'],
    ['a second mapping at another column', 'a: 1\n b: 2\n'],
    ['mappings nested 3,000 deep', Array.from({ length: 3000 }, (_, i) => `${' '.repeat(i)}k:`).join('\n')],
  ])('leaves %s to the yaml package', (_name, text) => {
    expect(readMappingDocument(text)).toBeUndefined();
  });
});
