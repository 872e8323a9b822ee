/**
 * What the cluster benchmark runs (issue 20): every command of `kubectl egress` that reads the
 * cluster, each beside the kubectl command that reads the same objects where there is one, and the
 * ratios it prints. `snapshot -A` writes its List to $BENCH_FILE_DIR/cluster-snapshot.yaml (default
 * the system's temp folder, kubectl-egress-bench/), which `who -A -f` reads back right after it.
 */
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface BenchCommand {
  label: string;
  /** kubectl's arguments (`egress …` runs the plugin). */
  args: string[];
  /** allowlist exits 1 when a set is incomplete: an answer, not a failure. */
  exitCodes?: number[];
  /** Where stdout goes; /dev/null unless given. */
  stdout?: string;
}

/** A ratio the benchmark prints: `of` against the sum of `to`. */
export interface Comparison {
  of: string;
  to: string[];
}

/** A namespace, a pod in it and a Deployment of it, picked from the cluster before the runs. */
export interface Targets {
  namespace: string;
  pod: string;
  deployment: string;
}

export const FILE_DIR = process.env['BENCH_FILE_DIR'] ?? join(tmpdir(), 'kubectl-egress-bench');
export const SNAPSHOT_FILE = join(FILE_DIR, 'cluster-snapshot.yaml');
/**
 * Where `who -A -o json` writes: a file, as snapshot's List goes to one, so that the two commands
 * compared write to the same kind of sink (writing costs nothing on /dev/null; in a CPU profile of
 * one run, writing who's JSON report to a file took 0.9 s).
 */
const WHO_FILE = join(FILE_DIR, 'who-all.json');

export function benchCommands({ namespace, pod, deployment }: Targets): BenchCommand[] {
  const allow = [0, 1];
  return [
    {
      label: `egress explain POD -n NS -o json`,
      args: ['egress', 'explain', pod, '-n', namespace, '--to', '8.8.8.8', '-o', 'json'],
    },
    { label: 'get pod POD -n NS -o json', args: ['get', 'pod', pod, '-n', namespace, '-o', 'json'] },
    { label: 'egress who -n NS -o json', args: ['egress', 'who', '-n', namespace, '-o', 'json'] },
    { label: 'get pods -n NS -o json', args: ['get', 'pods', '-n', namespace, '-o', 'json'] },
    {
      label: 'egress allowlist deploy/X -n NS',
      args: ['egress', 'allowlist', `deployment/${deployment}`, '-n', namespace, '--to', '8.8.8.8'],
      exitCodes: allow,
    },
    {
      label: 'egress allowlist -A -l team',
      args: ['egress', 'allowlist', '-A', '-l', 'team', '--to', '8.8.8.8', '-o', 'json'],
      exitCodes: allow,
    },
    { label: 'egress lint -A -o json', args: ['egress', 'lint', '-A', '-o', 'json'], exitCodes: allow },
    { label: 'egress who -A (table)', args: ['egress', 'who', '-A'] },
    { label: 'egress who -A -o json', args: ['egress', 'who', '-A', '-o', 'json'], stdout: WHO_FILE },
    { label: 'egress snapshot -A', args: ['egress', 'snapshot', '-A'], stdout: SNAPSHOT_FILE },
    // Right after snapshot -A, so each run reads back the List the run before it wrote.
    {
      label: 'egress who -A -f snapshot -o json',
      args: ['egress', 'who', '-A', '-f', SNAPSHOT_FILE, '-o', 'json'],
    },
    { label: 'get pods -A -o json', args: ['get', 'pods', '-A', '-o', 'json'] },
    { label: 'get nodes -o json', args: ['get', 'nodes', '-o', 'json'] },
  ];
}

export const COMPARISONS: Comparison[] = [
  { of: 'egress explain POD -n NS -o json', to: ['get pod POD -n NS -o json'] },
  { of: 'egress who -n NS -o json', to: ['get pods -n NS -o json'] },
  { of: 'egress who -A -o json', to: ['get pods -A -o json'] },
  { of: 'egress who -A -o json', to: ['get pods -A -o json', 'get nodes -o json'] },
  { of: 'egress who -A (table)', to: ['get pods -A -o json'] },
  { of: 'egress lint -A -o json', to: ['get pods -A -o json'] },
  { of: 'egress snapshot -A', to: ['egress who -A -o json'] },
  { of: 'egress snapshot -A', to: ['egress who -A (table)'] },
  { of: 'egress who -A -f snapshot -o json', to: ['egress who -A -o json'] },
];

/** BENCH_ONLY=label,label… runs only the commands whose labels contain one of them (while developing). */
export function selected(commands: BenchCommand[]): BenchCommand[] {
  const only = (process.env['BENCH_ONLY'] ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  return only.length === 0 ? commands : commands.filter((c) => only.some((o) => c.label.includes(o)));
}
