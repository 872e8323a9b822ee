/**
 * A large -f file is read a piece at a time (manifest-stream.ts); it must give exactly what
 * parsing its whole text gives: the same objects, gaps and problems, for every input.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { describe, expect, it } from 'vitest';
import { ManifestStream } from '../../../src/config/manifest-stream.ts';
import { parseManifests } from '../../../src/config/manifests.ts';
import { ItemSkipper, SKIPPED_METADATA, SKIPPED_POD_FIELDS } from '../../../src/config/manifest-skip.ts';
import { readFields } from '../../../src/config/snapshot-file.ts';
import type { KubeObject } from '../../../src/model/objects.ts';

const ROOT = join(import.meta.dirname, '..', '..', '..');

function streamed(text: string, pieceSize: number) {
  const stream = new ManifestStream('f.yaml');
  for (let at = 0; at < text.length; at += pieceSize) stream.push(text.slice(at, at + pieceSize));
  return { result: stream.end(), unsupported: stream.unsupported };
}

/**
 * Streamed in pieces of several sizes (lines and items cut anywhere), equal to the whole parse.
 * Broken input is an error either way; read by items, it may name the item and its line.
 */
function expectSameAsWhole(text: string): void {
  const whole = parseManifests(text, 'f.yaml');
  for (const size of [1, 3, 64, text.length + 1]) {
    const result = streamed(text, size).result ?? whole;
    if (whole.problems.length === 0) expect(result).toEqual(whole);
    else expect(result.problems[0]?.startsWith(whole.problems[0]!.split(':').slice(0, 2).join(':'))).toBe(true);
  }
}

const indented = (text: string) => text.replace(/^(?=.)/gm, '  ');

/** A pod as the API server writes it, with the fields the tool never reads. */
const kubectlPod = (name: string) => `- apiVersion: v1
  kind: Pod
  metadata:
    managedFields:
    - apiVersion: v1
      fieldsType: FieldsV1
      fieldsV1:
        f:metadata:
          f:labels:
            .: {}
            k:{"type":"Ready"}: {}
    name: ${name}
    namespace: shop
    labels:
      app: web
  spec:
    containers:
    - args:
      - |
        multi
        - line
      name: c
    initContainers:
      - name: i
    nodeName: n1
    hostNetwork: false
    tolerations:
    - operator: Exists
  status:
    conditions:
    - type: Ready

      status: "True"
    containerStatuses: []
    phase: Running
    podIP: 10.0.0.7
`;

/** A List item as a document of its own. */
const asDocument = (item: string) => item.slice(2).replace(/^  /gm, '');

const node = (name: string) => `- apiVersion: v1\n  kind: Node\n  metadata:\n    name: ${name}\n`;

describe('a large file read in pieces gives what its whole text gives', () => {
  it.each([
    ['a List with items at column 0', `apiVersion: v1\nkind: List\nitems:\n${node('a')}${node('b')}`],
    ['a List with indented items', `apiVersion: v1\nkind: List\nitems:\n${indented(node('a'))}${indented(node('b'))}`],
    [
      'kind and metadata after the items (kubectl get -o yaml)',
      `apiVersion: v1\nitems:\n${node('a')}${node('b')}kind: NodeList\nmetadata:\n  resourceVersion: "7"\n`,
    ],
    [
      'comments and blank lines between items',
      `kind: List\napiVersion: v1\nitems:\n# first\n\n${node('a')}\n# second\n${node('b')}# end\n`,
    ],
    [
      'block scalars inside items',
      `kind: List\napiVersion: v1\nitems:\n- apiVersion: v1\n  kind: ConfigMap\n  metadata: {name: c}\n  data:\n    config: |\n      - not an item\n      items:\n    other: >-\n      folded\n      text\n${node('b')}`,
    ],
    [
      'a flow mapping as an item',
      `kind: List\napiVersion: v1\nitems:\n- {apiVersion: v1, kind: Node, metadata: {name: a}}\n-   {apiVersion: v1, kind: Node, metadata: {name: b}}\n`,
    ],
    ['CRLF line ends', `kind: List\r\napiVersion: v1\r\nitems:\r\n${node('a').replaceAll('\n', '\r\n')}`],
    [
      'several documents, Lists among them',
      `${node('x').slice(2).replace(/^  /gm, '')}---\nkind: List\napiVersion: v1\nitems:\n${node('a')}---\n---\nkind: List\napiVersion: v1\nitems:\n${node('b')}`,
    ],
    [
      'a List inside a List',
      `kind: List\napiVersion: v1\nitems:\n- kind: List\n  apiVersion: v1\n  items:\n  ${node('a').replace(/\n(?=.)/g, '\n  ')}${node('b')}`,
    ],
    ['an empty items list', 'apiVersion: v1\nkind: List\nitems: []\n'],
    ['items: null', 'apiVersion: v1\nkind: List\nitems:\nmetadata: {}\n'],
    [
      'an object that is not a List but has items',
      `apiVersion: v1\nkind: Thing\nmetadata: {name: t}\nitems:\n${node('a')}`,
    ],
    ['a duplicate items key', `apiVersion: v1\nkind: List\nitems:\n${node('a')}items:\n${node('b')}`],
    [
      'an alias to an anchor in another item',
      `apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: Node\n  metadata: &m {name: a}\n- apiVersion: v1\n  kind: Node\n  metadata: *m\n`,
    ],
    [
      'an alias inside one item',
      `apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: Node\n  metadata: {name: &n a, labels: {x: *n}}\n`,
    ],
    [
      'a document end marker',
      `apiVersion: v1\nkind: Node\nmetadata: {name: a}\n...\n---\n${node('b').slice(2).replace(/^  /gm, '')}`,
    ],
    ['a YAML directive', `%YAML 1.2\n---\napiVersion: v1\nkind: Node\nmetadata: {name: a}\n`],
    ['content on the --- line', `--- {apiVersion: v1, kind: Node, metadata: {name: a}}\n`],
    [
      'JSON (kubectl get -o json)',
      JSON.stringify(
        { apiVersion: 'v1', kind: 'NodeList', items: [{ apiVersion: 'v1', kind: 'Node', metadata: { name: 'a' } }] },
        null,
        4,
      ),
    ],
    [
      'kubectl get -o json',
      JSON.stringify(
        {
          apiVersion: 'v1',
          items: [
            { apiVersion: 'v1', kind: 'Node', metadata: { name: 'a', labels: { x: '}' } } },
            {},
            { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', annotations: { a: '"items": [' } } },
          ],
          kind: 'List',
          metadata: { resourceVersion: '' },
        },
        null,
        4,
      ),
    ],
    [
      'JSON items on one line each',
      '{\n  "apiVersion": "v1",\n  "kind": "List",\n  "items": [\n    {"apiVersion": "v1", "kind": "Node", "metadata": {"name": "a"}},\n    {"apiVersion": "v1", "kind": "Node", "metadata": {"name": "b"}}\n  ]\n}\n',
    ],
    [
      "JSON with a nested items key before the List's",
      '{\n    "metadata": {\n    "items": [\n    {"apiVersion": "v1", "kind": "Node", "metadata": {"name": "a"}}\n    ]\n    },\n    "apiVersion": "v1",\n    "kind": "List",\n    "items": []\n}\n',
    ],
    [
      'JSON cut where an item is not whole',
      '{\n "apiVersion": "v1",\n "kind": "List",\n "items": [\n {\n "apiVersion": "v1", "kind": "Node", "metadata": {"name": "a",\n "labels": {\n }\n }\n }\n ]\n}\n',
    ],
    [
      'JSON that is YAML (a comment)',
      '{\n "apiVersion": "v1",\n "kind": "List",\n "items": [\n {"apiVersion": "v1", "kind": "Node", "metadata": {"name": "a"}} # one\n ]\n}\n',
    ],
    ['JSON items that are not objects', '{\n "apiVersion": "v1",\n "kind": "List",\n "items": [\n 5,\n null\n ]\n}\n'],
    [
      'an invalid item',
      `apiVersion: v1\nkind: List\nitems:\n${node('a')}- apiVersion: v1\n  kind: Node\n  metadata: {name: [\n${node('c')}`,
    ],
    [
      'an item missing its name',
      `apiVersion: v1\nkind: List\nitems:\n${node('a')}- apiVersion: v1\n  kind: Pod\n  metadata: {}\n`,
    ],
    [
      'the read-gaps annotation of a snapshot',
      `apiVersion: v1\nkind: List\nmetadata:\n  annotations:\n    kubectl-egress.io/read-gaps: '[{"resource":"configmaps","reason":"forbidden"}]'\nitems:\n${node('a')}`,
    ],
    [
      'kubectl get -o yaml pods (fields readFields drops are skipped unparsed)',
      `apiVersion: v1\nitems:\n${kubectlPod('a')}${kubectlPod('b').replace('  kind: Pod\n', '').replace('  status:', '  kind: Pod\n  status:')}${indented(kubectlPod('c'))}kind: List\n`,
    ],
    [
      'a DaemonSet keeps its containers',
      `apiVersion: v1\nkind: List\nitems:\n- apiVersion: apps/v1\n  kind: DaemonSet\n  metadata:\n    name: cilium\n    namespace: kube-system\n  spec:\n    template:\n      spec:\n        containers:\n        - name: agent\n          args: [--enable-ipv4-masquerade=false]\n`,
    ],
    ['no newline at the end', `apiVersion: v1\nkind: List\nitems:\n${node('a').trimEnd()}`],
    [
      'documents of kubectl get -o yaml pods (fields readFields drops are skipped unparsed)',
      `${asDocument(kubectlPod('a'))}---\n${asDocument(kubectlPod('b'))}\n---\n${asDocument(kubectlPod('c').replace('  kind: Pod\n', '').replace('  status:', '  kind: Pod\n  status:'))}`,
    ],
    [
      'a document whose top-level spec is a block scalar',
      `apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec: |\n  containers:\n  - name: c\n---\n${asDocument(node('b'))}`,
    ],
    [
      'a document with a broken kept field',
      `${asDocument(kubectlPod('a')).replace('nodeName: n1', 'nodeName: [n1')}---\n${asDocument(node('b'))}`,
    ],
  ])('%s', (_name, text) => expectSameAsWhole(text));

  it.each([
    ['a YAML List', `apiVersion: v1\nkind: List\nitems:\n${node('a')}${node('b')}`],
    [
      'a JSON List',
      JSON.stringify(
        { apiVersion: 'v1', items: [{ apiVersion: 'v1', kind: 'Node', metadata: { name: 'a' } }], kind: 'List' },
        null,
        4,
      ),
    ],
  ])('cuts %s into items instead of parsing it whole', (_name, text) => {
    const { result, unsupported } = streamed(text, 16);
    expect(unsupported).toBeUndefined();
    expect(result?.objects.length).toBeGreaterThan(0);
  });

  it.each([
    [
      'an alias to an anchor in another item',
      `apiVersion: v1\nkind: List\nitems:\n- {apiVersion: v1, kind: Node, metadata: &m {name: a}}\n- {apiVersion: v1, kind: Node, metadata: *m}\n`,
    ],
    ['a document end marker', 'a: 1\n...\n'],
    ['a Thing with items', `apiVersion: v1\nkind: Thing\nmetadata: {name: t}\nitems:\n${node('a')}`],
  ])('leaves %s to the whole-text parser', (_name, text) => {
    expect(streamed(text, 16).unsupported).toBeDefined();
  });

  it.each([
    ['a List item', (pod: string) => `apiVersion: v1\nkind: List\nitems:\n${pod}${node('b')}`],
    ['a document', (pod: string) => `${asDocument(pod)}---\n${asDocument(node('b'))}`],
  ])(
    'does not parse, so does not check, the fields readFields drops in %s (the whole-text parser does)',
    (_name, file) => {
      const broken = file(kubectlPod('a').replace('      name: c\n', '      name: [c\n'));
      expect(parseManifests(broken, 'f.yaml').problems).toHaveLength(1);
      expect(streamed(broken, 64).result).toEqual(parseManifests(file(kubectlPod('a')), 'f.yaml'));
    },
  );

  it('reports a broken item with its line in the file', () => {
    const text = `apiVersion: v1\nkind: List\nitems:\n${node('a')}- apiVersion: v1\n  kind: [\n`;
    expect(streamed(text, 8).result?.problems).toEqual([
      'f.yaml: document 1, items[1]: invalid YAML: Flow sequence in block collection must be sufficiently indented and end with a ] at line 9, column 10:',
    ]);
  });
});

describe('the fields skipped unparsed', () => {
  const kept = (item: string) => {
    const skipper = new ItemSkipper();
    const [first, ...rest] = item.trimEnd().split('\n');
    skipper.start(first!, 0);
    return [first, ...rest.filter((line) => skipper.keep(line))].join('\n');
  };

  it("are a pod's managedFields, containers and conditions written as blocks", () => {
    expect(kept(kubectlPod('a'))).toBe(
      [
        '- apiVersion: v1',
        '  kind: Pod',
        '  metadata:',
        '    name: a',
        '    namespace: shop',
        '    labels:',
        '      app: web',
        '  spec:',
        '    nodeName: n1',
        '    hostNetwork: false',
        '    tolerations:',
        '    - operator: Exists',
        '  status:',
        '    containerStatuses: []',
        '    phase: Running',
        '    podIP: 10.0.0.7',
      ].join('\n'),
    );
  });

  it('keep a container list when the kind is not known to be Pod yet', () => {
    expect(kept('- apiVersion: v1\n  spec:\n    containers:\n    - name: c\n  kind: Pod')).toContain('containers');
  });

  it('are fields readFields keeps none of', () => {
    const filled = (keys: readonly string[]) => Object.fromEntries(keys.map((k) => [k, [{ x: 1 }]]));
    const pod = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'p', ...filled(SKIPPED_METADATA) },
      spec: { nodeName: 'n', ...filled(SKIPPED_POD_FIELDS['spec']!) },
      status: { phase: 'Running', ...filled(SKIPPED_POD_FIELDS['status']!) },
    };
    expect(readFields(pod as unknown as KubeObject)).toEqual({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'p' },
      spec: { nodeName: 'n' },
      status: { phase: 'Running' },
    });
    for (const kind of [
      'Node',
      'ConfigMap',
      'DaemonSet',
      'Namespace',
      'ReplicaSet',
      'Job',
      'CiliumEndpoint',
      'CiliumEgressGatewayPolicy',
    ]) {
      expect(
        readFields({
          apiVersion: 'v1',
          kind,
          metadata: { name: 'x', ...filled(SKIPPED_METADATA) },
        } as unknown as KubeObject).metadata,
      ).not.toHaveProperty('managedFields');
    }
  });
});

describe('every scenario folder and example, as written and as a List', () => {
  const scenarios = readdirSync(join(ROOT, 'test', 'scenarios'))
    .map((name) => join(ROOT, 'test', 'scenarios', name, 'objects.yaml'))
    .filter((path) => existsSync(path));
  const examples = readdirSync(join(ROOT, 'examples'))
    .filter((n) => /\.ya?ml$/.test(n))
    .map((n) => join(ROOT, 'examples', n));
  it.each([...scenarios, ...examples].map((path) => [path.slice(ROOT.length + 1), path]))('%s', (_name, path) => {
    const text = readFileSync(path, 'utf8');
    expectSameAsWhole(text);
    const items = parseManifests(text, 'f.yaml').objects;
    for (const list of [
      stringify({ apiVersion: 'v1', kind: 'List', items }),
      stringify({ apiVersion: 'v1', items, kind: 'List' }, { indentSeq: false }),
      JSON.stringify({ apiVersion: 'v1', items, kind: 'List' }, null, 4),
    ]) {
      const { result, unsupported } = streamed(list, 4096);
      expect(unsupported).toBeUndefined();
      expect(result).toEqual(parseManifests(list, 'f.yaml'));
      expect(result?.objects).toEqual(items);
    }
  });
});
