/**
 * What `npm run package` made (dist/release/; scripts/test.mjs runs it first): a manifest with one
 * platform per target, the sums of its archives, and what krew-index reviewers ask of its texts.
 * Krew's own rules, and the install through kubectl, are checked by the real krew (krew.test.ts).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const RELEASE = join(import.meta.dirname, '..', '..', 'dist', 'release');
const MANIFEST = join(RELEASE, 'egress.yaml');
if (!existsSync(MANIFEST))
  throw new Error('dist/release/egress.yaml is missing: run `npm run package` first (npm test does)');
const manifestText = readFileSync(MANIFEST, 'utf8');
interface Platform {
  selector: { matchLabels: { os: string; arch: string } };
  uri: string;
  sha256: string;
  files: { from: string; to: string }[];
  bin: string;
}
const manifest = parse(manifestText) as {
  spec: { version: string; shortDescription: string; description: string; caveats: string; platforms: Platform[] };
};
const archiveOf = (p: Platform) => join(RELEASE, p.uri.split('/').pop()!);
const platformKey = (p: Platform) => `${p.selector.matchLabels.os}/${p.selector.matchLabels.arch}`;

/** Each entry: mode string, name; for tar.gz (tar -tv) and zip (zipinfo). */
function entries(archive: string): { mode: string; name: string }[] {
  const listing = archive.endsWith('.zip')
    ? execFileSync('zipinfo', [archive], { encoding: 'utf8' })
        .split('\n')
        .filter((l) => /^[-dl]/.test(l))
    : execFileSync('tar', ['-tvzf', archive], { encoding: 'utf8' }).trim().split('\n');
  return listing.map((line) => ({ mode: line.split(/\s+/)[0]!, name: line.split(/\s+/).pop()! }));
}

describe('the Krew manifest', () => {
  it('has one platform per release target', () => {
    expect(manifest.spec.platforms.map(platformKey)).toEqual([
      'linux/amd64',
      'linux/arm64',
      'darwin/amd64',
      'darwin/arm64',
      'windows/amd64',
    ]);
  });

  it('keeps the short description within 50 characters and the description within 80 columns', () => {
    expect(manifest.spec.shortDescription.length).toBeLessThanOrEqual(50);
    expect(manifest.spec.description.split('\n').filter((l) => l.length > 80)).toEqual([]);
  });

  it('tells in its caveats what permissions and echo endpoint are needed, and how to get completion', () => {
    for (const needed of ['rbac/who.yaml', 'rbac/verify.yaml', 'serve-echo', '--echo', 'kubectl_complete-egress'])
      expect(manifest.spec.caveats).toContain(needed);
  });

  it("is the release of the tag v<package.json version>: its version, and every uri on that tag's GitHub release", () => {
    const { version } = JSON.parse(readFileSync(join(RELEASE, '..', '..', 'package.json'), 'utf8')) as {
      version: string;
    };
    expect(manifest.spec.version).toBe(`v${version}`);
    const base = `https://github.com/kubectl-egress/kubectl-egress/releases/download/v${version}/`;
    expect(manifest.spec.platforms.filter((p) => !p.uri.startsWith(base))).toEqual([]);
  });

  it('has no {{ }} left, so the Go template pass of krew-release-bot (the release workflow) keeps it as it is', () => {
    expect(manifestText).not.toMatch(/\{\{|\}\}/);
  });

  it.each(manifest.spec.platforms.map((p) => [platformKey(p), p] as const))(
    'gives %s the sha256 of its archive, as SHA256SUMS does',
    (_key, p) => {
      const sha = createHash('sha256')
        .update(readFileSync(archiveOf(p)))
        .digest('hex');
      expect(p.sha256).toBe(sha);
      expect(readFileSync(join(RELEASE, 'SHA256SUMS'), 'utf8')).toContain(`${sha}  ${p.uri.split('/').pop()}`);
    },
  );
});

describe('SHA256SUMS', () => {
  it('lists every archive of the manifest and nothing else', () => {
    const names = readFileSync(join(RELEASE, 'SHA256SUMS'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => l.split('  ')[1]);
    expect(names).toEqual(manifest.spec.platforms.map((p) => p.uri.split('/').pop()));
  });

  it('passes `sha256sum --check --strict`, as the release workflow checks it', () => {
    const result = spawnSync('sha256sum', ['--check', '--strict', 'SHA256SUMS'], { cwd: RELEASE, encoding: 'utf8' });
    expect({ code: result.status, stderr: result.stderr }).toEqual({ code: 0, stderr: '' });
    expect(result.stdout.trim().split('\n')).toHaveLength(manifest.spec.platforms.length);
  });
});

// krew's validator (krew.test.ts) installs every archive, which checks that each holds only regular
// files inside the plugin directory, every file the manifest names and a license. It does not
// check modes: krew keeps the archive's, so a bin without its executable bit would install but not run.
describe.each(manifest.spec.platforms.map((p) => [platformKey(p), p] as const))('the %s archive', (_key, p) => {
  it('holds its bin with the executable bit set', () => {
    expect(entries(archiveOf(p)).find((e) => e.name === p.bin)?.mode).toMatch(/^-rwx/);
  });
});
