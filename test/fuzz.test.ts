/**
 * Fuzzing (issue 11): the fixed cases in test/fixtures/bad/, and fast-check properties that break the
 * example specs and rendered YAML at random — keys deleted, duplicated or retyped, bytes flipped, text cut
 * short, aliases, odd keys, huge and deep values. Whatever the input: never an exception or a stack trace;
 * exit 2 with a file:line:col message and nothing written, or exit 0 with output that parses.
 * `npm test` runs FUZZ_RUNS (default 100) cases per property; `npm run fuzz` runs many more.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { parseAllDocuments, stringify } from 'yaml';
import { runCli } from '../scripts/run-cli';
import { BASE_SPEC } from './support/base-spec';
import { ROOT } from './support/examples';

const RUNS = Number(process.env.FUZZ_RUNS ?? 100);
const BAD = join(ROOT, 'test/fixtures/bad');

/** A located diagnostic line, or a usage error of the shell (those name the path themselves). */
const LOCATED = /^(\S+:\d+:\d+: error GL\d{3}\b|graylane: error: )/;

function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
}

/** Renders `bytes` as spec.yaml into out/ and checks the contract; returns the exit status. */
async function renderChecked(bytes: Buffer | string): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'graylane-fuzz-'));
  try {
    writeFileSync(join(dir, 'spec.yaml'), bytes);
    const r = await runCli(['render', 'spec.yaml', '-o', 'out'], dir);
    assert.doesNotMatch(r.stderr, /internal error|\n\s+at /, r.stderr);
    if (r.status === 2) {
      const errors = r.stderr.split('\n').filter((l) => / error /.test(l) || l.startsWith('graylane:'));
      assert.ok(errors.length > 0, r.stderr);
      for (const line of errors) assert.match(line, LOCATED);
      assert.deepEqual(readdirSync(dir), ['spec.yaml'], 'nothing is written on error');
    } else {
      assert.equal(r.status, 0, r.stderr);
      const written = filesUnder(join(dir, 'out')).filter((f) => f.endsWith('.yaml'));
      assert.match(r.stderr, new RegExp(`wrote ${written.length} files to out\\n$`));
      for (const f of written) for (const doc of parseAllDocuments(readFileSync(f, 'utf8'))) assert.deepEqual(doc.errors, [], f);
    }
    return r.status;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Runs `check` over YAML objects, and `diff` from the unmutated objects to them (it simulates every request
 * class of both); neither writes anything, and each exits 0, 1 (findings) or 2 (located).
 */
async function checkChecked(bytes: Buffer | string, original: string): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'graylane-fuzz-'));
  try {
    writeFileSync(join(dir, 'objects.yaml'), bytes);
    writeFileSync(join(dir, 'original.yaml'), original);
    for (const args of [['check', 'objects.yaml'], ['diff', 'original.yaml', 'objects.yaml']]) {
      const r = await runCli(args, dir);
      assert.doesNotMatch(r.stderr, /internal error|\n\s+at /, `${args[0]}: ${r.stderr}`);
      assert.ok([0, 1, 2].includes(r.status), `${args[0]} ${r.status}: ${r.stderr}`);
      if (r.status === 2) for (const line of r.stderr.split('\n').filter((l) => / error /.test(l) || l.startsWith('graylane:'))) assert.match(line, LOCATED);
    }
    assert.deepEqual(readdirSync(dir).sort(), ['objects.yaml', 'original.yaml']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('fuzz cases found (test/fixtures/bad)', () => {
  const files = readdirSync(BAD).filter((f) => f.endsWith('.yaml'));
  it('has cases', () => assert.ok(files.length >= 20));
  for (const file of files) {
    it(`${file}: exit 2, located ${file.slice(0, 5).toUpperCase()}, nothing written`, async () => {
      const dir = mkdtempSync(join(tmpdir(), 'graylane-bad-'));
      writeFileSync(join(dir, file), readFileSync(join(BAD, file)));
      const r = await runCli(['render', file, '-o', 'out'], dir);
      assert.equal(r.status, 2, r.stderr);
      assert.match(r.stderr, new RegExp(`^${file.replace(/\./g, '\\.')}:\\d+:\\d+: error ${file.slice(0, 5).toUpperCase()}\\b`, 'm'));
      assert.doesNotMatch(r.stderr, /internal error|\n\s+at /);
      assert.deepEqual(readdirSync(dir), [file]);
    });
  }
});

// --- mutations ---------------------------------------------------------------------------------------

const SPECS = [BASE_SPEC, ...readdirSync(join(ROOT, 'examples')).filter((f) => f.endsWith('.release.yaml')).map((f) => readFileSync(join(ROOT, 'examples', f), 'utf8'))];
const RENDERED = readdirSync(join(ROOT, 'test/golden'), { recursive: true, withFileTypes: true })
  .filter((e) => e.isFile() && e.name.endsWith('.yaml'))
  .map((e) => readFileSync(join(e.parentPath, e.name), 'utf8'))
  .slice(0, 12);

const nested = (depth: number): unknown => {
  let v: unknown = 'leaf';
  for (let i = 0; i < depth; i++) v = i % 2 === 0 ? { k: v } : [v];
  return v;
};

const ODD_KEYS = ['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', '', ' ', 'ü', '0', 'a.b', '<<', '*', '-', '{}', 'x'.repeat(300)];
const value: fc.Arbitrary<unknown> = fc.oneof(
  fc.integer(),
  fc.double(),
  fc.constantFrom(Infinity, -Infinity, NaN, Number('1e309'), -0, 2 ** 53 + 1),
  fc.string({ maxLength: 20 }),
  fc.constantFrom('', 'x'.repeat(70_000), '../../x', 'Release', 'graylane.dev/v1alpha1', '*', '.', '{service}', 'a\u0000b'),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.string({ maxLength: 5 }), { maxLength: 3 }),
  fc.dictionary(fc.constantFrom(...ODD_KEYS, 'a', 'b'), fc.string({ maxLength: 5 }), { maxKeys: 3 }),
  // Deeper than the 64 levels graylane accepts, not so deep that the YAML library's own stringify overflows.
  fc.integer({ min: 20, max: 400 }).map(nested),
);

type Op =
  | { kind: 'delete'; at: number }
  | { kind: 'duplicate-line' | 'truncate'; at: number }
  | { kind: 'retype'; at: number; value: unknown }
  | { kind: 'odd-key'; at: number; key: string; value: unknown }
  | { kind: 'flip'; at: number; byte: number }
  | { kind: 'insert'; at: number; text: string };

const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat() }),
  fc.record({ kind: fc.constantFrom('duplicate-line' as const, 'truncate' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('retype' as const), at: fc.nat(), value }),
  fc.record({ kind: fc.constant('odd-key' as const), at: fc.nat(), key: fc.constantFrom(...ODD_KEYS), value }),
  fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), byte: fc.integer({ min: 0, max: 255 }) }),
  fc.record({
    kind: fc.constant('insert' as const),
    at: fc.nat(),
    text: fc.constantFrom('*a', '&a [*a]', ' *undefined', '&x', '<<: *x', '!!binary x', '!custom', '? [a]\n: b', '---\n', '...\n', '\t', '%YAML 1.1\n', '"\\u0000"', ': :', '#', '&a a\n*a: b', '{'.repeat(2000)),
  }),
);

/** Paths to every mapping and list of a parsed document, in a stable order. */
function containers(data: unknown): (string | number)[][] {
  const out: (string | number)[][] = [];
  const walk = (v: unknown, path: (string | number)[]) => {
    if (typeof v !== 'object' || v === null) return;
    out.push(path);
    for (const [k, child] of Array.isArray(v) ? v.map((c, i) => [i, c] as const) : Object.entries(v)) walk(child, [...path, k]);
  };
  walk(data, []);
  return out;
}

function at(data: unknown, path: readonly (string | number)[]): Record<string | number, unknown> {
  return path.reduce<unknown>((v, k) => (v as Record<string | number, unknown>)[k], data) as Record<string | number, unknown>;
}

/** Applies one mutation; data-level ones go through YAML and back, text-level ones touch the bytes. */
function apply(text: string, o: Op): Buffer | string {
  if (o.kind === 'flip' || o.kind === 'truncate' || o.kind === 'insert' || o.kind === 'duplicate-line') {
    const bytes = Buffer.from(text);
    const i = bytes.length === 0 ? 0 : o.at % bytes.length;
    if (o.kind === 'flip') {
      bytes[i] = o.byte;
      return bytes;
    }
    if (o.kind === 'truncate') return bytes.subarray(0, i);
    const lines = text.split('\n');
    const l = o.at % lines.length;
    if (o.kind === 'duplicate-line') lines.splice(l, 0, lines[l]!);
    else if (o.kind === 'insert') lines[l] = `${lines[l]}${o.text}`;
    return lines.join('\n');
  }
  let docs: unknown[];
  try {
    docs = parseAllDocuments(text).map((d) => d.toJS() as unknown);
  } catch {
    return text; // an earlier mutation made the text unreadable as data: leave it as it is
  }
  const data = docs[0];
  const places = containers(data);
  if (places.length === 0) return text;
  const container = at(data, places[o.at % places.length]!);
  const keys = Object.keys(container);
  const key = keys.length > 0 ? (Array.isArray(container) ? Number(keys[o.at % keys.length]) : keys[o.at % keys.length]!) : undefined;
  if (o.kind === 'delete' && key !== undefined) {
    if (Array.isArray(container)) container.splice(key as number, 1);
    else delete container[key];
  }
  if (o.kind === 'retype' && key !== undefined) container[key] = o.value;
  // defineProperty: an own key even for __proto__, as a parser makes it.
  if (o.kind === 'odd-key' && !Array.isArray(container)) Object.defineProperty(container, o.key, { value: o.value, enumerable: true, writable: true, configurable: true });
  return [data, ...docs.slice(1)].map((d) => stringify(d, { aliasDuplicateObjects: false })).join('---\n');
}

describe('fuzz properties', () => {
  it(`a mutated spec renders to exit 0 with valid output, or exit 2 with a located message and nothing written (${RUNS} runs)`, { timeout: 600_000 }, async () => {
    const statuses = new Set<number>();
    await fc.assert(
      fc.asyncProperty(fc.nat(), fc.array(op, { minLength: 1, maxLength: 3 }), async (which, ops) => {
        const input = ops.reduce<Buffer | string>((t, o) => apply(t.toString(), o), SPECS[which % SPECS.length]!);
        statuses.add(await renderChecked(input));
      }),
      { numRuns: RUNS, includeErrorInReport: true, seed: process.env.FUZZ_SEED !== undefined ? Number(process.env.FUZZ_SEED) : undefined },
    );
    assert.ok(statuses.has(2), 'the mutations do break specs');
  });

  it(`mutated rendered YAML: check and diff never crash and locate what they refuse (${RUNS} runs)`, { timeout: 600_000 }, async () => {
    await fc.assert(
      fc.asyncProperty(fc.nat(), fc.array(op, { minLength: 1, maxLength: 3 }), async (which, ops) => {
        const original = RENDERED[which % RENDERED.length]!;
        await checkChecked(ops.reduce<Buffer | string>((t, o) => apply(t.toString(), o), original), original);
      }),
      { numRuns: RUNS, includeErrorInReport: true, seed: process.env.FUZZ_SEED !== undefined ? Number(process.env.FUZZ_SEED) : undefined },
    );
  });
});
