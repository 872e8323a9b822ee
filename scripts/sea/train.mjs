// The code cache of the linux/amd64 executable (trained-main.cjs): the bundle run through the
// commands people run most — on the example cluster, and a live read whose server refuses the
// connection, which still sets up the kubeconfig and the HTTP client — each run starting from the
// cache the one before it left, so the last cache holds the functions of them all. It must be made
// by the very Node.js, and with the flags, the executable runs (V8 rejects any other cache).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const EXAMPLE = join(ROOT, 'examples', 'gke-cluster.yaml');
const POD = 'web-7d4b9c5f6-x2x8q';

/** A kubeconfig whose server refuses connections: port 1 of loopback. */
const REFUSING_KUBECONFIG = `apiVersion: v1
kind: Config
clusters: [{name: c, cluster: {server: 'https://127.0.0.1:1'}}]
users: [{name: u, user: {token: training}}]
contexts: [{name: c, context: {cluster: c, user: u, namespace: shop}}]
current-context: c
`;

/** [arguments, the exit code that run must give]: a different one means the bundle is broken. */
function runs(kubeconfig) {
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
    [['explain', POD, '--to', '8.8.8.8', '--kubeconfig', kubeconfig, '--request-timeout', '5s'], 4],
  ];
}

/** Writes the trained cache of `bundle` to `cacheFile`, running it with `node` and `execArgv`. */
export function trainCodeCache({ node, execArgv, bundle, cacheFile }) {
  rmSync(cacheFile, { force: true });
  const work = mkdtempSync(join(tmpdir(), 'kubectl-egress-train-'));
  try {
    const kubeconfig = join(work, 'kubeconfig');
    writeFileSync(kubeconfig, REFUSING_KUBECONFIG);
    for (const [args, expected] of runs(kubeconfig)) {
      const run = spawnSync(node, [...execArgv, fileURLToPath(new URL('trained-main.cjs', import.meta.url)), ...args], {
        env: {
          PATH: process.env.PATH,
          HOME: work,
          KUBECONFIG: kubeconfig,
          KUBECTL_EGRESS_TRAIN_BUNDLE: bundle,
          KUBECTL_EGRESS_TRAIN_CACHE: cacheFile,
        },
        stdio: ['ignore', 'ignore', 'pipe'],
        encoding: 'utf8',
      });
      if (run.status !== expected)
        throw new Error(
          `training run \`${args.join(' ')}\` exited ${run.status} (expected ${expected}): ${run.stderr}`,
        );
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  if (!existsSync(cacheFile)) throw new Error(`training left no code cache at ${cacheFile}`);
  return statSync(cacheFile).size;
}
