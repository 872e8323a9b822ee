// Bundles the CLI: dist/kubectl-egress.mjs (ESM), the file plugin/kubectl-egress runs, and — for
// the single executables of scripts/package.mjs — a CommonJS bundle, which is all Node's SEA takes.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
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

/**
 * The API client is imported lazily (src/cli/source.ts), which makes esbuild wrap each module it
 * reaches in its own initialiser — and a wrapped module's `export *` brings along every module it
 * re-exports. Through client-node's index (and `gen/index.js`, which config.js takes two names from)
 * that was the whole generated API, 868 of client-node's modules where 17 are used, set up at
 * every live read for the KubeConfig class alone (issue 20: the bundle 4.5 MB before, 3.2 MB
 * after; a live command's start to its first request 0.25 s before, 0.22 s after, medians of 10
 * on the 2-core machine). So the package's name resolves to
 * `dist/config.js`, where KubeConfig lives, and config.js's `./gen/index.js` to the two modules
 * it uses. The one index module left out, `polyfill.js` (globalThis.File for Node.js 18), does
 * nothing on the Node.js we run on. A name that is not in config.js fails the build, not a run.
 */
const CLIENT_NODE = /[\\/]node_modules[\\/]@kubernetes[\\/]client-node[\\/]dist[\\/]/;
const GEN_NAMES =
  "export { createConfiguration } from './configuration.js';\nexport { ServerConfiguration } from './servers.js';\n";
const clientNodeKubeConfigOnly = {
  name: 'client-node-kubeconfig-only',
  setup(build) {
    build.onResolve(
      { filter: /^@kubernetes\/client-node$/ },
      async ({ path, kind, importer, resolveDir, pluginData }) => {
        if (pluginData === CLIENT_NODE) return undefined;
        const index = await build.resolve(path, { kind, importer, resolveDir, pluginData: CLIENT_NODE });
        return index.errors.length > 0 ? { errors: index.errors } : { path: join(dirname(index.path), 'config.js') };
      },
    );
    build.onResolve({ filter: /^\.\/gen\/index\.js$/ }, ({ importer, resolveDir }) =>
      CLIENT_NODE.test(importer)
        ? { path: join(resolveDir, 'gen', 'index.js'), namespace: 'client-node-gen' }
        : undefined,
    );
    build.onLoad({ filter: /.*/, namespace: 'client-node-gen' }, ({ path }) => ({
      contents: GEN_NAMES,
      resolveDir: dirname(path),
      loader: 'js',
    }));
  },
};

/**
 * string-width (yargs', cliui's and wrap-ansi's copies) makes an Intl.Segmenter and compiles
 * \p{RGI_Emoji} regular expressions as it loads: about 30 ms of every command's start (measured in
 * a profile of the executable), for widths only help text needs. Each ES module importing it gets
 * a stand-in that loads that importer's own copy at the first call. cli-table3 require()s an older
 * CommonJS copy without that cost, and keeps it.
 */
const LAZY = 'lazy-string-width';
const lazyStringWidth = {
  name: LAZY,
  setup(build) {
    build.onResolve({ filter: /^string-width$/ }, async ({ path, kind, importer, resolveDir, pluginData }) => {
      if (pluginData === LAZY || kind !== 'import-statement') return undefined;
      const real = await build.resolve(path, { kind, importer, resolveDir, pluginData: LAZY });
      return real.errors.length > 0 ? { errors: real.errors } : { path: real.path, namespace: LAZY };
    });
    build.onLoad({ filter: /.*/, namespace: LAZY }, ({ path }) => ({
      contents: `let loaded;\nexport default function stringWidth(...args) {\n  loaded ??= require(${JSON.stringify(path)});\n  return loaded.default(...args);\n}\n`,
      resolveDir: dirname(path),
      loader: 'js',
    }));
  },
};

const common = () => ({
  entryPoints: [`${ROOT}src/cli/entry/bin.ts`],
  bundle: true,
  plugins: [clientNodeKubeConfigOnly, lazyStringWidth],
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
