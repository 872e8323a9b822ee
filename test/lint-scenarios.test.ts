/**
 * Runs each lint scenario (test/scenarios/lint-<name>/lint.yaml, with its objects.yaml or the
 * `objects` file it names) through the real entry point (`plugin/kubectl-egress lint … -f objects
 * -o json`) and checks the exit code and exactly the findings listed: code, severity and object.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { LINT_CODES } from '../src/engine/lint/index.ts';
import { runPlugin } from './support/plugin.ts';

interface ExpectedFinding {
  code: string;
  severity: string;
  object: { kind: string; namespace?: string; name: string; key?: string };
}

interface Run {
  it: string;
  args: string[];
  exit: number;
  findings: ExpectedFinding[];
}

interface Scenario {
  description: string;
  objects?: string;
  runs: Run[];
}

const root = join(import.meta.dirname, 'scenarios');
const scenarios = readdirSync(root)
  .filter((name) => existsSync(join(root, name, 'lint.yaml')))
  .sort();
const loaded = scenarios.map(
  (name) => [name, parse(readFileSync(join(root, name, 'lint.yaml'), 'utf8')) as Scenario] as const,
);

describe('lint scenarios', () => {
  it('has a scenario for every code, and one with no findings', () => {
    const shown = new Set(loaded.flatMap(([, s]) => s.runs.flatMap((r) => r.findings.map((f) => f.code))));
    expect([...shown].sort()).toEqual(Object.keys(LINT_CODES).sort());
    expect(loaded.some(([, s]) => s.runs.some((r) => r.findings.length === 0 && r.exit === 0))).toBe(true);
  });

  describe.each(loaded)('%s', (name, scenario) => {
    const objects = join(root, name, scenario.objects ?? 'objects.yaml');

    it.each(scenario.runs.map((run) => [run.it, run] as const))('%s', async (_it, run) => {
      const result = await runPlugin(['lint', ...run.args.map(String), '-f', objects, '-o', 'json']);
      expect(result.code, result.stderr).toBe(run.exit);
      expect(result.stderr).toBe('');
      const report = JSON.parse(result.stdout) as { items: (ExpectedFinding & { message: string; fix: string })[] };
      expect(report.items.map(({ code, severity, object }) => ({ code, severity, object }))).toEqual(run.findings);
      // Every finding says what is wrong and how to fix it, each on one line.
      for (const item of report.items)
        expect([item.message, item.fix].every((t) => t.length > 0 && !t.includes('\n'))).toBe(true);
    });
  });
});
