/**
 * What `npm run package` made (dist/release/; scripts/test.mjs runs it first): a manifest that
 * meets Krew's rules, archives as Krew takes them, and a linux/amd64 executable that works through
 * the real kubectl, installed the way the manifest says, with no Node.js on PATH.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { PLUGIN, runPlugin } from '../support/plugin.ts';
import { validateManifest } from './krew-rules.ts';
// @ts-expect-error: a plain JavaScript build script, without types
import { NODE_VERSION } from '../../scripts/sea/node-binaries.mjs';

const RELEASE = join(import.meta.dirname, '..', '..', 'dist', 'release');
const MANIFEST = join(RELEASE, 'egress.yaml');
if (!existsSync(MANIFEST)) throw new Error('dist/release/egress.yaml is missing: run `npm run package` first (npm test does)');
const manifestText = readFileSync(MANIFEST, 'utf8');
interface Platform { selector: { matchLabels: { os: string; arch: string } }; uri: string; sha256: string; files: { from: string; to: string }[]; bin: string }
const manifest = parse(manifestText) as { spec: { shortDescription: string; description: string; caveats: string; platforms: Platform[] } };
const archiveOf = (p: Platform) => join(RELEASE, p.uri.split('/').pop()!);
const platformKey = (p: Platform) => `${p.selector.matchLabels.os}/${p.selector.matchLabels.arch}`;
const example = join(import.meta.dirname, '..', '..', 'examples', 'gke-cluster.yaml');
const scratch = mkdtempSync(join(tmpdir(), 'egress-release-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** Each entry: mode string, name; for tar.gz (tar -tv) and zip (zipinfo). */
function entries(archive: string): { mode: string; name: string }[] {
  const listing = archive.endsWith('.zip') ? execFileSync('zipinfo', [archive], { encoding: 'utf8' }).split('\n').filter((l) => /^[-dl]/.test(l))
    : execFileSync('tar', ['-tvzf', archive], { encoding: 'utf8' }).trim().split('\n');
  return listing.map((line) => ({ mode: line.split(/\s+/)[0]!, name: line.split(/\s+/).pop()! }));
}

describe('the Krew manifest', () => {
  it('meets every rule of krew\'s validator', () => {
    expect(validateManifest(MANIFEST, manifestText)).toEqual([]);
  });

  it('has one platform per release target', () => {
    expect(manifest.spec.platforms.map(platformKey)).toEqual(['linux/amd64', 'linux/arm64', 'darwin/amd64', 'darwin/arm64', 'windows/amd64']);
  });

  it('keeps the short description within 50 characters and the description within 80 columns', () => {
    expect(manifest.spec.shortDescription.length).toBeLessThanOrEqual(50);
    expect(manifest.spec.description.split('\n').filter((l) => l.length > 80)).toEqual([]);
  });

  it('tells in its caveats what permissions and echo endpoint are needed, and how to get completion', () => {
    for (const needed of ['rbac/who.yaml', 'rbac/verify.yaml', 'serve-echo', '--echo', 'kubectl_complete-egress']) expect(manifest.spec.caveats).toContain(needed);
  });

  it.each(manifest.spec.platforms.map((p) => [platformKey(p), p] as const))('gives %s the sha256 of its archive, as SHA256SUMS does', (_key, p) => {
    const sha = createHash('sha256').update(readFileSync(archiveOf(p))).digest('hex');
    expect(p.sha256).toBe(sha);
    expect(readFileSync(join(RELEASE, 'SHA256SUMS'), 'utf8')).toContain(`${sha}  ${p.uri.split('/').pop()}`);
  });
});

describe('the checker of krew\'s rules', () => {
  const broken = (edit: (m: string) => string, path = MANIFEST) => validateManifest(path, edit(manifestText));
  it.each([
    ['a version without its v', (m: string) => m.replace('version: v', 'version: '), 'VERSION_NOT_SEMVER'],
    ['an uppercase sha256', (m: string) => m.replace(/sha256: ([a-f0-9]{64})/, (_s, h: string) => `sha256: ${h.toUpperCase()}`), 'platforms[0]: SHA256_INVALID'],
    ['a selector on another label', (m: string) => m.replace('arch: amd64', 'cpu: amd64'), 'platforms[0]: SELECTOR_KEY_NOT_OS_OR_ARCH'],
    ['two platforms for linux/amd64', (m: string) => m.replace('arch: arm64', 'arch: amd64'), 'OVERLAPPING_SELECTORS linux/amd64'],
    ['a two-line short description', (m: string) => m.replace(/shortDescription: .*/, 'shortDescription: "a\\nb"'), 'SHORT_DESCRIPTION'],
  ])('finds %s', (_name, edit, code) => {
    expect(broken(edit)).toContain(code);
  });

  it('finds a manifest whose file name is not the plugin name', () => {
    expect(validateManifest('/tmp/kubectl-egress.yaml', manifestText)).toContain('NAME_NOT_FILE_NAME');
  });
});

describe.each(manifest.spec.platforms.map((p) => [platformKey(p), p] as const))('the %s archive', (_key, p) => {
  const listed = entries(archiveOf(p));

  it('holds only regular files, with no path leaving the plugin directory', () => {
    expect(listed.filter((e) => !e.mode.startsWith('-') || e.name.includes('..') || e.name.startsWith('/'))).toEqual([]);
  });

  it('holds every file the manifest installs, a license among them, and an executable bin', () => {
    expect(p.files.map((f) => f.from).filter((f) => !listed.some((e) => e.name === f))).toEqual([]);
    expect(p.files.map((f) => f.from.toLowerCase())).toContain('license');
    expect(listed.find((e) => e.name === p.bin)?.mode).toMatch(/^-rwx/);
  });
});

describe('the linux/amd64 executable installed as the manifest says', () => {
  const kubectl = process.env['KUBECTL'];
  const platform = manifest.spec.platforms.find((p) => platformKey(p) === 'linux/amd64')!;
  // Krew's layout: files copied into store/<plugin>/<version>/, bin linked from bin/kubectl-<plugin>.
  const store = join(scratch, 'store', 'egress', 'v');
  const unpacked = join(scratch, 'unpacked');
  mkdirSync(store, { recursive: true });
  mkdirSync(unpacked, { recursive: true });
  mkdirSync(join(scratch, 'bin'));
  execFileSync('tar', ['-xzf', archiveOf(platform), '-C', unpacked]);
  for (const f of platform.files) copyFileSync(join(unpacked, f.from), join(store, f.from));
  execFileSync('chmod', ['+x', join(store, platform.bin)]);
  symlinkSync(join(store, platform.bin), join(scratch, 'bin', 'kubectl-egress'));
  const path = () => [join(scratch, 'bin'), dirname(kubectl!)].join(delimiter);
  const viaKubectl = (args: string[]) => runPlugin(args, { command: kubectl!, env: { HOME: scratch, PATH: path(), KUBECONFIG: '' } });

  it('runs with no Node.js on PATH', () => {
    if (!kubectl) throw new Error('KUBECTL is not set: run the suite with `npm test`');
    expect(path().split(delimiter).filter((d) => existsSync(join(d, 'node')))).toEqual([]);
    expect(readdirSync(join(scratch, 'bin'))).toEqual(['kubectl-egress']);
  });

  it('shows its help through kubectl', async () => {
    const result = await viaKubectl(['egress', '--help']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^kubectl egress <command>/);
  });

  it('reports the version of package.json and the pinned Node.js it carries', async () => {
    const result = await viaKubectl(['egress', 'version', '-o', 'json']);
    const { version } = JSON.parse(readFileSync(join(import.meta.dirname, '..', '..', 'package.json'), 'utf8')) as { version: string };
    expect(JSON.parse(result.stdout)).toMatchObject({ version, node: `v${NODE_VERSION}`, platform: 'linux', arch: 'amd64' });
  });

  it('answers `kubectl egress who` exactly as the plugin run from source does', async () => {
    const args = ['who', '-A', '-f', example, '--to', '8.8.8.8', '-o', 'json'];
    const [packaged, source] = await Promise.all([viaKubectl(['egress', ...args]), runPlugin(args, { command: PLUGIN })]);
    expect(packaged.code).toBe(0);
    expect(JSON.parse(packaged.stdout)).toEqual(JSON.parse(source.stdout));
  });
});
