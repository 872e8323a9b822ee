// `npm run bench`: measurements, never assertions. The engine micro-benchmark
// (scripts/bench/engine.ts) and the output one on its decisions (scripts/bench/table.ts: who's
// tables, its -o json report and lint hint), then the single executable's startup and size (built
// from the checkout first): `--help` straight and through kubectl ($KUBECTL or the lab's), against
// `plugin/kubectl-egress` on the project's Node.js, and the archives' sizes; then the cluster
// benchmark (scripts/bench/cluster.ts): every command of `kubectl egress` that reads the cluster
// (scripts/bench/commands.ts: explain, who -n, allowlist, lint, who -A, snapshot -A) against the
// `kubectl get` that reads the same objects, round-robin, on a 2,000-node, 50,000-pod kube-apiserver;
// snapshot -A's List is left in $BENCH_FILE_DIR/cluster-snapshot.yaml for `who -A -f` to read back. BENCH_ENGINE_RUNS: engine runs (5); BENCH_RUNS: startup runs (30);
// BENCH_TABLE_RUNS: output runs (3); BENCH_CLUSTER_RUNS: cluster runs (5); BENCH_CLUSTER=0 skips the
// cluster part; BENCH_BUILD=0 measures dist/ without building it first; BENCH_FILE=0 skips the `-f`
// benchmark (scripts/bench/file.ts: `who -A -f` of the engine benchmark's cluster as a 260 MB List).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const EXECUTABLE = join(ROOT, 'dist', 'sea', 'linux_amd64', 'kubectl-egress');
const RUNS = Number(process.env.BENCH_RUNS ?? 30);

// What is measured is the checkout, never an older build left in dist/: the bundle and the
// linux/amd64 single executable are built first (BENCH_BUILD=0 measures dist/ as it is).
if (process.env.BENCH_BUILD !== '0') {
  for (const args of [['scripts/build.mjs'], ['scripts/package.mjs', '--platforms', 'linux/amd64']]) {
    const built = spawnSync(
      process.execPath,
      args.map((a, i) => (i === 0 ? join(ROOT, a) : a)),
      { stdio: ['ignore', 'ignore', 'inherit'] },
    );
    if (built.status !== 0) process.exit(built.status ?? 1);
  }
}

engineBench();
const table = spawnSync(process.execPath, [join(ROOT, 'scripts', 'bench', 'table.ts')], { stdio: 'inherit' });
if (table.status !== 0) process.exit(table.status ?? 1);

/**
 * The engine micro-benchmark, each run a fresh process (as every `who` is): its lines once, then
 * the median engine time and peak RSS of BENCH_ENGINE_RUNS runs (5).
 */
function engineBench() {
  const runs = Number(process.env.BENCH_ENGINE_RUNS ?? 5);
  const samples = [];
  for (let i = 0; i < runs; i++) {
    const run = spawnSync(process.execPath, [join(ROOT, 'scripts', 'bench', 'engine.ts')], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    if (run.status !== 0) process.exit(run.status ?? 1);
    if (i === 0) process.stdout.write(run.stdout);
    samples.push({
      ms: Number(/engine \(predict[^:]*: (\d+) ms/.exec(run.stdout)[1]),
      rss: Number(/peak RSS (\d+) MB/.exec(run.stdout)[1]),
    });
  }
  const median = (values) => values.sort((a, b) => a - b)[Math.floor(values.length / 2)];
  const all = samples.map((s) => s.ms).join(', ');
  console.log(
    `  engine median of ${runs} runs: ${median(samples.map((s) => s.ms))} ms (${all}), peak RSS median ${median(samples.map((s) => s.rss))} MB`,
  );
}

/** Wall time of each run in ms, after two warm-up runs (page cache). */
function time(command, args, env = process.env) {
  const samples = [];
  for (let i = 0; i < RUNS + 2; i++) {
    const start = process.hrtime.bigint();
    const result = spawnSync(command, args, { env, stdio: 'ignore' });
    if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} exited ${result.status}`);
    if (i >= 2) samples.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  samples.sort((a, b) => a - b);
  const at = (q) => samples[Math.min(samples.length - 1, Math.floor(q * samples.length))].toFixed(0);
  return `median ${at(0.5)} ms, p90 ${at(0.9)} ms, min ${samples[0].toFixed(0)} ms (${RUNS} runs)`;
}

function labKubectl() {
  if (process.env.KUBECTL) return process.env.KUBECTL;
  const built = spawnSync('bash', [join(ROOT, 'test', 'lab', 'build-k8s.sh'), 'kubectl'], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  return built.status === 0 ? join(built.stdout.trim().split('\n').pop(), 'kubectl') : undefined;
}

const mb = (file) => `${(statSync(file).size / 1e6).toFixed(1)} MB`;

function executableBench() {
  console.log(`kubectl-egress --help (single executable):   ${time(EXECUTABLE, ['--help'])}`);
  console.log(
    `plugin/kubectl-egress --help (from source):   ${time(join(ROOT, 'plugin', 'kubectl-egress'), ['--help'])}`,
  );
  const kubectl = labKubectl();
  if (kubectl) {
    const env = { ...process.env, PATH: `${join(ROOT, 'dist', 'sea', 'linux_amd64')}:/usr/bin:/bin`, KUBECONFIG: '' };
    console.log(`kubectl egress --help (single executable):   ${time(kubectl, ['egress', '--help'], env)}`);
  }
  console.log(`executable linux/amd64: ${mb(EXECUTABLE)}`);
  const release = join(ROOT, 'dist', 'release');
  for (const file of readdirSync(release).filter((f) => /\.(tar\.gz|zip)$/.test(f)))
    console.log(`${file}: ${mb(join(release, file))}`);
}

/** Runs the cluster benchmark; Ctrl-C and SIGTERM reach it, and it tears down what it started before exiting. */
function clusterBench() {
  const child = spawn(process.execPath, [join(ROOT, 'scripts', 'bench', 'cluster.ts')], { stdio: 'inherit' });
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
  return new Promise((resolve) => child.on('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0))));
}

if (existsSync(EXECUTABLE)) executableBench();
else
  console.log('executable: not measured, dist/sea/linux_amd64/kubectl-egress is missing (run `npm run package` first)');
if (process.env.BENCH_CLUSTER === '0') console.log('cluster: skipped (BENCH_CLUSTER=0)');
else process.exitCode = await clusterBench();
// After the cluster, whose `snapshot -A` file (scripts/bench/commands.ts SNAPSHOT_FILE) it may read.
if (process.env.BENCH_FILE === '0') console.log('-f: skipped (BENCH_FILE=0)');
else {
  const file = spawnSync(process.execPath, [join(ROOT, 'scripts', 'bench', 'file.ts')], { stdio: 'inherit' });
  if (file.status !== 0) process.exit(file.status ?? 1);
}
