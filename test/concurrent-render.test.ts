/**
 * Renders into one output directory that race or die (issue 11): two processes with the same PID (each
 * PID 1 of its own namespace, as two containers sharing a volume), and renders killed with SIGKILL at
 * random moments. Every time, the directory holds one complete output — the old or the new, never a mix
 * or a part — and after the next render nothing a killed one left remains.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { describe, it } from 'node:test';
import { compile, manifestFileName, manifestToYaml } from '../compiler';
import { MARKER } from '../cli/output-dir';
import { BASE_SPEC, mutate } from './support/base-spec';
import { ROOT } from './support/examples';

const SPEC_A = readFileSync(join(ROOT, 'examples/bookinfo-lanes.release.yaml'), 'utf8');
const SPEC_B = mutate('  namespace: shop\n', '  namespace: shop\n  labels: { team: b }\n', BASE_SPEC);

/** What a complete render of `spec` puts in the directory: relative path → content. */
function expected(spec: string): Map<string, string> {
  const result = compile(spec);
  assert.ok(result.ok);
  const files = new Map<string, string>([[MARKER, readMarker()]]);
  for (const o of result.outputs) for (const m of o.manifests) files.set(join(o.target, manifestFileName(m)), manifestToYaml(m));
  return files;
}

function readMarker(): string {
  return 'Written by graylane render; the whole directory is replaced on each render.\n';
}

function contents(dir: string): Map<string, string> {
  const files = new Map<string, string>();
  for (const e of readdirSync(dir, { recursive: true, withFileTypes: true })) if (e.isFile()) files.set(relative(dir, join(e.parentPath, e.name)), readFileSync(join(e.parentPath, e.name), 'utf8'));
  return files;
}

/** Which complete output `dir` holds: 'A', 'B', or a description of what is wrong. */
function whichOutput(dir: string, outputs: Record<string, Map<string, string>>): string {
  if (!existsSync(dir)) return 'absent';
  const actual = contents(dir);
  for (const [name, files] of Object.entries(outputs)) {
    if (actual.size === files.size && [...files].every(([f, text]) => actual.get(f) === text)) return name;
  }
  return `a mix or a part (${actual.size} files)`;
}

/** The CLI from source as its own process (cwd ROOT, so `--import tsx` resolves); paths are absolute. */
function renderProcess(spec: string, out: string, pidNamespace: boolean): ChildProcess {
  const node = [process.execPath, '--import', 'tsx', 'cli/main.ts', 'render', spec, '-o', out];
  const options = { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] as ('ignore' | 'pipe')[] };
  return pidNamespace ? spawn('unshare', ['--pid', '--fork', ...node], options) : spawn(node[0]!, node.slice(1), options);
}

function exited(child: ChildProcess): Promise<{ status: number | null; signal: NodeJS.Signals | null; stderr: string }> {
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((done) => child.on('close', (status, signal) => done({ status, signal, stderr })));
}

/** Separate PID namespaces need root and unshare(1); the reason when they cannot be had. */
function pidNamespacesUnavailable(): string | false {
  if (process.getuid?.() !== 0) return 'not root: unshare --pid needs CAP_SYS_ADMIN';
  const probe = spawnSync('unshare', ['--pid', '--fork', process.execPath, '-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  if (probe.error || probe.status !== 0) return `unshare --pid --fork does not work here: ${probe.error?.message ?? probe.stderr.trim()}`;
  if (probe.stdout !== '1') return `a process in a new PID namespace is not PID 1 here (it is ${probe.stdout})`;
  return false;
}

/** A small deterministic generator, so a failing run can be repeated. */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const leftovers = (parent: string) => readdirSync(parent).filter((e) => e.startsWith('.out.'));

describe('renders into one directory', () => {
  const outputs = { A: expected(SPEC_A), B: expected(SPEC_B) };
  const setup = () => {
    const dir = mkdtempSync(join(tmpdir(), 'graylane-race-'));
    writeFileSync(join(dir, 'a.yaml'), SPEC_A);
    writeFileSync(join(dir, 'b.yaml'), SPEC_B);
    return dir;
  };

  const unavailable = pidNamespacesUnavailable();
  if (unavailable) console.log(`# concurrent renders with one PID: skipped (${unavailable})`);

  it('two processes with the same PID (separate PID namespaces): one complete output, every time', { skip: unavailable, timeout: 300_000 }, async () => {
    const dir = setup();
    const out = join(dir, 'out');
    for (let round = 0; round < 3; round++) {
      const [a, b] = await Promise.all([exited(renderProcess(join(dir, 'a.yaml'), out, true)), exited(renderProcess(join(dir, 'b.yaml'), out, true))]);
      assert.equal(a.status, 0, a.stderr);
      assert.equal(b.status, 0, b.stderr);
      assert.match(whichOutput(out, outputs), /^[AB]$/, `round ${round}`);
      assert.deepEqual(leftovers(dir), [], `round ${round}: nothing left beside the output`);
    }
  });

  it('killed with SIGKILL at random moments: the old or the new output, and the next render cleans up', { timeout: 300_000 }, async () => {
    const next = random(11);
    const dir = setup();
    const out = join(dir, 'out');
    const seen = new Set<string>();
    const first = await exited(renderProcess(join(dir, 'a.yaml'), out, false));
    assert.equal(first.status, 0, first.stderr);
    for (let run = 0; run < 6; run++) {
      // Each run replaces the output the run before left: A by B, then B by A, …
      const [from, to] = run % 2 === 0 ? (['A', 'B'] as const) : (['B', 'A'] as const);
      const child = renderProcess(join(dir, `${to.toLowerCase()}.yaml`), out, false);
      const done = exited(child);
      // Half the kills land anywhere; half just after the staging directory appears, where the renames are.
      if (run % 2 === 0) await new Promise((r) => setTimeout(r, next() * 1500));
      else {
        const deadline = Date.now() + 20_000;
        while (Date.now() < deadline && child.exitCode === null && !readdirSync(dir).some((e) => e.startsWith('.out.tmp-'))) await new Promise((r) => setImmediate(r));
        await new Promise((r) => setTimeout(r, next() * 5));
      }
      child.kill('SIGKILL');
      await done;
      const state = whichOutput(out, outputs);
      seen.add(state);
      // Right after the kill: a complete output, or none while an interrupted replacement waits for recovery.
      assert.ok(state === from || state === to || (state === 'absent' && leftovers(dir).some((e) => e.startsWith('.out.old-'))), `run ${run}: ${state}, beside ${leftovers(dir).join(', ')}`);
      const recovery = await exited(renderProcess(join(dir, `${to.toLowerCase()}.yaml`), out, false));
      assert.equal(recovery.status, 0, recovery.stderr);
      assert.equal(whichOutput(out, outputs), to);
      assert.deepEqual(leftovers(dir), [], `run ${run}: the next render removed what the killed one left`);
    }
    console.log(`# states seen right after the kills: ${[...seen].sort().join(', ')}`);
  });
});
