/**
 * -f files that are not what they should be: an input error (exit 3) that says what is wrong,
 * never an internal error (exit 5) or a stack trace; and the encodings kubectl reads are read.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { STDIN_ARG } from '../../src/cli/argv.ts';
import { readObjectFiles } from '../../src/cli/input.ts';
import type { Io } from '../../src/cli/io.ts';
import { runPlugin } from '../support/plugin.ts';

const dir = mkdtempSync(join(tmpdir(), 'egress-input-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const file = (name: string, content: string | Buffer) => {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
};
const example = join(import.meta.dirname, '..', '..', 'examples', 'gke-cluster.yaml');
const exampleText = readFileSync(example, 'utf8');
const utf16be = (text: string) => Buffer.from(text, 'utf16le').swap16();

const laughs = [
  'a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]',
  ...'bcdefghi'.split('').map((k, i) => `${k}: &${k} [${Array(9).fill(`*${'abcdefgh'[i]}`).join(', ')}]`),
].join('\n');
const deep = (open: string, close: string, depth: number) => open.repeat(depth) + close.repeat(depth);
const pod = (name: string, owners: string) =>
  `- apiVersion: v1\n  kind: Pod\n  metadata: {name: ${name}, namespace: default, ownerReferences: ${owners}}\n  spec: {nodeName: n1}\n  status: {phase: Running, podIP: 10.0.0.${name.length}}\n`;

describe('a -f file that cannot be read as objects is an input error', () => {
  it.each([
    [
      'JSON with a syntax error',
      'bad.json',
      '{"apiVersion": "v1", "kind": "List", "items": [}',
      /bad\.json: document 1: invalid JSON: /,
    ],
    [
      'a List whose items are null',
      'null-items.yaml',
      'apiVersion: v1\nkind: List\nitems: null\n',
      /null-items\.yaml: document 1: List items must be a list, got null$/,
    ],
    [
      'a List whose items are a string',
      'string-items.yaml',
      'apiVersion: v1\nkind: PodList\nitems: pods\n',
      /string-items\.yaml: document 1: PodList items must be a list, got string$/,
    ],
    [
      'a binary file',
      'binary.yaml',
      Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0x02, 0x01, 0x01, 0x00, 0xff, 0xfe, 0x00]),
      /binary\.yaml: not a text file/,
    ],
    [
      'bytes that are not UTF-8',
      'latin1.yaml',
      Buffer.from('kind: caf\xe9\n', 'latin1'),
      /latin1\.yaml: not a text file: invalid UTF-8/,
    ],
    [
      'UTF-16 without a byte order mark',
      'utf16.yaml',
      Buffer.from(exampleText, 'utf16le'),
      /utf16\.yaml: not a text file: it holds NUL characters/,
    ],
    ['a YAML alias bomb', 'laughs.yaml', laughs, /laughs\.yaml: document 1: too many YAML aliases/],
    [
      'YAML nested deeper than any object',
      'deep.yaml',
      `a: ${deep('[', ']', 20000)}\n`,
      /deep\.yaml: document 1: invalid YAML: values nested too deeply/,
    ],
    [
      'JSON nested deeper than any object',
      'deep.json',
      `{"apiVersion": "v1", "kind": "Thing", "metadata": {"name": "t"}, "spec": ${deep('[', ']', 20000)}}`,
      /deep\.json: document 1: Thing t: values nested too deeply/,
    ],
    [
      'an alias without its anchor',
      'alias.yaml',
      'apiVersion: v1\nkind: Node\nmetadata: *nope\n',
      /alias\.yaml: document 1: invalid YAML: Unresolved alias/,
    ],
  ])('%s', async (_name, name, content, message) => {
    const path = file(name, content);
    for (const command of ['who', 'lint', 'snapshot']) {
      const result = await runPlugin([command, '-A', '-f', path]);
      expect(result.code, `${command}: ${result.stderr}`).toBe(3);
      expect(result.stderr.trimEnd()).toMatch(new RegExp(`^error: \\S*${message.source}`));
    }
  });

  it('says the same of standard input', async () => {
    const result = await runPlugin(['who', '-A', '-f', '-'], { stdin: 'a\u0000b' });
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(/^error: <stdin>: not a text file/);
  });
});

describe('encodings kubectl reads', () => {
  const expected = runPlugin(['who', '-A', '-f', example, '-o', 'json']);

  it.each([
    ['UTF-8 with a byte order mark', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(exampleText)])],
    [
      'UTF-16 little-endian with a byte order mark',
      Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(exampleText, 'utf16le')]),
    ],
    ['UTF-16 big-endian with a byte order mark', Buffer.concat([Buffer.from([0xfe, 0xff]), utf16be(exampleText)])],
  ])('reads %s as the same objects', async (name, content) => {
    const result = await runPlugin([
      'who',
      '-A',
      '-f',
      file(`${name.replaceAll(' ', '-')}.yaml`, content),
      '-o',
      'json',
    ]);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe((await expected).stdout);
  });
});

describe('owner references a hand-written file gets wrong', () => {
  it('groups a pod whose owner reference has no name, is null, or is not a list as the pod itself', async () => {
    const path = file(
      'owners.yaml',
      `apiVersion: v1\nkind: List\nitems:\n- {apiVersion: v1, kind: Node, metadata: {name: n1}, status: {addresses: [{type: InternalIP, address: 192.168.0.1}]}}\n${pod('a', '[{kind: ReplicaSet}]')}${pod('bb', '[null]')}${pod('ccc', '{kind: Job, name: j}')}${pod('dddd', 'null')}${pod('eeeee', '[{kind: ReplicaSet, name: ""}, {kind: StatefulSet, name: db}]')}`,
    );
    const result = await runPlugin(['who', '-A', '-f', path, '-o', 'json', '--to', '192.168.7.7']);
    expect(result.code, result.stderr).toBe(0);
    const items = (JSON.parse(result.stdout) as { items: { pod: string; workload: unknown }[] }).items;
    expect(items.map((i) => [i.pod, i.workload])).toEqual([
      ['a', { kind: 'Pod', name: 'a' }],
      ['bb', { kind: 'Pod', name: 'bb' }],
      ['ccc', { kind: 'Pod', name: 'ccc' }],
      ['dddd', { kind: 'Pod', name: 'dddd' }],
      ['eeeee', { kind: 'StatefulSet', name: 'db' }],
    ]);
  });
});

describe('progress while a large file is read', () => {
  const read = async (stderrIsTTY: boolean) => {
    const written: string[] = [];
    const io = { stderrIsTTY, stderr: (text: string) => void written.push(text) } as unknown as Io;
    const { objects } = await readObjectFiles([example], io, { streamFromBytes: 1 });
    return { objects, stderr: written.join('') };
  };

  it('is shown on stderr when it is a terminal, and cleared at the end', async () => {
    const { objects, stderr } = await read(true);
    expect(objects.length).toBeGreaterThan(0);
    expect(stderr).toMatch(new RegExp(`^\\rreading ${example.replace(/[.]/g, '\\.')}: \\d+ MB, \\d+ objects`));
    expect(stderr.endsWith('\r\x1b[K')).toBe(true);
  });

  it('is not shown otherwise', async () => {
    expect((await read(false)).stderr).toBe('');
  });
});

describe('a file over a megabyte, read a List item at a time', () => {
  const pods = Array.from(
    { length: 6000 },
    (_, i) =>
      `- apiVersion: v1\n  kind: Pod\n  metadata:\n    name: web-${i}\n    namespace: shop\n    managedFields:\n    - manager: kubelet\n  spec:\n    nodeName: n1\n    containers:\n    - name: c\n      image: web\n  status:\n    phase: Running\n    podIP: 10.0.${i >> 8}.${i & 255}\n`,
  );
  const text = `apiVersion: v1\nitems:\n- {apiVersion: v1, kind: Node, metadata: {name: n1}, status: {addresses: [{type: InternalIP, address: 192.168.0.1}]}}\n${pods.join('')}kind: List\nmetadata: {}\n`;
  const path = file('large.yaml', text);
  const io = { stderrIsTTY: false, stderr: () => undefined, readStdin: () => Promise.resolve(text) } as unknown as Io;

  it('gives the objects of the whole-text parse, from a file and from standard input', async () => {
    expect(text.length).toBeGreaterThan(1024 * 1024);
    const whole = await readObjectFiles([path], io, { streamFromBytes: Infinity });
    expect(whole.objects).toHaveLength(6001);
    expect(await readObjectFiles([path], io)).toEqual(whole);
    expect(await readObjectFiles([STDIN_ARG], io)).toEqual(whole);
  });
});
