/** The CLI as users run it: output files, stdout streams, exit statuses, atomic replacement. */
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { runCli } from '../scripts/run-cli';
import { MARKER } from '../cli/output-dir';
import { BASE_SPEC, mutate } from './support/base-spec';
import { ROOT } from './support/examples';

const cli = (args: string[], cwd = ROOT) => runCli(args, cwd);

function workdir(): string {
  return mkdtempSync(join(tmpdir(), 'graylane-cli-'));
}

describe('graylane render', () => {
  it('writes one file per object under DIR/<target>/, equal to the golden stream', async () => {
    const out = join(workdir(), 'out');
    const r = await cli(['render', 'examples/bookinfo-lanes.release.yaml', '--out', out]);
    assert.equal(r.status, 0, r.stderr);
    const files = readdirSync(join(out, 'istio')).sort();
    assert.equal(files.length, 13);
    assert.ok(files.includes('virtualservice-bookinfo-entry.yaml'));
    const golden = readFileSync(join(ROOT, 'test/golden/bookinfo-lanes/istio.yaml'), 'utf8');
    for (const f of files) assert.ok(golden.includes(readFileSync(join(out, 'istio', f), 'utf8')), f);
    assert.match(r.stderr, /bookinfo-lanes\.release\.yaml: 4 services × 4 lanes; istio: 13 objects, asm: 15 objects, gateway-api: 14 objects; wrote 42 files to /);
    assert.equal(readdirSync(join(out, 'asm')).length, 15);
  });

  it('prints a multi-document stream with -o - and selects the step', async () => {
    const r = await cli(['render', 'examples/flip-flop.release.yaml', '--step', '1', '--target', 'istio', '-o', '-']);
    assert.equal(r.status, 0);
    assert.equal(r.stdout, readFileSync(join(ROOT, 'test/golden/flip-flop/istio.step-1.yaml'), 'utf8'));
  });

  it('replaces the previous output as a whole: objects that are gone are removed', async () => {
    const dir = workdir();
    const spec = join(dir, 'shop.yaml');
    writeFileSync(spec, BASE_SPEC);
    assert.equal((await cli(['render', spec, '-o', join(dir, 'out')], dir)).status, 0);
    assert.ok(existsSync(join(dir, 'out/istio/destinationrule-cart-gray.yaml')));
    writeFileSync(spec, mutate('    gray:\n      selector: { version: v2 }\n      services: [cart]\n      fallback: [base]\n', '', mutate('        lane: gray', '        lane: base', mutate('{ base: 50, gray: 50 }', '{ base: 100 }'))));
    assert.equal((await cli(['render', spec, '-o', join(dir, 'out')], dir)).status, 0);
    assert.ok(!existsSync(join(dir, 'out/istio/destinationrule-cart-gray.yaml')));
    assert.ok(existsSync(join(dir, 'out', MARKER)));
    assert.deepEqual(readdirSync(dir).sort(), ['out', 'shop.yaml'], 'no temporary directory is left behind');
  });

  it('exits 2 with file:line:col diagnostics and leaves the previous output untouched on bad input', async () => {
    const dir = workdir();
    const spec = join(dir, 'shop.yaml');
    writeFileSync(spec, BASE_SPEC);
    await cli(['render', spec, '-o', 'out'], dir);
    const before = readdirSync(join(dir, 'out/istio')).sort();
    writeFileSync(spec, mutate('fallback: [base]', 'fallback: [bsae]'));
    const r = await cli(['render', 'shop.yaml', '-o', 'out'], dir);
    assert.equal(r.status, 2);
    assert.equal(r.stderr, 'shop.yaml:18:18: error GL201 spec.lanes.gray.fallback[0]: Lane "bsae" is not defined in spec.lanes.\n  hint: did you mean "base"?\n');
    assert.deepEqual(readdirSync(join(dir, 'out/istio')).sort(), before);
  });

  it('refuses to replace a directory graylane did not write', async () => {
    const dir = workdir();
    writeFileSync(join(dir, 'shop.yaml'), BASE_SPEC);
    writeFileSync(join(dir, 'notes.txt'), 'mine');
    const r = await cli(['render', 'shop.yaml', '-o', '.'], dir);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /^graylane: error: refusing to replace ".*": it is not empty and was not written by graylane/);
    assert.equal(readFileSync(join(dir, 'notes.txt'), 'utf8'), 'mine');
  });

  it('exits 2 without a stack trace for a missing file, a bad step and an unknown target', async () => {
    for (const args of [
      ['render', 'missing.yaml'],
      ['render', 'examples/flip-flop.release.yaml', '--step', 'two'],
      ['render', 'examples/flip-flop.release.yaml', '--target', 'nginx'],
      ['render', 'examples/flip-flop.release.yaml', '--step', '9'],
      ['frobnicate'],
    ]) {
      const r = await cli(args);
      assert.equal(r.status, 2, args.join(' '));
      assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
      assert.equal(r.stdout, '');
    }
  });
});

describe('graylane validate', () => {
  it('prints a summary per target and exits 0 for a valid spec', async () => {
    const r = await cli(['validate', 'examples/bookinfo-lanes.release.yaml']);
    assert.equal(r.status, 0);
    assert.equal(r.stdout, 'examples/bookinfo-lanes.release.yaml: 4 services × 4 lanes; istio: 13 objects, asm: 15 objects, gateway-api: 14 objects\n');
    const warned = await cli(['validate', 'examples/coding-demo.release.yaml', '--target', 'traefik']);
    // Its two routes share the in-memory rate limiter: GL402 says the limit is doubled (traefik/traefik#13706).
    assert.equal(warned.stdout, 'examples/coding-demo.release.yaml: 1 service × 2 lanes; traefik: 4 objects; 1 warning\n');
    const withWarning = await cli(['validate', 'stacks/specs/dev.release.yaml', '--target', 'istio', '--step', '0']);
    assert.equal(withWarning.status, 0);
  });
});

describe('the installed bin', () => {
  it('runs the built CLI (help, version, exit status)', () => {
    execFileSync('npm', ['run', '--silent', 'build'], { cwd: ROOT, stdio: 'ignore' });
    const bin = join(ROOT, 'bin', 'graylane.js');
    const version = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version as string;
    assert.equal(execFileSync('node', [bin, '--version'], { encoding: 'utf8' }).trim(), version);
    const help = execFileSync('node', [bin, 'render', '--help'], { encoding: 'utf8' });
    assert.match(help, /Usage: graylane render \[options\] <spec>/);
    assert.match(help, /--step <n>/);
    const bad = spawnSync('node', [bin, 'validate', join(ROOT, 'examples', 'nope.yaml')], { encoding: 'utf8' });
    assert.equal(bad.status, 2);
  });
});
