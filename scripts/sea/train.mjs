// The code cache of the linux/amd64 executable (trained-main.cjs): the bundle run through the
// commands people run most — on the example cluster from its file, then live from a stand-in API
// server serving it (training-server.mjs), and a live read whose server refuses the connection —
// each run starting from the cache the one before it left, so the last cache holds the functions
// of them all. It must be made by the very Node.js, and with the flags, the executable runs (V8
// rejects any other cache).
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startTrainingServer } from './training-server.mjs';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const EXAMPLE = join(ROOT, 'examples', 'gke-cluster.yaml');
const POD = 'web-7d4b9c5f6-x2x8q';

/** A kubeconfig for `server`; port 1 of loopback refuses connections. */
const kubeconfigOf = (server) => `apiVersion: v1
kind: Config
clusters: [{name: c, cluster: {server: '${server}'}}]
users: [{name: u, user: {token: training}}]
contexts: [{name: c, context: {cluster: c, user: u, namespace: shop}}]
current-context: c
`;

/** [arguments, the exit code that run must give]: a different one means the bundle is broken. */
function runs(live, refusing) {
  const file = ['-f', EXAMPLE];
  return [
    [['version'], 0],
    [['--help'], 0],
    [['who', '-A', ...file], 0],
    [['who', '-A', ...file, '-o', 'json'], 0],
    [['explain', POD, '-n', 'shop', '--to', '8.8.8.8', ...file], 0],
    [['explain', POD, '-n', 'shop', '--to', '8.8.8.8', ...file, '-o', 'json'], 0],
    [['lint', '-A', ...file], 0],
    [['allowlist', 'deployment/web', '-n', 'shop', '--to', '8.8.8.8', ...file], 1],
    [['snapshot', ...file], 0],
    [['explain', POD, '--to', '8.8.8.8', '-o', 'json', '--kubeconfig', live], 0],
    [['who', '-n', 'shop', '--to', '8.8.8.8', '--kubeconfig', live], 0],
    [['explain', POD, '--to', '8.8.8.8', '--kubeconfig', refusing, '--request-timeout', '5s'], 4],
  ];
}

/** Writes the trained cache of `bundle` to `cacheFile`, running it with `node` and `execArgv`. */
export async function trainCodeCache({ node, execArgv, bundle, cacheFile }) {
  rmSync(cacheFile, { force: true });
  const work = mkdtempSync(join(tmpdir(), 'kubectl-egress-train-'));
  const server = await startTrainingServer(EXAMPLE);
  try {
    const [live, refusing] = [join(work, 'live'), join(work, 'refusing')];
    writeFileSync(live, kubeconfigOf(`http://127.0.0.1:${server.address().port}`));
    writeFileSync(refusing, kubeconfigOf('https://127.0.0.1:1'));
    const main = fileURLToPath(new URL('trained-main.cjs', import.meta.url));
    const env = {
      PATH: process.env.PATH,
      HOME: work,
      KUBECONFIG: refusing,
      KUBECTL_EGRESS_TRAIN_BUNDLE: bundle,
      KUBECTL_EGRESS_TRAIN_CACHE: cacheFile,
    };
    for (const [args, expected] of runs(live, refusing)) {
      const run = await exited(spawn(node, [...execArgv, main, ...args], { env, stdio: ['ignore', 'ignore', 'pipe'] }));
      if (run.status !== expected)
        throw new Error(
          `training run \`${args.join(' ')}\` exited ${run.status} (expected ${expected}): ${run.stderr}`,
        );
    }
  } finally {
    server.close();
    rmSync(work, { recursive: true, force: true });
  }
  if (!existsSync(cacheFile)) throw new Error(`training left no code cache at ${cacheFile}`);
  return statSync(cacheFile).size;
}

/** Spawned, not spawnSync: the training server answers from this process meanwhile. */
function exited(child) {
  let stderr = '';
  child.stderr.on('data', (chunk) => (stderr += chunk));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stderr }));
  });
}
