/**
 * The scale cluster for `npm run bench`: the lab's etcd + kube-apiserver (watch cache on, no
 * request limits) holding 2,000 nodes and 50,000 Running pods with IPs. The objects are generated
 * once (scale-generate.ts, with kwok) and etcd's data directory is cached under
 * ~/.cache/kubectl-egress/bench/fixture-<etcd version>-<hash of the generator and the binaries>/;
 * each run copies it to a temporary directory, so runs never change the cache (test-lab.md §4.3).
 *
 *   node scripts/bench/scale-cluster.ts     builds the fixture if it is missing and prints its directory
 */
import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startLab, writeKubeconfig, type Lab } from '../../test/support/lab.ts';
import { describeMemory } from './proc.ts';
import { generateFixture } from './scale-generate.ts';
import { onTeardown, teardown, teardownOnSignals } from './teardown.ts';

const REPO = fileURLToPath(new URL('../..', import.meta.url));
const GENERATOR = [
  'scale-objects.ts',
  'scale-workloads.ts',
  'scale-containers.ts',
  'scale-cilium.ts',
  'scale-generate.ts',
  'scale-kwok.ts',
  'kwok.yaml',
  'api.ts',
];

export interface ScaleCluster {
  lab: Lab;
  kubeconfig: string;
  /** The scratch directory the benchmark may write to; removed with everything else by teardown(). */
  work: string;
}

/** bash test/lab/build-k8s.sh with the binaries the scale cluster needs; answers their directory. */
export function labBinaries(): string {
  const built = spawnSync(
    'bash',
    [join(REPO, 'test', 'lab', 'build-k8s.sh'), 'kubectl', 'kube-apiserver', 'etcd', 'kwok'],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] },
  );
  if (built.status !== 0) throw new Error('test/lab/build-k8s.sh failed; see its output above');
  return built.stdout.trim().split('\n').pop()!;
}

function versionOf(binary: string): string {
  return spawnSync(binary, ['--version'], { encoding: 'utf8' }).stdout.trim();
}

/** The cache directory for this generator and these binaries (a changed generator builds anew). */
export function fixtureDir(binDir: string): string {
  const base =
    process.env['KUBECTL_EGRESS_CACHE'] ??
    join(process.env['XDG_CACHE_HOME'] ?? join(homedir(), '.cache'), 'kubectl-egress');
  const etcd = /etcd Version: (\S+)/.exec(versionOf(join(binDir, 'etcd')))?.[1] ?? 'unknown';
  const hash = createHash('sha256');
  for (const file of GENERATOR) hash.update(readFileSync(new URL(file, import.meta.url)));
  hash.update(versionOf(join(binDir, 'kube-apiserver'))).update(versionOf(join(binDir, 'kwok')));
  return join(base, 'bench', `fixture-etcd${etcd}-${hash.digest('hex').slice(0, 12)}`);
}

/** Physical compaction and defragmentation through etcd's JSON gateway: the cache keeps only live data. */
async function compactEtcd(etcdURL: string): Promise<void> {
  const post = async (path: string, body: object) => {
    const response = await fetch(`${etcdURL}${path}`, { method: 'POST', body: JSON.stringify(body) });
    const text = await response.text();
    // The kube-apiserver compacts too; a revision it already compacted is fine.
    if (!response.ok && !text.includes('compacted')) throw new Error(`etcd ${path}: HTTP ${response.status} ${text}`);
    return JSON.parse(text) as { header?: { revision?: string } };
  };
  const { header } = await post('/v3/kv/range', { key: Buffer.from('/').toString('base64'), limit: 1 });
  await post('/v3/kv/compaction', { revision: header?.revision, physical: true });
  await post('/v3/maintenance/defragment', {});
}

const du = (path: string) => spawnSync('du', ['-sh', path], { encoding: 'utf8' }).stdout.split('\t')[0];

async function buildFixture(binDir: string, dir: string): Promise<void> {
  const start = Date.now();
  console.error(`[scale] building the scale fixture into ${dir} (several minutes, once)`);
  mkdirSync(dirname(dir), { recursive: true });
  const build = mkdtempSync(join(dirname(dir), '.build-'));
  const forgetBuild = onTeardown(() => rmSync(build, { recursive: true, force: true }));
  const lab = await startLab(binDir, { etcdDataDir: join(build, 'etcd'), perf: true });
  const forgetLab = onTeardown(() => lab.stop());
  const stats = await generateFixture(lab);
  await compactEtcd(lab.etcdURL);
  const memory = [
    describeMemory('kube-apiserver', lab.pids.apiserver),
    describeMemory('etcd', lab.pids.etcd),
    stats.kwokMemory,
  ];
  await lab.stop();
  forgetLab();
  const seconds = Math.round((Date.now() - start) / 1000);
  writeFileSync(
    join(build, 'fixture.json'),
    JSON.stringify({ builtAt: new Date().toISOString(), seconds, ...stats, memory }, null, 2) + '\n',
  );
  if (existsSync(dir)) rmSync(build, { recursive: true, force: true });
  else renameSync(build, dir);
  forgetBuild();
  console.error(
    `[scale] fixture built in ${Math.floor(seconds / 60)}m${String(seconds % 60).padStart(2, '0')}s, ${du(dir)}; ${memory.join(', ')}; a pod as JSON: ${stats.podBytes.app} bytes (with a sidecar ${stats.podBytes.withSidecar}, Cilium's agent ${stats.podBytes.cilium})`,
  );
  pruneOtherFixtures(dir);
}

function pruneOtherFixtures(keep: string): void {
  for (const entry of readdirSync(dirname(keep))) {
    if (entry.startsWith('fixture-') && entry !== basename(keep)) {
      console.error(`[scale] removing the outdated fixture ${entry}`);
      rmSync(join(dirname(keep), entry), { recursive: true, force: true });
    }
  }
}

export async function ensureFixture(binDir: string): Promise<string> {
  const dir = fixtureDir(binDir);
  if (!existsSync(join(dir, 'fixture.json'))) await buildFixture(binDir, dir);
  return dir;
}

/** Starts the scale cluster from a copy of the cached fixture (building it first if missing). */
export async function startScaleCluster(binDir: string): Promise<ScaleCluster> {
  const fixture = await ensureFixture(binDir);
  const work = mkdtempSync(join(tmpdir(), 'kubectl-egress-bench-'));
  onTeardown(() => rmSync(work, { recursive: true, force: true }));
  let start = Date.now();
  const copied = spawnSync('cp', ['-a', join(fixture, 'etcd'), join(work, 'etcd')], { stdio: 'inherit' });
  if (copied.status !== 0) throw new Error(`could not copy ${fixture}/etcd`);
  console.error(
    `[scale] fixture ${basename(fixture)} (${du(fixture)}) restored in ${((Date.now() - start) / 1000).toFixed(1)} s`,
  );
  start = Date.now();
  const lab = await startLab(binDir, { etcdDataDir: join(work, 'etcd'), perf: true });
  onTeardown(() => lab.stop());
  console.error(`[scale] etcd and kube-apiserver ready in ${((Date.now() - start) / 1000).toFixed(1)} s`);
  return { lab, kubeconfig: writeKubeconfig(lab, 'admin'), work };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  teardownOnSignals();
  try {
    console.log(await ensureFixture(labBinaries()));
  } finally {
    await teardown();
  }
}
