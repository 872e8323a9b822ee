/**
 * Runs each allowlist scenario (test/scenarios/allowlist-<name>/allowlist.yaml, with its
 * objects.yaml or the `objects` file it names) through the real entry point
 * (`plugin/kubectl-egress allowlist … -f objects -o json`) and checks the exit code, the minimal
 * set, the nodes covered and the note codes.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { runPlugin } from './support/plugin.ts';

interface Run {
  it: string;
  args: string[];
  exit: number;
  cidrs: string[];
  eligibleNodes: string[];
  notes: string[];
  /** Reason codes of the unknown parts (PART_UNKNOWN), when there are some. */
  reasons?: string[];
}

interface Scenario {
  description: string;
  objects?: string;
  runs: Run[];
}

interface Item {
  cidrs: string[];
  eligibleNodes: string[];
  complete: boolean;
  notes: { code: string; reasons?: { code: string }[] }[];
}

const root = join(import.meta.dirname, 'scenarios');
const scenarios = readdirSync(root)
  .filter((name) => existsSync(join(root, name, 'allowlist.yaml')))
  .sort();

describe('allowlist scenarios', () => {
  it('has scenario folders to run', () => {
    expect(scenarios.length).toBeGreaterThanOrEqual(3);
  });

  describe.each(scenarios)('%s', (name) => {
    const scenario = parse(readFileSync(join(root, name, 'allowlist.yaml'), 'utf8')) as Scenario;
    const objects = join(root, name, scenario.objects ?? 'objects.yaml');

    it.each(scenario.runs.map((run) => [run.it, run] as const))('%s', async (_it, run) => {
      const result = await runPlugin(['allowlist', ...run.args.map(String), '-f', objects, '-o', 'json']);
      expect(result.code, result.stderr).toBe(run.exit);
      const [item] = (JSON.parse(result.stdout) as { items: Item[] }).items;
      expect(item?.cidrs).toEqual(run.cidrs);
      expect(item?.eligibleNodes).toEqual(run.eligibleNodes);
      expect(item?.notes.map((n) => n.code)).toEqual(run.notes);
      expect(item?.complete).toBe(run.exit === 0);
      expect(item?.notes.flatMap((n) => n.reasons ?? []).map((r) => r.code)).toEqual(run.reasons ?? []);
    });
  });
});
