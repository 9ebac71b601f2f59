/**
 * The bundled CLI (scripts/bundle-cli.ts, loaded by bin/graylane.js) is the same program as the sources: the
 * same output, errors and exit statuses for every command, with and without its code cache; a cache that
 * belongs to another bundle is never used.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runCli, type CliRun } from '../scripts/run-cli';
import { bundleCli, writeCodeCache } from '../scripts/bundle-cli';
import { ROOT } from './support/examples';

const BIN = join(ROOT, 'bin', 'graylane.js');
const COMMANDS: readonly (readonly string[])[] = [
  ['render', 'examples/bookinfo-lanes.release.yaml'],
  ['render', 'examples/flip-flop.release.yaml', '--step', '1', '--target', 'asm'],
  ['validate', 'examples/coding-demo.release.yaml'],
  ['check', 'examples/storefront-paths.release.yaml', '--format', 'json'],
  ['explain', 'examples/bookinfo-lanes.release.yaml', '--gateway', 'istio-system/bookinfo-gateway', '--host', 'bookinfo.example.com', '--format', 'json'],
  ['diff', 'examples/bookinfo-lanes.release.yaml', 'examples/bookinfo-gateway.release.yaml'],
  ['graph', 'examples/asm-full-link.release.yaml'],
  ['render', 'examples/does-not-exist.release.yaml'],
  ['render', 'examples/bookinfo-lanes.release.yaml', '--no-such-flag'],
  ['--version'],
];

/** Every command through the bundle, in one fresh process: [status, stdout, stderr] each. */
function runBundled(bundle: string): { runs: CliRun[]; cacheUsed: boolean } {
  const script = `
    const { loadBundle } = require(${JSON.stringify(BIN)});
    const { cli, cacheUsed } = loadBundle(${JSON.stringify(bundle)});
    (async () => {
      const runs = [];
      for (const args of ${JSON.stringify(COMMANDS)}) {
        let stdout = '';
        let stderr = '';
        const status = await cli.run(args, { cwd: ${JSON.stringify(ROOT)}, stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) });
        runs.push({ status, stdout, stderr });
      }
      process.stdout.write(JSON.stringify({ runs, cacheUsed }));
    })();`;
  return JSON.parse(execFileSync(process.execPath, ['-e', script], { cwd: ROOT, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 })) as { runs: CliRun[]; cacheUsed: boolean };
}

describe('the bundled CLI', () => {
  // Two levels under the root, as dist/bundle is: the version is read from the package.json there.
  mkdirSync(join(ROOT, 'dist'), { recursive: true });
  const dir = mkdtempSync(join(ROOT, 'dist', 'bundle-test-'));
  const bundle = join(dir, 'graylane.js');
  let expected: CliRun[];
  const same = (runs: readonly CliRun[]) => COMMANDS.forEach((args, i) => assert.deepEqual(runs[i], expected[i], args.join(' ')));
  after(() => rmSync(dir, { recursive: true, force: true }));
  before(async () => {
    bundleCli(bundle);
    expected = [];
    for (const args of COMMANDS) expected.push(await runCli(args, ROOT));
  });

  it('prints what the sources print, without a code cache', () => {
    const { runs, cacheUsed } = runBundled(bundle);
    assert.equal(cacheUsed, false);
    same(runs);
  });

  it('prints the same with the code cache of a warm-up run, and uses it', () => {
    writeCodeCache(bundle);
    const { runs, cacheUsed } = runBundled(bundle);
    assert.equal(cacheUsed, true);
    same(runs);
  });

  it('ignores a code cache made for another bundle', () => {
    writeCodeCache(bundle);
    // Another build of the same length: only its digest differs.
    const text = readFileSync(bundle, 'utf8');
    writeFileSync(bundle, text.replace(/graylane-bundle ([0-9a-f])/, (_, c: string) => `graylane-bundle ${c === '0' ? '1' : '0'}`));
    const { runs, cacheUsed } = runBundled(bundle);
    assert.equal(cacheUsed, false);
    same(runs);
  });
});
