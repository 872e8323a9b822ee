/**
 * The cluster half of `npm run bench` (issue 9): against the scale cluster (scale-cluster.ts: 2,000
 * nodes, 50,000 Running pods, Cilium egress gateway policies) it runs, round-robin,
 * `kubectl egress who -A -o json`, `kubectl get pods -A -o json` and `kubectl get nodes -o json`
 * BENCH_CLUSTER_RUNS times each (default 5) and prints wall time and peak RSS: the cold run (the
 * first of each, right after the kube-apiserver started) apart from the warm medians, and who's
 * ratios to kubectl. Measurements only. Run: node scripts/bench/cluster.ts.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describeMemory } from './proc.ts';
import { checkGnuTime, measure, median, megabytes, ratio, RUN_TIMEOUT_MS, seconds, type Sample } from './measure.ts';
import { countKubectlItems, countWhoPods } from './sanity.ts';
import { labBinaries, startScaleCluster } from './scale-cluster.ts';
import { teardown, teardownOnSignals } from './teardown.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const RUNS = Math.max(1, Number(process.env['BENCH_CLUSTER_RUNS'] ?? 5));

const TOOLS = [
  { label: 'kubectl egress who -A -o json', args: ['egress', 'who', '-A', '-o', 'json'] },
  { label: 'kubectl get pods -A -o json', args: ['get', 'pods', '-A', '-o', 'json'] },
  { label: 'kubectl get nodes -o json', args: ['get', 'nodes', '-o', 'json'] },
] as const;

/** The plugin kubectl finds on PATH: the single executable if packaged, else the script running the bundle. */
function choosePlugin(): { path: string; description: string } {
  const executable = join(ROOT, 'dist', 'sea', 'linux_amd64', 'kubectl-egress');
  if (existsSync(executable)) return { path: executable, description: `dist/sea/linux_amd64/kubectl-egress (single executable): ${versionOf(executable)}` };
  if (!existsSync(join(ROOT, 'dist', 'kubectl-egress.mjs'))) {
    const built = spawnSync(process.execPath, [join(ROOT, 'scripts', 'build.mjs')], { stdio: 'inherit' });
    if (built.status !== 0) throw new Error('node scripts/build.mjs failed');
  }
  const script = join(ROOT, 'plugin', 'kubectl-egress');
  return { path: script, description: `plugin/kubectl-egress (dist/kubectl-egress.mjs): ${versionOf(script)}` };
}

/** Its version line names the commit it was built from, which may be older than the checkout's. */
function versionOf(plugin: string): string {
  const version = spawnSync(plugin, ['version'], { encoding: 'utf8' }).stdout.trim();
  const head = spawnSync('git', ['rev-parse', '--short=12', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).stdout.trim();
  return head && !version.includes(head) ? `${version}; the checkout is at ${head} (npm run package / npm run build to measure it)` : version;
}

/** kubectl runs a plugin with exec(2) in its own process on Linux, so GNU time's peak RSS is the plugin's; checked, not assumed. */
function pluginRunsInPlace(kubectl: string, env: NodeJS.ProcessEnv, bin: string): boolean {
  writeFileSync(join(bin, 'kubectl-benchpid'), '#!/bin/sh\necho $$\n', { mode: 0o755 });
  const child = spawnSync('/bin/sh', ['-c', 'echo $$; exec "$0" benchpid', kubectl], { env, encoding: 'utf8' });
  const [shell, plugin] = child.stdout.trim().split('\n');
  return child.status === 0 && shell === plugin;
}

function pluginEnv(work: string, kubeconfig: string, pluginPath: string): NodeJS.ProcessEnv {
  const bin = join(work, 'bin');
  mkdirSync(bin, { recursive: true });
  // A copy of the single executable, so a `npm run package` meanwhile cannot change what is measured
  // halfway; the script finds its bundle through its own path, so it is linked.
  if (pluginPath.endsWith(join('sea', 'linux_amd64', 'kubectl-egress'))) copyFileSync(pluginPath, join(bin, 'kubectl-egress'));
  else symlinkSync(pluginPath, join(bin, 'kubectl-egress'));
  // KUBECACHEDIR: kubectl's discovery cache starts empty, and stays out of ~/.kube.
  return { PATH: `${bin}:/usr/bin:/bin`, HOME: process.env['HOME'], KUBECONFIG: kubeconfig, KUBECACHEDIR: join(work, 'kube-cache') };
}

async function roundRobin(kubectl: string, env: NodeJS.ProcessEnv, work: string): Promise<Sample[][]> {
  const samples: Sample[][] = TOOLS.map(() => []);
  for (let run = 1; run <= RUNS; run++) {
    for (const [i, tool] of TOOLS.entries()) {
      const sample = await measure(kubectl, [...tool.args], env, work);
      samples[i]!.push(sample);
      console.error(`[bench] run ${run}/${RUNS} ${tool.label}: ${sample.ok ? `${seconds(sample.ms)}, ${megabytes(sample.rssMB)}` : `FAILED (${sample.error})`}`);
    }
  }
  return samples;
}

type Figures = { ms: number; rssMB: number } | undefined;

function figures(samples: Sample[]): Figures {
  const ok = samples.filter((s) => s.ok);
  return ok.length === 0 ? undefined : { ms: median(ok.map((s) => s.ms)), rssMB: median(ok.map((s) => s.rssMB)) };
}

const cell = (f: Figures) => (f ? `${seconds(f.ms).padStart(9)} ${megabytes(f.rssMB).padStart(8)}` : '   failed'.padEnd(18));

function ratios(label: string, [who, pods, nodes]: Figures[]): string {
  if (!who || !pods || !nodes) return `  ${label}: n/a (a tool failed)`;
  return `  ${label}: who / get pods: time ${ratio(who.ms, pods.ms)}, RSS ${ratio(who.rssMB, pods.rssMB)}; `
    + `who / (get pods + get nodes): time ${ratio(who.ms, pods.ms + nodes.ms)}, RSS ${ratio(who.rssMB, pods.rssMB + nodes.rssMB)}`;
}

function report(samples: Sample[][]): void {
  const cold = samples.map((s) => figures(s.slice(0, 1)));
  const warm = samples.map((s) => figures(s.slice(1)));
  console.log(`  ${''.padEnd(32)} ${'cold (run 1)'.padEnd(18)}   warm median (runs 2–${RUNS})`);
  for (const [i, tool] of TOOLS.entries()) {
    const failures = samples[i]!.filter((s) => !s.ok).length;
    console.log(`  ${tool.label.padEnd(32)} ${cell(cold[i])}   ${RUNS > 1 ? cell(warm[i]) : 'n/a'}${failures ? `   (${failures} of ${RUNS} runs failed)` : ''}`);
  }
  console.log(ratios('cold', cold));
  if (RUNS > 1) console.log(ratios('warm', warm));
  for (const [i, tool] of TOOLS.entries()) {
    for (const failure of samples[i]!.filter((s) => !s.ok)) console.log(`  ${tool.label} failed: ${failure.error}`);
  }
}

async function sanity(kubectl: string, env: NodeJS.ProcessEnv, work: string): Promise<void> {
  const who = await countWhoPods(kubectl, [...TOOLS[0].args], env, work);
  const pods = await countKubectlItems(kubectl, [...TOOLS[1].args], env, work, 'Pod');
  const nodes = await countKubectlItems(kubectl, [...TOOLS[2].args], env, work, 'Node');
  console.log(`  sanity: who reported ${who}; kubectl get pods returned ${pods}; kubectl get nodes returned ${nodes}`);
}

async function main(): Promise<void> {
  checkGnuTime();
  const binDir = labBinaries();
  const plugin = choosePlugin();
  const cluster = await startScaleCluster(binDir);
  const kubectl = join(binDir, 'kubectl');
  const env = pluginEnv(cluster.work, cluster.kubeconfig, plugin.path);
  console.log(`cluster: 2,000 kwok nodes, 50,000 Running pods, 200 CiliumEgressGatewayPolicies; ${RUNS} runs of each tool, round-robin, stdout to /dev/null, timeout ${RUN_TIMEOUT_MS / 60_000} min per run`);
  console.log(`  kubectl egress runs ${plugin.description}`);
  console.log(`  kubectl ${pluginRunsInPlace(kubectl, env, join(cluster.work, 'bin')) ? 'execs the plugin in place (same PID): peak RSS of `kubectl egress` is the plugin\'s' : 'does NOT exec the plugin in place: peak RSS is kubectl\'s own, not the plugin\'s'}`);
  const samples = await roundRobin(kubectl, env, cluster.work);
  report(samples);
  console.log(`  server after the runs: ${describeMemory('kube-apiserver', cluster.lab.pids.apiserver)}, ${describeMemory('etcd', cluster.lab.pids.etcd)}`);
  await sanity(kubectl, env, cluster.work);
}

teardownOnSignals();
try {
  await main();
} catch (error) {
  console.error(`bench cluster: ${(error as Error).message}`);
  process.exitCode = 1;
} finally {
  await teardown();
}
