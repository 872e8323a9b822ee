/**
 * Every example a command's --help prints means the same in any order a kubectl user may type it:
 * flags before or after positionals, `-nshop`, `--to=x`, long names, positionals after `--`.
 * In-process through main(), against the example cluster (and a few pods the examples name), with
 * no cluster and no DNS: each order must parse to the same options and print the same answer.
 */
import { copyFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CommandSpec } from '../../src/cli/command-spec.ts';
import { commandName } from '../../src/cli/command-spec.ts';
import { COMMANDS } from '../../src/cli/commands/index.ts';
import { main } from '../../src/cli/entry/main.ts';
import type { Io } from '../../src/cli/io.ts';
import { exampleWords, examplesOf, flagsOf, reorderings, unitsOf } from '../support/cli-examples.ts';

/** examples/gke-cluster.yaml and the pods the examples name beyond it, as one -f directory. */
const cluster = mkdtempSync(join(tmpdir(), 'egress-argument-order-'));
copyFileSync(join(import.meta.dirname, '..', '..', 'examples', 'gke-cluster.yaml'), join(cluster, 'gke-cluster.yaml'));
copyFileSync(join(import.meta.dirname, 'argument-order', 'more-pods.yaml'), join(cluster, 'more-pods.yaml'));

/** Commands whose run needs a cluster to probe or a port to serve: only their parse is compared. */
const PARSE_ONLY = new Set(['verify', 'serve-echo']);

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function testIo(out: Run): Io {
  return {
    stdout: (s) => void (out.stdout += s),
    stderr: (s) => void (out.stderr += s),
    lookup: () => Promise.reject(new Error('the argument test resolves no names')),
    readStdin: () => Promise.resolve(''),
    signal: new AbortController().signal,
    hold: () => () => undefined,
    stderrIsTTY: false,
  };
}

async function runMain(argv: string[], commands?: readonly CommandSpec[]): Promise<Run> {
  const out: Run = { code: -1, stdout: '', stderr: '' };
  out.code = await main(argv, testIo(out), commands);
  return out;
}

/** What yargs hands the command: the table's commands with a handler that records its arguments. */
async function parsed(argv: string[]): Promise<Record<string, unknown>> {
  let seen: Record<string, unknown> = {};
  const recording = COMMANDS.map((spec) => ({
    ...spec,
    run: async (args: Record<string, unknown>) => ((seen = args), 0),
  }));
  const result = await runMain(argv, recording as CommandSpec[]);
  expect(result.stderr, argv.join(' ')).toBe('');
  const { $0: _, _: __, ...options } = seen;
  return options;
}

/** An example's words, reading the test cluster where the command reads objects (so never a live one). */
function withTestCluster(words: string[]): string[] {
  const spec = COMMANDS.find((s) => commandName(s) === words[0])!;
  const flags = flagsOf(spec.builder);
  if (!flags.some((f) => f.name === 'filename')) return words;
  const file = words.findIndex((w) => w === '-f' || w === '--filename');
  return file < 0 ? [...words, '-f', cluster] : words.map((w, i) => (i === file + 1 ? cluster : w));
}

const cases = COMMANDS.flatMap((spec) =>
  examplesOf(spec.builder).flatMap(([line]) => {
    const words = exampleWords(line);
    return words ? [[`${commandName(spec)}: ${line}`, withTestCluster(words)] as const] : [];
  }),
);

describe("every command's examples in every flag order", () => {
  it('covers an example of every command', () => {
    expect(new Set(cases.map(([, words]) => words[0]))).toEqual(new Set(COMMANDS.map(commandName)));
  });

  it.each(cases)('%s', async (_name, [command, ...rest]) => {
    const spec = COMMANDS.find((s) => commandName(s) === command)!;
    const canonical = [command!, ...rest];
    const expectedOptions = await parsed(canonical);
    const expectedRun = PARSE_ONLY.has(command!) ? undefined : await runMain(canonical);
    if (expectedRun) {
      // The example itself works: an answer (lint and allowlist exit 1 on findings), no error.
      expect([0, 1], expectedRun.stderr).toContain(expectedRun.code);
      expect(expectedRun.stdout).not.toBe('');
      expect(expectedRun.stderr).not.toMatch(/^(error|internal error):/m);
    }
    for (const [order, words] of reorderings(unitsOf(rest, flagsOf(spec.builder)))) {
      const argv = [command!, ...words];
      expect(await parsed(argv), `${order}: ${argv.join(' ')}`).toEqual(expectedOptions);
      if (expectedRun) expect(await runMain(argv), `${order}: ${argv.join(' ')}`).toEqual(expectedRun);
    }
  });
});

describe('a repeatable flag takes one value per occurrence', () => {
  it.each([
    [
      'explain -f FILE --to 8.8.8.8 POD -n NS',
      ['explain', '-f', cluster, '--to', '8.8.8.8', 'web-7d4b9c5f6-x2x8q', '-n', 'shop'],
      { target: 'web-7d4b9c5f6-x2x8q', to: ['8.8.8.8'], namespace: 'shop' },
    ],
    [
      'allowlist --to 8.8.8.8 deployment/web',
      ['allowlist', '--to', '8.8.8.8', 'deployment/web'],
      { target: 'deployment/web', to: ['8.8.8.8'] },
    ],
    [
      'verify -n shop -f FILE sts/postgres',
      ['verify', '-n', 'shop', '-f', cluster, 'sts/postgres'],
      { target: 'sts/postgres', filename: [cluster], namespace: 'shop' },
    ],
    [
      '-f repeated and comma-separated, as kubectl',
      ['who', '-f', 'a.yaml', '--filename', 'b.yaml,c.yaml'],
      { filename: ['a.yaml', 'b.yaml,c.yaml'] },
    ],
    [
      'a single flag given twice keeps the last value, as kubectl',
      ['who', '-n', 'a', '--namespace', 'b', '-o', 'json', '-oyaml'],
      { namespace: 'b', output: 'yaml' },
    ],
    [
      'a positional that looks like a flag, after --',
      ['explain', '--to', '8.8.8.8', '--', '-odd-pod'],
      { target: '-odd-pod', to: ['8.8.8.8'] },
    ],
  ])('%s', async (_name, argv, expected) => {
    expect(await parsed(argv)).toMatchObject(expected);
  });

  it('does not take a positional of who as a destination', async () => {
    const result = await runMain(['who', '--to', '8.8.8.8', 'web', '-f', cluster]);
    expect([result.code, result.stderr]).toEqual([2, 'error: unexpected argument "web"\n']);
  });
});
