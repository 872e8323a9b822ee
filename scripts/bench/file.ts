/**
 * The `-f` benchmark: `who -A -f FILE -o json` on the cluster bench's shape (big-file.ts: the scale
 * fixture's Deployments, DaemonSets and Cilium, realistic pods) written as `kubectl get -A -o yaml`
 * writes it, at 2,000 nodes / 50,000 pods and at Kubernetes' supported limit, 5,000 nodes / 150,000
 * pods (issue 20: the larger under 4× the smaller's time and 1.5 GB). Each file is made once and
 * kept in $BENCH_FILE_DIR (default the system's temp folder); BENCH_FILE_RUNS runs of each (1),
 * alternating. Prints measurements and their ratio only. Run: node scripts/bench/file.ts
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, renameSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkGnuTime, megabytes, measure, median, ratio, seconds, type Sample } from './measure.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const dir = process.env.BENCH_FILE_DIR ?? join(tmpdir(), 'kubectl-egress-bench');
const RUNS = Number(process.env.BENCH_FILE_RUNS ?? 1);
const SIZES = [
  { name: '50,000 pods / 2,000 nodes', file: join(dir, 'cluster-50k.yaml'), nodes: 2_000, pods: 50_000 },
  { name: '150,000 pods / 5,000 nodes', file: join(dir, 'cluster-150k.yaml'), nodes: 5_000, pods: 150_000 },
];

checkGnuTime();
mkdirSync(dir, { recursive: true });
for (const size of SIZES) {
  if (existsSync(size.file)) continue;
  console.error(`[file] writing ${size.file} (${size.name})`);
  // Written under another name first, so that an interrupted run leaves no half file to measure.
  const made = spawnSync(
    process.execPath,
    [join(ROOT, 'scripts', 'bench', 'big-file.ts'), `${size.file}.part`, String(size.nodes), String(size.pods)],
    { stdio: 'inherit' },
  );
  if (made.status !== 0) process.exit(made.status ?? 1);
  renameSync(`${size.file}.part`, size.file);
}

const work = mkdtempSync(join(tmpdir(), 'egress-bench-file-'));
const samples = SIZES.map(() => [] as Sample[]);
try {
  for (let run = 0; run < RUNS; run++) {
    for (const [i, size] of SIZES.entries()) {
      samples[i]!.push(
        await measure(
          process.execPath,
          [join(ROOT, 'dist', 'kubectl-egress.mjs'), 'who', '-A', '-f', size.file, '-o', 'json'],
          process.env,
          work,
        ),
      );
    }
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}

const medians = SIZES.map((size, i) => {
  const ok = samples[i]!.filter((s) => s.ok);
  const failed = samples[i]!.find((s) => !s.ok);
  const mb = (statSync(size.file).size / 1e6).toFixed(0);
  if (failed && !failed.ok) {
    console.log(`who -A -f (${size.name}, ${mb} MB YAML List, -o json): failed: ${failed.error}`);
    return undefined;
  }
  const m = { ms: median(ok.map((s) => s.ms)), rssMB: median(ok.map((s) => s.rssMB)) };
  console.log(
    `who -A -f (${size.name}, ${mb} MB YAML List, -o json): ${seconds(m.ms)}, peak RSS ${megabytes(m.rssMB)} (median of ${ok.length})`,
  );
  return m;
});
const [small, large] = medians;
if (small && large)
  console.log(
    `  150,000 against 50,000 pods: ${ratio(large.ms, small.ms)} the time (target < 4×), ${ratio(large.rssMB, small.rssMB)} the memory; peak ${megabytes(large.rssMB)} (target < 1.5 GB)`,
  );
