/**
 * The GitHub Actions workflows (.github/workflows/): actionlint v1.7.12 (built from its Go module by
 * test/lab/build-actionlint.sh; scripts/test.mjs passes its directory as ACTIONLINT_BIN_DIR) finds
 * nothing in them, shellcheck included for their run: scripts; and they do what the README's
 * "Releasing" section says. What can run here of the release (the manifest for a tag, SHA256SUMS)
 * is checked on the real release in test/package/release.test.ts.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const ROOT = join(import.meta.dirname, '..');
const actionlintDir = process.env['ACTIONLINT_BIN_DIR'];
const shellcheck = ['/usr/bin/shellcheck', '/usr/local/bin/shellcheck'].find(
  (p) => spawnSync(p, ['--version']).status === 0,
);
// CI installs shellcheck (scripts/install-test-deps.sh) and may not lint the run: scripts without it.
if (!shellcheck && process.env['KUBECTL_EGRESS_REQUIRE_ALL_TESTS'] === '1')
  throw new Error('shellcheck is required here (apt-get install shellcheck)');
if (!shellcheck)
  process.stderr.write(
    "\nSKIPPING shellcheck of the workflows' run: scripts (actionlint still runs): shellcheck is not installed (sudo bash scripts/install-test-deps.sh installs it)\n",
  );
const scratch = mkdtempSync(join(tmpdir(), 'egress-workflows-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** actionlint on every workflow file of `<dir>/.github/workflows`. */
function actionlint(dir: string): { code: number | null; output: string } {
  if (!actionlintDir)
    throw new Error(
      'ACTIONLINT_BIN_DIR is not set: run the suite with `npm test`, which builds actionlint from its Go module',
    );
  const files = readdirSync(join(dir, '.github', 'workflows')).map((f) => join('.github', 'workflows', f));
  const flags = ['-no-color', '-oneline', `-shellcheck=${shellcheck ?? ''}`, '-pyflakes='];
  const result = spawnSync(join(actionlintDir, 'actionlint'), [...flags, ...files], { cwd: dir, encoding: 'utf8' });
  return { code: result.status, output: result.stdout + result.stderr };
}

interface Step {
  name?: string;
  uses?: string;
  run?: string;
  with?: Record<string, string>;
}
interface Workflow {
  on: Record<string, unknown>;
  jobs: Record<string, { 'runs-on': string; needs?: string; steps: Step[] }>;
}
const workflow = (name: string) => parse(readFileSync(join(ROOT, '.github', 'workflows', name), 'utf8')) as Workflow;
const runs = (w: Workflow, job: string) => w.jobs[job]!.steps.flatMap((s) => (s.run ? [s.run] : []));

describe('actionlint', () => {
  it('finds nothing in the workflows', () => {
    expect(actionlint(ROOT)).toEqual({ code: 0, output: '' });
  });

  it('finds a context used where GitHub does not provide it (so the check above can fail)', () => {
    const dir = join(scratch, 'broken', '.github', 'workflows');
    mkdirSync(dir, { recursive: true });
    writeFileSync(
      join(dir, 'broken.yml'),
      // biome-ignore lint/suspicious/noTemplateCurlyInString: a GitHub Actions expression, for actionlint to read
      'on: push\njobs:\n  j:\n    runs-on: ubuntu-24.04\n    env:\n      K: ${{ runner.temp }}/k\n    steps:\n      - run: echo "$K"\n',
    );
    const result = actionlint(join(scratch, 'broken'));
    expect(result.code).toBe(1);
    expect(result.output).toContain('context "runner" is not allowed here');
  });
});

describe('the release workflow', () => {
  const release = workflow('release.yml');

  it('runs on a version tag, and stops unless the tag is the version in package.json', () => {
    expect(release.on).toEqual({ push: { tags: ['v*.*.*'] } });
    expect(runs(release, 'build')).toContain(
      'test "v$(node -p \'require("./package.json").version\')" = "$GITHUB_REF_NAME"',
    );
  });

  it('signs and notarises the darwin executables on macOS, then packages with them', () => {
    expect(release.jobs['sign-darwin']!['runs-on']).toMatch(/^macos-/);
    const signing = runs(release, 'sign-darwin').join('\n');
    expect(signing).toContain('codesign --force --sign "$MACOS_SIGNING_IDENTITY"');
    expect(signing).toContain('xcrun notarytool submit');
    const packaging = runs(release, 'publish').join('\n');
    for (const arch of ['arm64', 'amd64'])
      expect(packaging).toContain(`--signed darwin/${arch}=signed/darwin_${arch}/kubectl-egress`);
    expect(packaging).toContain('test ! -e dist/release/UNSIGNED');
  });

  it('attaches the archives, SHA256SUMS and egress.yaml, and hands the manifest to krew-release-bot', () => {
    const publishing = runs(release, 'publish').join('\n');
    expect(publishing).toContain(
      'dist/release/*.tar.gz dist/release/*.zip dist/release/SHA256SUMS dist/release/egress.yaml',
    );
    const bot = release.jobs['krew-index']!.steps.find((s) => s.uses?.startsWith('rajatjindal/krew-release-bot@'));
    expect(bot?.with).toEqual({ krew_template_file: 'krew/egress.yaml' });
  });
});

it('CI runs .ci/run, which runs npm test with every test required, on pull requests', () => {
  const ci = workflow('ci.yml');
  expect(ci.on).toHaveProperty('pull_request');
  expect(runs(ci, 'test')).toContain('bash .ci/run');
  expect(readFileSync(join(ROOT, '.ci', 'run'), 'utf8')).toContain('KUBECTL_EGRESS_REQUIRE_ALL_TESTS=1 npm test');
});
