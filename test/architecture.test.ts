/**
 * The import rules of design §3, enforced: cli → {cluster, probe, render} → engine → {config, model}.
 * A failure names the file, the import, and what to do instead.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
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
  config: { layers: ['config', 'model'], packages: ['ipaddr.js', 'yaml'], node: false },
  engine: { layers: ['engine', 'config', 'model'], packages: [], node: false },
  render: { layers: ['render', 'engine', 'config', 'model'], packages: ['cli-table3', 'yaml'], node: false },
  cluster: { layers: ['cluster', 'engine', 'config', 'model', 'errors'], packages: ['@kubernetes/client-node'], node: true },
  probe: { layers: ['probe', 'engine', 'config', 'model', 'errors'], packages: ['@kubernetes/client-node'], node: true },
  cli: { layers: ['cli', 'cluster', 'probe', 'render', 'engine', 'config', 'model', 'errors'], packages: ['yargs'], node: true },
  errors: { layers: ['errors'], packages: [], node: false },
};

/** Pure layers must not reach for the process, the clock or randomness either. */
const IMPURE = /\bprocess\.|Date\.now\(|new Date\(|Math\.random\(/;
const PURE_LAYERS = ['model', 'config', 'engine'];

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
  const found = [...text.matchAll(/(?:^|\n)\s*(?:import|export)\s[^;]*?from\s+'([^']+)'/g), ...text.matchAll(/import\(\s*'([^']+)'\s*\)/g)];
  return found.map((m) => m[1]!);
}

function violations(file: string, text = readFileSync(file, 'utf8')): string[] {
  const layer = layerOf(file);
  const rule = RULES[layer];
  if (!rule) return [`${relative(SRC, file)}: unknown layer "${layer}" — add it to design §3 and to RULES`];
  const problems: string[] = [];
  for (const spec of importsOf(text)) {
    if (spec.startsWith('.')) {
      const target = layerOf(join(file, '..', spec));
      if (!rule.layers.includes(target)) problems.push(`${relative(SRC, file)} imports ${spec}: ${layer}/ may import only ${rule.layers.join(', ')}`);
    } else if (spec.startsWith('node:')) {
      if (!rule.node) problems.push(`${relative(SRC, file)} imports ${spec}: ${layer}/ does no I/O; do it in cli/ or cluster/ and pass data in`);
    } else if (!rule.packages.includes(spec)) {
      problems.push(`${relative(SRC, file)} imports ${spec}: ${layer}/ may use only ${rule.packages.join(', ') || 'no packages'}`);
    }
  }
  if (PURE_LAYERS.includes(layer) && IMPURE.test(text)) problems.push(`${relative(SRC, file)} reads the process, clock or randomness: pass it in`);
  return problems;
}

describe('architecture', () => {
  const files = sourceFiles(SRC);

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

  it('catches forbidden imports and impure calls (the check itself can fail)', () => {
    const text = "import { readFileSync } from 'node:fs';\nimport * as k8s from '@kubernetes/client-node';\nimport { x } from '../cli/main.ts';\nconst t = Date.now();\n";
    const problems = violations(join(SRC, 'engine', 'imaginary.ts'), text);
    expect(problems).toHaveLength(4);
    expect(problems.every((p) => p.startsWith('engine/imaginary.ts '))).toBe(true);
    expect(problems.join('\n')).toMatch(/node:fs[\s\S]*client-node[\s\S]*cli\/main\.ts[\s\S]*clock/);
  });
});
