// `npm run bench`: measurements, never assertions. The engine micro-benchmark
// (scripts/bench/engine.ts), then the single executable's startup and size (after
// `npm run package`): `--help` straight and through kubectl ($KUBECTL or the lab's), against
// `plugin/kubectl-egress` on the project's Node.js, and the archives' sizes.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const EXECUTABLE = join(ROOT, 'dist', 'sea', 'linux_amd64', 'kubectl-egress');
const RUNS = Number(process.env.BENCH_RUNS ?? 30);

const engine = spawnSync(process.execPath, [join(ROOT, 'scripts', 'bench', 'engine.ts')], { stdio: 'inherit' });
if (engine.status !== 0) process.exit(engine.status ?? 1);
if (!existsSync(EXECUTABLE)) {
  console.log('executable: not measured, dist/sea/linux_amd64/kubectl-egress is missing (run `npm run package` first)');
  process.exit(0);
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
  const built = spawnSync('bash', [join(ROOT, 'test', 'lab', 'build-k8s.sh'), 'kubectl'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  return built.status === 0 ? join(built.stdout.trim().split('\n').pop(), 'kubectl') : undefined;
}

const mb = (file) => `${(statSync(file).size / 1e6).toFixed(1)} MB`;
console.log(`kubectl-egress --help (single executable):   ${time(EXECUTABLE, ['--help'])}`);
console.log(`plugin/kubectl-egress --help (from source):   ${time(join(ROOT, 'plugin', 'kubectl-egress'), ['--help'])}`);
const kubectl = labKubectl();
if (kubectl) {
  const env = { ...process.env, PATH: `${join(ROOT, 'dist', 'sea', 'linux_amd64')}:/usr/bin:/bin`, KUBECONFIG: '' };
  console.log(`kubectl egress --help (single executable):   ${time(kubectl, ['egress', '--help'], env)}`);
}
console.log(`executable linux/amd64: ${mb(EXECUTABLE)}`);
const release = join(ROOT, 'dist', 'release');
for (const file of readdirSync(release).filter((f) => /\.(tar\.gz|zip)$/.test(f))) console.log(`${file}: ${mb(join(release, file))}`);
