/**
 * `snapshot` keeps everything `who` reads: for every scenario folder, the objects as the live read
 * hands them over (each cut by readFields, as list.ts does per page) give byte-identical `who -o
 * json` and `lint -o json` output whether read directly or through `snapshot` (YAML and JSON) and
 * back in with `-f`. Runs the CLI's main() in process, with standard input injected, so it covers
 * the commands users run without a process per call.
 */
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse, parseAllDocuments, stringify } from 'yaml';
import { main } from '../src/cli/entry/main.ts';
import type { Io } from '../src/cli/io.ts';
import { readFields } from '../src/config/snapshot-file.ts';
import { GAPS_ANNOTATION } from '../src/config/manifests.ts';
import type { ReadGap } from '../src/model/gaps.ts';
import type { KubeObject } from '../src/model/objects.ts';

const root = join(import.meta.dirname, 'scenarios');
const scenarios = readdirSync(root)
  .filter((name) => existsSync(join(root, name, 'objects.yaml')))
  .sort();

/** Reads a live user is often refused, CRDs a server may not serve or serves at a version the tool does not read. */
const GAPS: ReadGap[] = [
  { resource: 'configmaps', namespace: 'kube-system', reason: 'forbidden' },
  { resource: 'ciliumegressgatewaypolicies.cilium.io', reason: 'not-served' },
  { resource: 'ciliumnodes.cilium.io', reason: 'unknown-version', served: 'v3' },
  { resource: 'ippools.crd.projectcalico.org', reason: 'forbidden' },
];

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

async function cli(args: string[], stdin: string): Promise<Run> {
  let stdout = '';
  let stderr = '';
  const io: Io = {
    stdout: (s) => void (stdout += s),
    stderr: (s) => void (stderr += s),
    lookup: () => Promise.reject(new Error('no name resolution in this test')),
    readStdin: () => Promise.resolve(stdin),
    signal: new AbortController().signal,
    hold: () => () => undefined,
    stderrIsTTY: false,
  };
  const code = await main(args, io);
  return { code, stdout, stderr };
}

function scenarioObjects(name: string): KubeObject[] {
  const docs = parseAllDocuments(readFileSync(join(root, name, 'objects.yaml'), 'utf8')).map(
    (d) => d.toJS() as unknown,
  );
  return docs.flatMap((doc) => (isList(doc) ? doc.items : doc ? [doc as KubeObject] : []));
}

function isList(doc: unknown): doc is { items: KubeObject[] } {
  return typeof doc === 'object' && doc !== null && Array.isArray((doc as { items?: unknown }).items);
}

/** The flags the scenario's expected answers were made with, so every folder runs as it is meant to. */
function scenarioFlags(name: string): string[] {
  const file = join(root, name, 'expected.yaml');
  const expected = existsSync(file) ? (parse(readFileSync(file, 'utf8')) as Record<string, unknown>) : {};
  const flags = (expected['flags'] ?? {}) as {
    natIP?: string;
    noDefaultSnat?: boolean;
    vpcCIDRs?: string[];
    datapath?: string;
  };
  const decisions = (expected['decisions'] ?? []) as { to: unknown }[];
  return [
    ...[...new Set(decisions.map((d) => String(d.to)))].flatMap((to) => ['--to', to]),
    ...(flags.natIP ? ['--nat-ip', flags.natIP] : []),
    ...(flags.noDefaultSnat ? ['--no-default-snat'] : []),
    ...(flags.vpcCIDRs ?? []).flatMap((c) => ['--vpc-cidr', c]),
    ...(flags.datapath ? ['--datapath', flags.datapath] : []),
  ];
}

/** lint takes --to only with --allowed. */
function withoutDestinations(flags: string[]): string[] {
  return flags.filter((f, i) => f !== '--to' && flags[i - 1] !== '--to');
}

/** The live read's answer as a List: refused reads come back empty and are recorded on the List. */
function liveList(objects: KubeObject[], gaps: ReadGap[], cut: (o: KubeObject) => KubeObject = readFields): string {
  const refused = (o: KubeObject) =>
    gaps.some(
      (g) =>
        g.reason === 'forbidden' && g.resource === `${o.kind.toLowerCase()}s` && g.namespace === o.metadata.namespace,
    );
  const items = objects.filter((o) => !refused(o)).map(cut);
  return stringify({
    apiVersion: 'v1',
    kind: 'List',
    metadata: { annotations: { [GAPS_ANNOTATION]: JSON.stringify(gaps) } },
    items,
  });
}

const variants = scenarios.flatMap((name) => [
  { name, gaps: 'no read gaps', list: () => liveList(scenarioObjects(name), []) },
  { name, gaps: 'read gaps', list: () => liveList(scenarioObjects(name), GAPS) },
  // Whole objects, as `-f` reads a kubectl dump: readFields must keep every field the tool reads.
  { name, gaps: 'whole objects', list: () => liveList(scenarioObjects(name), [], (o) => o) },
]);

describe('snapshot round trip', () => {
  it('covers every scenario folder', () => {
    expect(scenarios.length).toBeGreaterThan(80);
  });

  describe.each(variants)('$name, $gaps', ({ name, list }) => {
    const flags = scenarioFlags(name);

    it.each(['yaml', 'json'])('gives the live who and lint output from its %s snapshot', async (format) => {
      const live = list();
      const snapshot = await cli(['snapshot', '-A', '-f', '-', '-o', format], live);
      expect(snapshot.stderr).toBe('');
      expect(snapshot.code).toBe(0);
      for (const command of [
        ['who', ...flags],
        ['lint', ...withoutDestinations(flags)],
      ]) {
        const args = [...command, '-A', '-f', '-', '-o', 'json'];
        const direct = await cli(args, live);
        expect(direct.code).toBeLessThanOrEqual(1); // lint's exit 1: a finding
        expect(direct.stdout).toMatch(/^\{/);
        expect(await cli(args, snapshot.stdout)).toEqual(direct);
      }
    });

    it('gives the live explain trace of every pod from its snapshot', async () => {
      const live = list();
      const snapshot = await cli(['snapshot', '-A', '-f', '-'], live);
      const who = JSON.parse((await cli(['who', ...flags, '-A', '-f', '-', '-o', 'json'], live)).stdout) as {
        items: { namespace: string; pod: string }[];
      };
      const pods = [...new Set(who.items.map((i) => `${i.namespace}/${i.pod}`))];
      for (const [namespace, pod] of pods.map((p) => p.split('/'))) {
        const args = ['explain', pod!, '-n', namespace!, ...flags, '-f', '-', '-o', 'json'];
        const direct = await cli(args, live);
        expect(direct.code).toBe(0);
        expect(await cli(args, snapshot.stdout)).toEqual(direct);
      }
    });
  });
});
