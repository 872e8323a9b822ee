/**
 * The release through the real krew v0.4.3 (built from its Go module by test/lab/build-krew.sh;
 * scripts/test.mjs passes its directory as KREW_BIN_DIR): validate-krew-manifest's full check,
 * which installs every platform from archives served on 127.0.0.1, then the linux/amd64 archive
 * installed into a temporary KREW_ROOT, run through the Go-built kubectl with no Node.js on PATH,
 * and uninstalled. Nothing leaves the machine: krew installs from a --manifest without touching
 * its index, and an unstamped krew build never checks GitHub for upgrades.
 */
import { execFile, execFileSync } from 'node:child_process';
import {
  createReadStream,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { basename, delimiter, dirname, join, relative } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { PLUGIN, runPlugin } from '../support/plugin.ts';
// @ts-expect-error: a plain JavaScript build script, without types
import { NODE_VERSION } from '../../scripts/sea/node-binaries.mjs';

const RELEASE = join(import.meta.dirname, '..', '..', 'dist', 'release');
const MANIFEST = join(RELEASE, 'egress.yaml');
if (!existsSync(MANIFEST))
  throw new Error('dist/release/egress.yaml is missing: run `npm run package` first (npm test does)');
const manifestText = readFileSync(MANIFEST, 'utf8');
interface Platform {
  selector: { matchLabels: { os: string; arch: string } };
  uri: string;
  sha256: string;
}
const platforms = (parse(manifestText) as { spec: { platforms: Platform[] } }).spec.platforms;
const linux = platforms.find((p) => p.selector.matchLabels.os === 'linux' && p.selector.matchLabels.arch === 'amd64')!;
const example = join(import.meta.dirname, '..', '..', 'examples', 'gke-cluster.yaml');

const krewBin = process.env['KREW_BIN_DIR'];
const kubectl = process.env['KUBECTL'];
const scratch = mkdtempSync(join(tmpdir(), 'egress-krew-'));
const run = promisify(execFile);
let server: Server;
let localBase = '';
const requested = new Set<string>();

// The archives as a release host would serve them, so the validator downloads what the manifest names.
beforeAll(async () => {
  if (!krewBin || !kubectl) throw new Error('KREW_BIN_DIR or KUBECTL is not set: run the suite with `npm test`');
  const served = new Set(platforms.map((p) => basename(p.uri)));
  server = createServer((req, res) => {
    const name = basename(req.url ?? '');
    requested.add(name);
    if (!served.has(name)) return void res.writeHead(404).end();
    res.writeHead(200, { 'content-type': 'application/octet-stream' });
    createReadStream(join(RELEASE, name)).pipe(res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  localBase = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
  rmSync(scratch, { recursive: true, force: true });
});

/** The release's manifest with its archives' URIs on the local server, as `<dir>/egress.yaml` (krew infers the name from the file). */
function localManifest(dir: string, edit: (m: string) => string = (m) => m): string {
  mkdirSync(join(scratch, dir), { recursive: true });
  const path = join(scratch, dir, 'egress.yaml');
  const text = platforms.reduce((m, p) => m.replace(p.uri, `${localBase}/${basename(p.uri)}`), manifestText);
  writeFileSync(path, edit(text));
  return path;
}

/** Exit code and output of validate-krew-manifest; it runs `kubectl krew install` from PATH for each platform. */
async function validate(manifest: string, ...flags: string[]): Promise<{ code: number; output: string }> {
  const env = { PATH: [krewBin, dirname(kubectl!)].join(delimiter), TMPDIR: scratch };
  try {
    const { stdout, stderr } = await run(join(krewBin!, 'validate-krew-manifest'), ['-manifest', manifest, ...flags], {
      env,
      maxBuffer: 1 << 24,
    });
    return { code: 0, output: stdout + stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, output: e.stdout + e.stderr };
  }
}

describe("krew's validate-krew-manifest", () => {
  it("accepts the manifest after installing every platform's archive from its URI", async () => {
    const result = await validate(localManifest('valid'));
    expect(result.output).toContain(`all ${platforms.length} spec.platforms installed fine`);
    expect(result.code).toBe(0);
    expect([...requested].sort()).toEqual(platforms.map((p) => basename(p.uri)).sort());
  }, 300_000);

  it('refuses the manifest when an archive does not have the sha256 it names', async () => {
    const wrong = localManifest('wrong-sha', (m) => m.replace(linux.sha256, 'f'.repeat(64)));
    const result = await validate(wrong);
    expect(result.code).not.toBe(0);
    expect(result.output).toMatch(/checksum does not match/i);
  }, 300_000);

  it.each([
    [
      'two platforms selecting linux/amd64',
      (m: string) => m.replace('arch: arm64', 'arch: amd64'),
      /overlapping selectors/,
    ],
    ['a version without its v', (m: string) => m.replace('version: v', 'version: '), /not starting with 'v'/],
  ])('refuses %s', async (name, edit, message) => {
    const result = await validate(localManifest(name.replace(/\W+/g, '-'), edit), '-skip-install');
    expect(result.code).not.toBe(0);
    expect(result.output).toMatch(message);
  });
});

describe('the linux/amd64 archive installed with krew', () => {
  const root = join(scratch, 'krew-root');
  const path = () => [join(root, 'bin'), krewBin!, dirname(kubectl!)].join(delimiter);
  const env = () => ({ HOME: scratch, PATH: path(), KREW_ROOT: root, KREW_NO_UPGRADE_CHECK: '1', KUBECONFIG: '' });
  const viaKubectl = (args: string[], more: NodeJS.ProcessEnv = {}) =>
    runPlugin(args, { command: kubectl!, env: { ...env(), ...more } });
  /** Every file and link under the KREW_ROOT, outside its index. */
  const leftovers = (dir = root): string[] =>
    readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
      const full = join(dir, e.name);
      if (full === join(root, 'index')) return [];
      return e.isDirectory() ? leftovers(full) : [relative(root, full)];
    });

  beforeAll(() => {
    // An offline index: krew only needs index/default to be a git repository to list and uninstall.
    const index = join(root, 'index', 'default');
    mkdirSync(index, { recursive: true });
    const git = { ...process.env, HOME: scratch, GIT_CONFIG_NOSYSTEM: '1' };
    execFileSync('git', ['init', '-q', index], { env: git });
    execFileSync(
      'git',
      [
        '-C',
        index,
        '-c',
        'user.name=test',
        '-c',
        'user.email=test@invalid',
        'commit',
        '-q',
        '--allow-empty',
        '-m',
        'empty index',
      ],
      { env: git },
    );
  });

  it('installs from the manifest and the archive, linking only kubectl-egress', async () => {
    const result = await viaKubectl([
      'krew',
      'install',
      `--manifest=${MANIFEST}`,
      `--archive=${join(RELEASE, basename(linux.uri))}`,
    ]);
    expect(result.stderr).toContain('Installed plugin: egress');
    expect(result.code).toBe(0);
    expect(readdirSync(join(root, 'bin'))).toEqual(['kubectl-egress']);
  });

  it('runs with no Node.js on PATH', () => {
    expect(
      path()
        .split(delimiter)
        .filter((d) => existsSync(join(d, 'node'))),
    ).toEqual([]);
  });

  it('reports the version of package.json and the pinned Node.js it carries', async () => {
    const result = await viaKubectl(['egress', 'version', '-o', 'json']);
    const { version } = JSON.parse(readFileSync(join(import.meta.dirname, '..', '..', 'package.json'), 'utf8')) as {
      version: string;
    };
    expect(JSON.parse(result.stdout)).toMatchObject({
      version,
      node: `v${NODE_VERSION}`,
      platform: 'linux',
      arch: 'amd64',
    });
  });

  it('answers `kubectl egress who -f` exactly as the plugin run from source does', async () => {
    const args = ['who', '-A', '-f', example, '--to', '8.8.8.8', '-o', 'json'];
    const [packaged, source] = await Promise.all([
      viaKubectl(['egress', ...args]),
      runPlugin(args, { command: PLUGIN }),
    ]);
    expect(packaged.code).toBe(0);
    expect(JSON.parse(packaged.stdout)).toEqual(JSON.parse(source.stdout));
  });

  it('starts from the code cache trained when it was packaged, which its Node.js accepts', async () => {
    const result = await viaKubectl(['egress', 'version'], { KUBECTL_EGRESS_CODE_CACHE: 'report' });
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('code cache: accepted\n');
  });

  it('answers the same when V8 rejects that cache (flags from NODE_OPTIONS that it was not made with)', async () => {
    const args = ['egress', 'who', '-A', '-f', example, '--to', '8.8.8.8', '-o', 'json'];
    const [rejected, accepted] = await Promise.all([
      viaKubectl(args, { KUBECTL_EGRESS_CODE_CACHE: 'report', NODE_OPTIONS: '--jitless' }),
      viaKubectl(args),
    ]);
    expect(rejected.stderr).toBe('code cache: rejected\n');
    expect(rejected.code).toBe(0);
    expect(rejected.stdout).toBe(accepted.stdout);
  });

  it('completes `kubectl egress` through the kubectl_complete-egress of its store, with only kubectl and plugins on PATH', async () => {
    const { spec } = parse(manifestText) as { spec: { version: string } };
    // The caveats' way: the plugin's store directory on PATH; no /bin, so no dirname or readlink.
    const store = join(root, 'store', 'egress', spec.version);
    const result = await runPlugin(['__complete', 'egress', 'who', '-o', 'y'], {
      command: kubectl!,
      env: { ...env(), PATH: [path(), store].join(delimiter) },
    });
    expect(result.stdout.split('\n').filter(Boolean)).toEqual(['yaml', ':4']);
  });

  it('uninstalls, leaving no file or link outside the index', async () => {
    const result = await viaKubectl(['krew', 'uninstall', 'egress']);
    expect(result.code).toBe(0);
    expect(leftovers()).toEqual([]);
    expect(readdirSync(join(root, 'store'))).toEqual([]);
  });
});
