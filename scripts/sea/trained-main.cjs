// The linux/amd64 executable's main (scripts/package.mjs): runs the CommonJS bundle, an asset of
// the executable, with a V8 code cache made by running it. Node's own SEA code cache
// (useCodeCache) is made by compiling the bundle without running it, so it holds the top level
// only and every function a command calls is compiled as it runs; this cache was taken after
// `scripts/sea/train.mjs` ran commands on the example cluster, so those functions come compiled.
// The cache is only a faster start: V8 checks it against the source and its own version and flags,
// and a rejected cache compiles the bundle as if there were none.
//
// Outside an executable (train.mjs) it runs the bundle named by KUBECTL_EGRESS_TRAIN_BUNDLE, with
// the cache at KUBECTL_EGRESS_TRAIN_CACHE if it exists, and writes the cache there on exit.
'use strict';
const { readFileSync, existsSync, writeFileSync } = require('node:fs');
const { dirname } = require('node:path');
const { Script } = require('node:vm');
const sea = require('node:sea');

const training = !sea.isSea();
const cacheFile = process.env.KUBECTL_EGRESS_TRAIN_CACHE;
/** The bundle's source, the file it is said to come from, and its cache if there is one. */
function bundle() {
  if (!training)
    return {
      source: sea.getAsset('main.cjs', 'utf8'),
      filename: __filename,
      cache: new Uint8Array(sea.getRawAsset('main.cache')),
    };
  const file = process.env.KUBECTL_EGRESS_TRAIN_BUNDLE;
  return {
    source: readFileSync(file, 'utf8'),
    filename: file,
    cache: existsSync(cacheFile) ? readFileSync(cacheFile) : undefined,
  };
}
const { source, filename, cache } = bundle();
// The wrapper Node puts around a CommonJS module, so the bundle sees the names it expects.
const script = new Script(`(function (exports, require, module, __filename, __dirname) {${source}\n})`, {
  filename,
  ...(cache ? { cachedData: cache } : {}),
});
if (process.env.KUBECTL_EGRESS_CODE_CACHE === 'report')
  process.stderr.write(
    `code cache: ${cache === undefined ? 'none' : script.cachedDataRejected ? 'rejected' : 'accepted'}\n`,
  );
// The CLI ends with process.exit(): the cache is taken then, with every function it compiled.
if (training) process.on('exit', () => writeFileSync(cacheFile, script.createCachedData()));
script.runInThisContext()(module.exports, require, module, __filename, dirname(__filename));
