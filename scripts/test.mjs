// `npm test`: typecheck, lint and check the formatting (Biome), build, build (or reuse) the Go-built
// kubectl, kube-apiserver, kubelet and etcd the integration and end-to-end tests run, the cilium-agent
// and kube-router the node labs run, the krew the package tests run and the actionlint the workflow test
// runs, package the release
// (`npm run package`), then the whole vitest suite (unit, integration, package, e2e); ends with one "N passed, N failed, N skipped" line.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 26 || (major === 26 && minor < 10)) {
  console.error(
    `error: the tests need Node.js >= 26.10 (this is ${process.version}); run them with \`npm test\`, which uses the Node.js that \`npm ci\` installs`,
  );
  process.exit(2);
}

function step(title, command, args, options = {}) {
  console.error(`\n== ${title}`);
  const result = spawnSync(command, args, {
    stdio: ['ignore', options.capture ? 'pipe' : 'inherit', 'inherit'],
    encoding: 'utf8',
    ...options,
  });
  if (result.status !== 0) {
    console.error(`error: ${title} failed (exit ${result.status ?? result.signal})`);
    process.exit(1);
  }
  return result.stdout ?? '';
}

step('typecheck', 'tsc', ['-p', 'tsconfig.json']);
step('lint (biome lint: no findings, warnings included)', 'biome', ['lint', '--error-on-warnings', '.']);
step('formatting (biome format: every file as `npm run format` writes it)', 'biome', ['format', '.']);
step('build', 'node', ['scripts/build.mjs']);
const binDir = step(
  'kubectl, kube-apiserver, kubelet and etcd from their Go modules (cached after the first build)',
  'bash',
  ['test/lab/build-k8s.sh', 'kubectl', 'kube-apiserver', 'kubelet', 'etcd'],
  { capture: true },
)
  .trim()
  .split('\n')
  .pop();
step(
  'cilium-agent, cilium-cni and cilium-dbg v1.19.7 from their Go module (cached after the first build)',
  'bash',
  ['test/lab/build-cilium.sh'],
  { capture: true },
);
step(
  "kube-router v2.1.0 (the policy lab's enforcer) from its Go module (cached after the first build)",
  'bash',
  ['test/lab/build-kube-router.sh'],
  { capture: true },
);
const krewDir = step(
  'krew and validate-krew-manifest v0.4.3 from their Go module (cached after the first build)',
  'bash',
  ['test/lab/build-krew.sh'],
  { capture: true },
)
  .trim()
  .split('\n')
  .pop();

const actionlintDir = step(
  'actionlint v1.7.12 from its Go module (cached after the first build)',
  'bash',
  ['test/lab/build-actionlint.sh'],
  { capture: true },
)
  .trim()
  .split('\n')
  .pop();

step('single executables, archives and the Krew manifest (npm run package)', 'node', ['scripts/package.mjs']);

const reportDir = mkdtempSync(join(tmpdir(), 'kubectl-egress-test-'));
const report = join(reportDir, 'vitest.json');
console.error('\n== tests');
const vitest = spawnSync(
  'vitest',
  ['run', '--reporter=default', '--reporter=json', `--outputFile.json=${report}`, ...process.argv.slice(2)],
  {
    stdio: 'inherit',
    env: {
      ...process.env,
      KUBECTL: join(binDir, 'kubectl'),
      LAB_BIN_DIR: binDir,
      KREW_BIN_DIR: krewDir,
      ACTIONLINT_BIN_DIR: actionlintDir,
    },
  },
);

let summary = 'tests: 0 passed, 0 failed';
try {
  const results = JSON.parse(readFileSync(report, 'utf8'));
  const skipped = results.numPendingTests + results.numTodoTests;
  summary = `tests: ${results.numPassedTests} passed, ${results.numFailedTests} failed, ${skipped} skipped`;
} catch {
  summary = 'tests: 0 passed, 1 failed';
}
rmSync(reportDir, { recursive: true, force: true });
console.log(summary);
process.exit(vitest.status ?? 1);
