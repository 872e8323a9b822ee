/**
 * A scenario folder (test/scenarios/<name>/) as the engine tests read it in process: its objects,
 * edited (pods added beside the originals), built into a snapshot with the flags its expected.yaml
 * names, every pod selected, and a query for the given destinations with those flags.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { parseDestination } from '../../src/config/destinations.ts';
import { parseManifests } from '../../src/config/manifests.ts';
import { selectPods } from '../../src/engine/select.ts';
import { buildSnapshot } from '../../src/engine/snapshot.ts';
import type { Query } from '../../src/model/decision.ts';
import type { KubeObject } from '../../src/model/objects.ts';
import type { Snapshot } from '../../src/model/snapshot.ts';

export const SCENARIOS = join(import.meta.dirname, '..', 'scenarios');

interface Flags {
  natIP?: string;
  noDefaultSnat?: boolean;
  vpcCIDRs?: string[];
  datapath?: string;
}

export interface ScenarioCluster {
  snapshot: Snapshot;
  pods: ReturnType<typeof selectPods>;
  /** The destinations its expected.yaml asks about. */
  asked: string[];
  /** A query for these destinations (the resolvable ones), with the folder's flags. */
  query(destinations: readonly string[], extra?: Partial<Query>): Query;
}

export function scenarioCluster(name: string, edit: (objects: readonly KubeObject[]) => KubeObject[]): ScenarioCluster {
  const dir = join(SCENARIOS, name);
  const parsed = parseManifests(readFileSync(join(dir, 'objects.yaml'), 'utf8'), name);
  const expectedFile = join(dir, 'expected.yaml');
  const expected = existsSync(expectedFile)
    ? (parse(readFileSync(expectedFile, 'utf8')) as { flags?: Flags; decisions?: { to: string }[] })
    : {};
  const flags = expected.flags ?? {};
  const snapshot = buildSnapshot(edit(parsed.objects), {
    gaps: parsed.gaps,
    ...(flags.noDefaultSnat ? { noDefaultSnat: true } : {}),
    ...(flags.datapath ? { datapath: flags.datapath.split(',') } : {}),
  });
  return {
    snapshot,
    pods: selectPods(snapshot, { allNamespaces: true, selector: [] }),
    asked: (expected.decisions ?? []).map((d) => d.to),
    query: (texts, extra = {}) => ({
      destinations: resolved(texts),
      ...extra,
      ...(flags.natIP ? { natIP: flags.natIP } : {}),
      ...(flags.vpcCIDRs ? { vpcCIDRs: flags.vpcCIDRs } : {}),
    }),
  };
}

/** The destinations among the texts that resolve without a lookup, each once. */
export function resolved(texts: readonly string[]) {
  return [...new Set(texts)].flatMap((t) => {
    const parsed = parseDestination(t);
    return parsed.kind === 'resolved' ? [parsed.destination] : [];
  });
}
