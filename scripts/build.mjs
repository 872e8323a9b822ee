// Bundles the CLI: dist/kubectl-egress.mjs (ESM), the file plugin/kubectl-egress runs, and — for
// the single executables of scripts/package.mjs — a CommonJS bundle, which is all Node's SEA takes.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const { version: VERSION } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));

function commit() {
  try {
    return execFileSync('git', ['rev-parse', '--short=12', 'HEAD'], {
      cwd: ROOT,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
  } catch {
    return 'unknown';
  }
}

const common = () => ({
  entryPoints: [`${ROOT}src/cli/entry/bin.ts`],
  bundle: true,
  platform: 'node',
  target: 'node22',
  legalComments: 'none',
  define: { KUBECTL_EGRESS_VERSION: JSON.stringify(VERSION), KUBECTL_EGRESS_COMMIT: JSON.stringify(commit()) },
  logLevel: 'warning',
});

export async function bundleEsm(outfile = `${ROOT}dist/kubectl-egress.mjs`) {
  await build({
    ...common(),
    outfile,
    format: 'esm',
    // CommonJS dependencies (cli-table3, …) call require() for Node built-ins.
    banner: {
      js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);",
    },
  });
}

/**
 * CommonJS for the SEA (kubectl-plugin-ecosystem.md §4.2–4.3): yargs 18 reads import.meta.url,
 * which a CommonJS bundle must supply; the optional require()s of ws, debug and node-fetch point at
 * a stub that throws, as their callers expect when a module is absent, so the SEA never warns that
 * it can only require built-ins.
 */
export async function bundleCjs(outfile) {
  await build({
    ...common(),
    outfile,
    format: 'cjs',
    minify: true,
    inject: [`${ROOT}scripts/sea/import-meta-url.cjs`],
    define: { ...common().define, 'import.meta.url': 'importMetaUrl' },
    alias: Object.fromEntries(
      ['bufferutil', 'utf-8-validate', 'supports-color', 'encoding'].map((m) => [
        m,
        `${ROOT}scripts/sea/absent-module.cjs`,
      ]),
    ),
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await bundleEsm();
