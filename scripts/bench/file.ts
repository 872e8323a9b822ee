/**
 * The `-f` benchmark: `who -A -f FILE -o json` on the benchmark cluster (bench-cluster.ts: 2,000
 * nodes, 150,000 pods) written as one `kubectl get -o yaml`-like List of about 260 MB
 * (big-file.ts, made once and kept in $BENCH_FILE_DIR, default the system's temp folder). One
 * measured run: wall time and peak RSS. Prints measurements only. Run: node scripts/bench/file.ts
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkGnuTime, megabytes, measure, seconds } from './measure.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const dir = process.env.BENCH_FILE_DIR ?? join(tmpdir(), 'kubectl-egress-bench');
const file = join(dir, 'bench-cluster.yaml');

checkGnuTime();
if (!existsSync(file)) {
  mkdirSync(dir, { recursive: true });
  const made = spawnSync(process.execPath, [join(ROOT, 'scripts', 'bench', 'big-file.ts'), file], { stdio: 'inherit' });
  if (made.status !== 0) process.exit(made.status ?? 1);
}
const work = mkdtempSync(join(tmpdir(), 'egress-bench-file-'));
try {
  const run = await measure(process.execPath, [join(ROOT, 'dist', 'kubectl-egress.mjs'), 'who', '-A', '-f', file, '-o', 'json'], process.env, work);
  const size = `${(statSync(file).size / 1e6).toFixed(0)} MB`;
  console.log(`who -A -f (${size} List, 150,000 pods, -o json): ${run.ok ? `${seconds(run.ms)}, peak RSS ${megabytes(run.rssMB)}` : `failed: ${run.error}`}`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
