/**
 * The import rules of design §3, enforced: cli → {cluster, probe, render} → engine → {config, model}, with
 * net/ (the network-maths library) usable by all of them above model;
 * and, inside a layer, folders that import one way. A failure names the file, the import, and what
 * to do instead.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = join(import.meta.dirname, '..', 'src');

interface Rule {
  layers: string[];
  packages: string[];
  node: boolean;
}

/** What each layer may import: source layers, npm packages, and whether node:* built-ins. */
const RULES: Record<string, Rule> = {
  model: { layers: ['model'], packages: [], node: false },
  // The network-maths library (addresses, CIDRs, range sets) every layer above model uses.
  net: { layers: ['net', 'model'], packages: ['ipaddr.js'], node: false },
  config: { layers: ['config', 'net', 'model'], packages: ['yaml'], node: false },
  engine: { layers: ['engine', 'config', 'net', 'model'], packages: [], node: false },
  render: { layers: ['render', 'engine', 'config', 'net', 'model'], packages: ['cli-table3', 'yaml'], node: false },
  cluster: {
    layers: ['cluster', 'engine', 'config', 'net', 'model', 'errors'],
    packages: ['@kubernetes/client-node', 'undici'],
    node: true,
  },
  probe: {
    layers: ['probe', 'engine', 'config', 'net', 'model', 'errors'],
    packages: ['@kubernetes/client-node'],
    node: true,
  },
  cli: {
    layers: ['cli', 'cluster', 'probe', 'render', 'engine', 'config', 'net', 'model', 'errors'],
    packages: ['yargs'],
    node: true,
  },
  errors: { layers: ['errors'], packages: [], node: false },
};

/** Pure layers must not reach for the process, the clock or randomness either. */
const IMPURE = /\bprocess\.|Date\.now\(|new Date\(|Math\.random\(/;
const PURE_LAYERS = ['model', 'net', 'config', 'engine'];

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sourceFiles(path) : path.endsWith('.ts') ? [path] : [];
  });
}

function layerOf(file: string): string {
  const rel = relative(SRC, file);
  return rel.includes('/') ? rel.split('/')[0]! : rel.replace(/\.ts$/, '');
}

function importsOf(text: string): string[] {
  const found = [
    ...text.matchAll(/(?:^|\n)\s*(?:import|export)\s[^;]*?from\s+'([^']+)'/g),
    ...text.matchAll(/import\(\s*'([^']+)'\s*\)/g),
  ];
  return found.map((m) => m[1]!);
}

/** A file's folder under src/: `engine` for src/engine/x.ts, `engine/snat` for src/engine/snat/x.ts. */
function folderOf(file: string): string {
  return relative(SRC, dirname(file)) || '.';
}

/** Folder → the folders it imports → the imports that do it (for the message). */
type FolderGraph = Map<string, Map<string, string[]>>;

function folderGraph(sources: { file: string; text: string }[]): FolderGraph {
  const graph: FolderGraph = new Map();
  for (const { file, text } of sources) {
    const from = folderOf(file);
    for (const spec of importsOf(text).filter((s) => s.startsWith('.'))) {
      const to = folderOf(join(dirname(file), spec));
      if (to === from) continue;
      const edges = graph.get(from) ?? new Map<string, string[]>();
      graph.set(from, edges.set(to, [...(edges.get(to) ?? []), `${relative(SRC, file)} imports ${spec}`]));
    }
  }
  return graph;
}

/** The graph without the imports, either way, between the folders of each pair. */
function withoutPairs(graph: FolderGraph, pairs: readonly (readonly [string, string])[]): FolderGraph {
  const allowed = (a: string, b: string) => pairs.some(([x, y]) => (x === a && y === b) || (x === b && y === a));
  return new Map([...graph].map(([from, edges]) => [from, new Map([...edges].filter(([to]) => !allowed(from, to)))]));
}

/**
 * The cycles a depth-first walk meets (at least one in each tangle, so an empty list means none),
 * each as its path of folders and, for every step, the first import that makes it.
 */
function folderCycles(graph: FolderGraph): string[] {
  const cycles: string[] = [];
  const done = new Set<string>();
  const path: string[] = [];
  const visit = (folder: string): void => {
    path.push(folder);
    for (const next of [...(graph.get(folder)?.keys() ?? [])].sort()) {
      const start = path.indexOf(next);
      if (start >= 0) cycles.push(describeCycle(graph, [...path.slice(start), next]));
      else if (!done.has(next)) visit(next);
    }
    path.pop();
    done.add(folder);
  };
  for (const folder of [...graph.keys()].sort()) if (!done.has(folder)) visit(folder);
  return cycles;
}

function describeCycle(graph: FolderGraph, folders: string[]): string {
  const steps = folders.slice(1).map((to, i) => graph.get(folders[i]!)!.get(to)![0]);
  return `${folders.join(' → ')} (${steps.join('; ')})`;
}

/** Folder cycles tolerated for now, each with why and when it goes; an entry no longer needed fails its own test. */
const ALLOWED_CYCLES: { between: [string, string]; why: string }[] = [];

function violations(file: string, text = readFileSync(file, 'utf8')): string[] {
  const layer = layerOf(file);
  const rule = RULES[layer];
  if (!rule) return [`${relative(SRC, file)}: unknown layer "${layer}" — add it to design §3 and to RULES`];
  const problems: string[] = [];
  for (const spec of importsOf(text)) {
    if (spec.startsWith('.')) {
      const target = layerOf(join(file, '..', spec));
      if (!rule.layers.includes(target))
        problems.push(`${relative(SRC, file)} imports ${spec}: ${layer}/ may import only ${rule.layers.join(', ')}`);
    } else if (spec.startsWith('node:')) {
      if (!rule.node)
        problems.push(
          `${relative(SRC, file)} imports ${spec}: ${layer}/ does no I/O; do it in cli/ or cluster/ and pass data in`,
        );
    } else if (!rule.packages.includes(spec)) {
      problems.push(
        `${relative(SRC, file)} imports ${spec}: ${layer}/ may use only ${rule.packages.join(', ') || 'no packages'}`,
      );
    }
  }
  if (PURE_LAYERS.includes(layer) && IMPURE.test(text))
    problems.push(`${relative(SRC, file)} reads the process, clock or randomness: pass it in`);
  return problems;
}

describe('architecture', () => {
  const files = sourceFiles(SRC);
  const graph = folderGraph(files.map((file) => ({ file, text: readFileSync(file, 'utf8') })));

  it('finds the source files', () => {
    expect(files.length).toBeGreaterThan(30);
  });

  it('keeps every import pointing the allowed way', () => {
    expect(files.flatMap((f) => violations(f))).toEqual([]);
  });

  it('uses cli-table3 only in render/table.ts', () => {
    const users = files.filter((f) => importsOf(readFileSync(f, 'utf8')).includes('cli-table3'));
    expect(users.map((f) => relative(SRC, f))).toEqual(['render/table.ts']);
  });

  it('has no import cycles between folders', () => {
    expect(
      folderCycles(
        withoutPairs(
          graph,
          ALLOWED_CYCLES.map((a) => a.between),
        ),
      ),
    ).toEqual([]);
  });

  it('allows only folder cycles that still exist: remove an entry once its cycle is gone', () => {
    const stillNeeded = (entry: (typeof ALLOWED_CYCLES)[number]) =>
      folderCycles(
        withoutPairs(
          graph,
          ALLOWED_CYCLES.filter((e) => e !== entry).map((e) => e.between),
        ),
      ).length > 0;
    expect(ALLOWED_CYCLES.filter((e) => !stillNeeded(e)).map((e) => e.between.join(' ↔ '))).toEqual([]);
  });

  it('finds a cycle between folders and names the imports that make it (the check itself can fail)', () => {
    const cyclic = folderGraph([
      { file: join(SRC, 'cli', 'commands', 'a.ts'), text: "import { b } from '../completion/b.ts';\n" },
      { file: join(SRC, 'cli', 'completion', 'b.ts'), text: "import type { A } from '../commands/a.ts';\n" },
      {
        file: join(SRC, 'cli', 'entry', 'c.ts'),
        text: "import { a } from '../commands/a.ts';\nimport { b } from '../completion/b.ts';\n",
      },
    ]);
    expect(folderCycles(cyclic)).toEqual([
      'cli/commands → cli/completion → cli/commands (cli/commands/a.ts imports ../completion/b.ts; cli/completion/b.ts imports ../commands/a.ts)',
    ]);
    expect(folderCycles(withoutPairs(cyclic, [['cli/completion', 'cli/commands']]))).toEqual([]);
  });

  it('catches forbidden imports and impure calls (the check itself can fail)', () => {
    const text =
      "import { readFileSync } from 'node:fs';\nimport * as k8s from '@kubernetes/client-node';\nimport { x } from '../cli/entry/main.ts';\nconst t = Date.now();\n";
    const problems = violations(join(SRC, 'engine', 'imaginary.ts'), text);
    expect(problems).toHaveLength(4);
    expect(problems.every((p) => p.startsWith('engine/imaginary.ts '))).toBe(true);
    expect(problems.join('\n')).toMatch(/node:fs[\s\S]*client-node[\s\S]*cli\/entry\/main\.ts[\s\S]*clock/);
  });
});
