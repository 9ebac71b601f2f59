#!/usr/bin/env node
'use strict';
/**
 * The `graylane` command. `npm run build` bundles the CLI into one file (scripts/bundle-cli.ts) and records V8's
 * code cache of a run beside it, so a command starts without resolving some 250 modules and without compiling
 * the functions it runs again: about the start-up of `require('yaml')` alone. The cache is used only with the
 * bundle it was made from (the build ends the bundle with its SHA-256, and the cache starts with it; hashing
 * here would cost what the cache saves), and V8 itself rejects a cache from another Node version or with other
 * flags. Without the bundle (only `tsc` has run) the module-by-module build runs.
 */
const { existsSync, readFileSync, writeFileSync } = require('node:fs');
const { createRequire } = require('node:module');
const { dirname, join } = require('node:path');
const vm = require('node:vm');

const BUNDLE = join(__dirname, '..', 'dist', 'bundle', 'graylane.js');
const ID_MARK = '\n//# graylane-bundle ';

/** The bundle evaluated as a CommonJS module (the wrapper Node uses), with its code cache when it fits. */
function loadBundle(bundle = BUNDLE) {
  const source = readFileSync(bundle, 'utf8');
  const mark = source.lastIndexOf(ID_MARK);
  const digest = Buffer.from(mark < 0 ? '' : source.slice(mark + ID_MARK.length).trim(), 'latin1');
  let cachedData;
  try {
    const cache = readFileSync(`${bundle}.cache`);
    if (digest.length > 0 && cache.subarray(0, digest.length).equals(digest)) cachedData = cache.subarray(digest.length);
  } catch {
    // no cache: compiled as usual
  }
  const script = new vm.Script(`(function (exports, require, module, __filename, __dirname) {${source}\n})`, { filename: bundle, ...(cachedData ? { cachedData } : {}) });
  const module = { exports: {} };
  script.runInThisContext()(module.exports, createRequire(bundle), module, bundle, dirname(bundle));
  return { cli: module.exports, script, digest, cacheUsed: cachedData !== undefined && !script.cachedDataRejected };
}

function loadCli() {
  return existsSync(BUNDLE) ? loadBundle().cli : require('../dist/cli/main.js');
}

/** For the build: runs the commands given (output discarded), then writes the code cache of everything they compiled. */
async function writeCodeCache(runs, cwd, bundle = BUNDLE) {
  const { cli, script, digest } = loadBundle(bundle);
  const quiet = { cwd, stdout: () => {}, stderr: () => {} };
  for (const args of runs) await cli.run(args, quiet);
  writeFileSync(`${bundle}.cache`, Buffer.concat([digest, script.createCachedData()]));
}

if (require.main === module) {
  loadCli()
    .run(process.argv.slice(2))
    .then((code) => {
      process.exitCode = code;
    });
} else {
  module.exports = { loadBundle, writeCodeCache };
}
