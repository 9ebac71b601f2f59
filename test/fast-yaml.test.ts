/**
 * The js-yaml fast path (compiler/fast-yaml.ts) against its reference, the `yaml` library's path: whenever the
 * fast path answers, it gives exactly the reference's data (key order, -0, NaN and prototypes included) and
 * positions, and it never accepts a text the reference refuses. Shown on the yaml-test-suite, on every YAML file
 * of the repository, on generated data printed two ways, on mutated texts, and on named cases.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { stringify } from 'yaml';
import { documentsWithYaml } from '../cli/inputs';
import { compile, type Manifest } from '../compiler';
import type { SpecPath } from '../compiler/diagnostics';
import { fastLoad, fastLoadAll, fastPathDeclines } from '../compiler/fast-yaml';
import { parseSpecText, parseSpecTextWithYaml } from '../compiler/parse';
import { MAX_DEPTH } from '../compiler/plain-data';
import { manifestsToYaml, YAML_OPTIONS } from '../compiler/serialize';
import { printYaml } from '../compiler/yaml-printer';
import { exampleFiles, readExample, ROOT } from './support/examples';

const RUNS = Number(process.env.GRAYLANE_PROPERTY_RUNS ?? 150);

/** A spelling of data that tells every difference deepEqual may miss: key order, -0, NaN, prototypes. */
function exact(value: unknown): string {
  return JSON.stringify(value, function (_key, v: unknown) {
    if (typeof v === 'number') return `number:${Object.is(v, -0) ? '-0' : String(v)}`;
    if (typeof v === 'string') return `string:${v}`;
    if (v === undefined) return 'undefined';
    if (typeof v === 'object' && v !== null) {
      const prototype = Object.getPrototypeOf(v) as unknown;
      if (prototype !== (Array.isArray(v) ? Array.prototype : Object.prototype)) return 'foreign prototype';
    }
    return v;
  });
}

/** One-document text: the fast path declines, or the reference accepts it with the same data. */
function checkOne(text: string): 'declined' | 'agreed' {
  const fast = fastLoad(text);
  if (fast === undefined) return 'declined';
  const reference = parseSpecTextWithYaml(text);
  assert.deepEqual(reference.diagnostics, [], `the fast path accepts ${JSON.stringify(text)}, the reference refuses it`);
  assert.equal(exact(fast.data), exact(reference.data), `different data for ${JSON.stringify(text)}`);
  return 'agreed';
}

/** Rendered-file text: the fast path declines, or the reference gives the same documents at the same positions. */
function checkAll(text: string): 'declined' | 'agreed' {
  const fast = fastLoadAll(text);
  if (fast === undefined) return 'declined';
  let reference;
  try {
    reference = documentsWithYaml('file.yaml', text);
  } catch (e) {
    assert.fail(`the fast path accepts ${JSON.stringify(text)}, the reference refuses it: ${String(e)}`);
  }
  // Documents without content are skipped by every caller; js-yaml omits them, `yaml` gives null.
  const withContent = (docs: readonly { data: unknown; line: number; column: number }[]) =>
    docs.filter((d) => d.data !== null && d.data !== undefined).map((d) => ({ data: exact(d.data), line: d.line, column: d.column }));
  assert.deepEqual(withContent(fast), withContent(reference), `different documents for ${JSON.stringify(text)}`);
  return 'agreed';
}

interface SuiteCase {
  readonly id: string;
  readonly name: string;
  readonly error: boolean;
  readonly yaml: string;
}
const SUITE: SuiteCase[] = JSON.parse(readFileSync(join(__dirname, 'fixtures', 'yaml-test-suite', 'cases.json'), 'utf8'));

describe('fast YAML path: the yaml-test-suite', () => {
  it('holds every case of the suite', () => assert.equal(SUITE.length, 402));

  it('declines or agrees with the yaml library on every case, as one document', () => {
    const outcomes = SUITE.map((c) => checkOne(c.yaml));
    // Not vacuous: the fast path takes a fair share of the suite (most of it is YAML the fast path leaves alone).
    assert.ok(outcomes.filter((o) => o === 'agreed').length >= 60, `agreed on ${outcomes.filter((o) => o === 'agreed').length}`);
  });

  it('declines or agrees with the yaml library on every case, as a rendered file of documents', () => {
    const outcomes = SUITE.map((c) => checkAll(c.yaml));
    assert.ok(outcomes.filter((o) => o === 'agreed').length >= 60, `agreed on ${outcomes.filter((o) => o === 'agreed').length}`);
  });

  it('never accepts a case the suite marks as an error', () => {
    for (const c of SUITE.filter((c) => c.error)) {
      assert.equal(fastLoad(c.yaml), undefined, `${c.id} ${c.name}`);
      assert.equal(fastLoadAll(c.yaml), undefined, `${c.id} ${c.name}`);
    }
  });
});

function yamlFilesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && /\.ya?ml$/.test(e.name))
    .map((e) => join(e.parentPath, e.name))
    .sort();
}

describe('fast YAML path: graylane\'s own YAML', () => {
  it('is taken for every example spec, with the data of the yaml library', () => {
    for (const name of exampleFiles()) {
      const text = readExample(name);
      assert.equal(checkOne(text), 'agreed', `the fast path declines examples/${name}, so its speed-up is gone`);
    }
  });

  it('is taken for every object file graylane renders from the examples, with the same data and positions', () => {
    for (const name of exampleFiles()) {
      const result = compile(readExample(name));
      assert.ok(result.ok, name);
      for (const output of result.outputs) {
        assert.equal(checkAll(manifestsToYaml(output.manifests)), 'agreed', `${name} → ${output.target}`);
        for (const manifest of output.manifests) assert.equal(checkAll(manifestsToYaml([manifest])), 'agreed', `${name} → ${output.target}`);
      }
    }
  });

  it('declines or agrees on every YAML file of the repository (goldens, examples, upstream fixtures)', () => {
    const files = [...yamlFilesUnder(join(ROOT, 'test')), ...yamlFilesUnder(join(ROOT, 'examples'))];
    assert.ok(files.length > 50);
    let agreed = 0;
    for (const file of files) {
      const text = readFileSync(file, 'utf8');
      if (checkAll(text) === 'agreed') agreed++;
      checkOne(text);
    }
    // The goldens are graylane's printed output: the fast path must read nearly all of them.
    assert.ok(agreed >= files.length * 0.8, `agreed on ${agreed} of ${files.length}`);
  });

  it('gives, lazily, the same positions as the yaml library for every path of every example', () => {
    for (const name of exampleFiles()) {
      const text = readExample(name);
      const fast = parseSpecText(`${text}\n`);
      const reference = parseSpecTextWithYaml(`${text}\n`);
      assert.equal(fastLoad(`${text}\n`) !== undefined, true);
      for (const path of pathsOf(reference.data)) {
        assert.deepEqual(fast.locator.locate(path), reference.locator.locate(path), `${name} ${path.join('.')}`);
        assert.deepEqual(fast.locator.locate(path, true), reference.locator.locate(path, true), `${name} ${path.join('.')} (key)`);
      }
      assert.deepEqual(fast.locator.locate(['no', 'such', 'path']), reference.locator.locate(['no', 'such', 'path']));
    }
  });
});

function pathsOf(value: unknown, path: SpecPath = [], out: SpecPath[] = []): SpecPath[] {
  out.push(path);
  if (Array.isArray(value)) value.forEach((v, i) => pathsOf(v, [...path, i], out));
  else if (typeof value === 'object' && value !== null) for (const [k, v] of Object.entries(value)) pathsOf(v, [...path, k], out);
  return out;
}

/** Text on the edges of the core schema, of plain scalars and of escapes. */
const TRICKY = [
  ...['', ' ', 'yes', 'no', 'on', 'off', 'y', 'n', 'null', 'Null', 'NULL', 'nULL', '~', 'true', 'True', 'TRUE', 'tRUE', 'false', 'FALSE'],
  ...['1e3', '1E3', '1e+3', '.5e-3', '1.', '.5', '+.5', '-1.5', '1.5.5', '0x1F', '0X1F', '0x', '0o17', '0o8', '017', '08', '+8', '-08', '-0', '+0', '0b11'],
  ...['1_000', '12:30', '1,000', '.inf', '-.Inf', '+.INF', '.nan', '.NaN', '+.nan', 'nan', 'inf', '-', '?', ':', '-a', '- a', '?a', ':a', 'a:', 'a: b'],
  ...[' a', 'a ', '\ta', 'a #b', '#a', 'a#b', '*a', '&a', '!a', '|a', '>a', '%a', '<<', '[a]', '{a: 1}', '"a', "'a", 'a"b', "a'b", 'a\\nb', '---', '...'],
  ...['é', '😀', '\u0085', '\u2028', '\ufeffa', '\x00', '\x7f', '\ud800', 'a\udfff', 'k'.repeat(1030), 'a\nb', 'a \nb', '\n', 'a\n\nb', 'a\r\nb', '__proto__', 'constructor', 'x'.repeat(100)],
];
const trickyString = fc.oneof(
  fc.constantFrom(...TRICKY),
  fc.string({ maxLength: 12 }),
  fc.string({ unit: 'binary', maxLength: 6 }),
  fc.string({ unit: fc.constantFrom(...' :#-?.\'"\n\\,[]{}!&*|>%~+_0x19eE'.split('')), maxLength: 8 }),
  fc.tuple(fc.constantFrom(...TRICKY), fc.constantFrom(...TRICKY)).map(([a, b]) => a + b),
);
const number = fc.oneof(fc.integer(), fc.double(), fc.constantFrom(0, -0, 1e21, 1e-7, 5e-324, 2 ** 60, NaN, Infinity, -Infinity));
const { value } = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    trickyString,
    number,
    fc.boolean(),
    fc.constant(null),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(trickyString, tie('value'), { maxKeys: 4 }),
  ),
}));
const document = fc.oneof(fc.dictionary(trickyString, value, { maxKeys: 5 }), fc.array(value, { maxLength: 5 }), value);

/** The ways texts reach graylane: its printer, and `yaml.stringify` with assorted options. */
const printed = fc.tuple(
  document,
  fc.oneof(
    fc.constant('graylane'),
    fc.record({
      indent: fc.integer({ min: 1, max: 4 }),
      lineWidth: fc.constantFrom(0, 20, 80),
      minContentWidth: fc.constantFrom(0, 20),
      collectionStyle: fc.constantFrom('any', 'block', 'flow'),
      defaultStringType: fc.constantFrom('PLAIN', 'QUOTE_DOUBLE', 'QUOTE_SINGLE', 'BLOCK_LITERAL', 'BLOCK_FOLDED'),
      defaultKeyType: fc.constantFrom(null, 'PLAIN', 'QUOTE_DOUBLE'),
      doubleQuotedAsJSON: fc.boolean(),
      indentSeq: fc.boolean(),
      aliasDuplicateObjects: fc.constant(false),
    }),
  ),
).map(([data, options]) => (options === 'graylane' ? (printYaml(data) ?? stringify(data, YAML_OPTIONS)) : stringify(data, options as Record<string, unknown>)));

/** Edits that break texts in the places YAML readers are known to disagree. */
const PIECES = [' ', '  ', '\t', '\n', '\n ', '\n  ', '\n- ', '\n  - ', '-\n', ': |\n', ': >-\n', '\n#', ' # []', '"', "'", '\\', '#', ' #', ':', ': ', '- ', '? ', '[', ']', '{', '}', ',', '&a ', '*a', '!t ', '!!str ', '|', '>', '|-', '>+', '|2', '---\n', '...\n', '%YAML 1.1\n'];
const SCALARS = ['0o7', '0x1F', '1_000', '.inf', '-.inf', '.NaN', '~', 'yes', 'no', 'on', '1e3', '+1', '-0', '0b1', 'null', '"null"', 'Null', 'True', '012', '1.0', '1.', '.5', '<<', '__proto__', '"\\x5f_proto__"'];
const mutate = (base: fc.Arbitrary<string>) =>
  fc.tuple(base, fc.array(fc.tuple(fc.nat(), fc.nat({ max: 3 }), fc.constantFrom(...PIECES, ...SCALARS)), { minLength: 1, maxLength: 4 }))
  .map(([text, edits]) => {
    let out = text;
    for (const [at, cut, piece] of edits) {
      const i = out.length === 0 ? 0 : at % (out.length + 1);
      out = out.slice(0, i) + piece + out.slice(i + cut);
    }
    return out;
  });
const mutated = mutate(printed);
/** graylane's own texts: the hand-written example specs (comments, quotes, flow lists) and their rendered objects. */
const OWN_TEXTS = exampleFiles().flatMap((name) => {
  const text = readExample(name);
  const result = compile(text);
  return [text, ...(result.ok ? result.outputs.map((o) => manifestsToYaml(o.manifests.slice(0, 3))) : [])];
});

/** Texts line by line, with random indentation: where YAML readers disagree most is what a line belongs to. */
const LINE_BODIES = ['a:', 'b: 1', 'c: x y', '- ', '-', '- a', '- b: 2', '- - c', '# c', '', 'x', 'k: |', 'k: >-', '- |', 'v', '"q": 1', "'s'", '[a, b]', '{a: 1}', 'k: [1,', '2]', 'k: "a', 'b"', '? k', ': v', 'k: ~', 'null: 1', 'k: 0o7', '---', '...'];
const lines = fc
  .array(fc.tuple(fc.nat({ max: 5 }), fc.constantFrom(...LINE_BODIES), fc.constantFrom('', ' ', ' # t')), { minLength: 1, maxLength: 8 })
  .map((ls) => ls.map(([indent, body, tail]) => `${' '.repeat(indent)}${body}${body === '' ? '' : tail}\n`).join(''));

describe('fast YAML path: properties', () => {
  it('declines or agrees on texts of random lines at random indentation', () => {
    fc.assert(
      fc.property(lines, (text) => {
        checkOne(text);
        checkAll(text);
      }),
      { numRuns: RUNS * 8 },
    );
  });

  it('reads data printed by graylane\'s printer or by yaml.stringify as the yaml library does', () => {
    let agreed = 0;
    let runs = 0;
    fc.assert(
      fc.property(printed, (text) => {
        runs++;
        if (checkOne(text) === 'agreed') agreed++;
        checkAll(text);
      }),
      { numRuns: RUNS * 4 },
    );
    assert.ok(agreed >= runs * 0.2, `the fast path took ${agreed} of ${runs} printed texts`);
  });

  it('declines or agrees on mutated texts (quotes, indentation, tabs, markers, special scalars)', () => {
    fc.assert(
      fc.property(mutated, (text) => {
        checkOne(text);
        checkAll(text);
      }),
      { numRuns: RUNS * 8 },
    );
  });

  it('declines or agrees on mutated example specs and rendered objects', () => {
    fc.assert(
      fc.property(mutate(fc.constantFrom(...OWN_TEXTS)), (text) => {
        checkOne(text);
        checkAll(text);
      }),
      { numRuns: RUNS * 2 },
    );
  });

  it('declines or agrees on mappings of special scalars, as keys and as values, in block and flow style', () => {
    const scalar = fc.constantFrom(...SCALARS, ...TRICKY.filter((t) => !t.includes('\n')));
    fc.assert(
      fc.property(fc.array(fc.tuple(scalar, scalar), { minLength: 1, maxLength: 4 }), fc.boolean(), (pairs, flow) => {
        const text = flow ? `{${pairs.map(([k, v]) => `${k}: ${v}`).join(', ')}}\n` : pairs.map(([k, v]) => `${k}: ${v}\n`).join('');
        checkOne(text);
        checkAll(text);
        checkAll(`---\n${text}---\n${text}`);
      }),
      { numRuns: RUNS * 4 },
    );
  });
});

describe('fast YAML path: named cases', () => {
  const declines = (text: string) => assert.equal(fastLoad(text), undefined, JSON.stringify(text));

  it('resolves the scalars of yaml\'s core schema, not js-yaml\'s', () => {
    const cases: [string, unknown][] = [
      ['0o7', 7], ['0x1F', 31], ['1_000', '1_000'], ['0b11', '0b11'], ['+0x1', '+0x1'], ['0X1F', '0X1F'], ['012', 12], ['+1', 1], ['-0', -0],
      ['.inf', Infinity], ['-.Inf', -Infinity], ['+.INF', Infinity], ['.nan', NaN], ['+.nan', '+.nan'], ['1e3', 1000], ['.5e-3', 0.0005], ['1.', 1],
      ['yes', 'yes'], ['no', 'no'], ['on', 'on'], ['True', true], ['tRUE', 'tRUE'], ['~', null], ['Null', null], ['nULL', 'nULL'], ['"1"', '1'], ["'~'", '~'],
      ['2001-12-14', '2001-12-14'], ['1:20', '1:20'], ['=', '='],
    ];
    for (const [text, expected] of cases) {
      const fast = fastLoad(`v: ${text}\n`);
      assert.ok(fast, text);
      assert.equal(exact(fast.data), exact({ v: expected }), text);
      assert.equal(checkOne(`v: ${text}\n`), 'agreed');
    }
  });

  it('declines anchors, aliases, tags, directives, explicit keys and merge keys', () => {
    for (const text of ['a: &x 1\nb: *x\n', 'a: !!str 1\n', 'a: !t x\n', '%YAML 1.1\n---\na: 1\n', '? a\n: b\n', 'a: {? b : c}\n', '<<: {a: 1}\n', 'b:\n  "<<": 1\n']) declines(text);
  });

  it('declines keys js-yaml would spell differently: null and collection keys', () => {
    for (const text of ['~: 1\n', 'null: 1\n', ': 1\n', '"null": 1\n', '[a]: 1\n', '[a, b]: 1\n', '{a: 1}: 2\n', '{}: 1\n', '[]: 1\n', 'x: {[a]: 1}\n']) declines(text);
  });

  it('declines syntax errors, more than one document, an empty text, tabs and carriage returns', () => {
    // A document of comments only is null on both paths; an empty text is undefined for js-yaml, null for yaml.
    assert.equal(checkOne('# only a comment\n'), 'agreed');
    assert.equal(checkOne('---\n'), 'agreed');
    // Where js-yaml is more lenient or reads otherwise (fast-check and the yaml-test-suite found these).
    for (const text of ['|1-\n a\n', ' - # []\n- null\n', 'a:\n  -\n - b\n', 'a: "x\nb"\n', 'flow: [a,\nb]\n', 'empty: >\n \n  \n # c\n', '---word\n', '--- a: 1\n', `${'k'.repeat(1100)}: 1\n`, `- "${'k'.repeat(1100)}": 1\n`, '\n   >-\n # c\n', 'a:\n\n# c\n x\nb: 1\n']) declines(text);
    for (const text of ['a: [1\n', 'a: "x\n', 'a: 1\n---\nb: 2\n', '', 'a:\n\tb: 1\n', 'a: 1\r\nb: 2\r\n', 'a: "x"#c\n', '---x\n', 'a: 1\n...\n']) declines(text);
  });

  it('declines duplicate keys, and parseSpecText reports GL110 where the yaml library points', () => {
    const text = 'a: 1\nb:\n  c: 1\n  c: 2\n';
    declines(text);
    const { diagnostics } = parseSpecText(text, 'x.yaml');
    assert.deepEqual(diagnostics, parseSpecTextWithYaml(text, 'x.yaml').diagnostics);
    assert.deepEqual(diagnostics.map((d) => [d.code, d.position]), [['GL110', { line: 4, column: 3 }]]);
    // Keys that are one string once resolved are duplicates on both paths.
    for (const dup of ['1: a\n"1": b\n', '1.0: a\n1: b\n', 'true: a\n"true": b\n', '0x1: a\n1: b\n']) {
      declines(dup);
      assert.deepEqual(parseSpecText(dup).diagnostics.map((d) => d.code), ['GL110'], dup);
    }
  });

  it('declines reserved keys, however spelled; __proto__ never reaches a prototype', () => {
    for (const text of ['__proto__: {polluted: 1}\n', 'a:\n  constructor: 1\n', '- prototype: 1\n', '"\\x5f_proto__": {polluted: 1}\n', '{"__proto__": {polluted: 1}}\n']) {
      declines(text);
      const { data, diagnostics } = parseSpecText(text, 'x.yaml');
      assert.equal(data, undefined);
      assert.deepEqual(diagnostics.map((d) => d.code), ['GL105'], text);
      assert.deepEqual(diagnostics, parseSpecTextWithYaml(text, 'x.yaml').diagnostics);
    }
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
  });

  it('declines nesting past MAX_DEPTH; the yaml path reports GL106', () => {
    const deep = (n: number) => `${'['.repeat(n)}1${']'.repeat(n)}\n`;
    const block = (n: number) => Array.from({ length: n }, (_, i) => `${'  '.repeat(i)}k:\n`).join('') + `${'  '.repeat(n)}v\n`;
    for (const text of [deep(MAX_DEPTH + 1), deep(5000), block(MAX_DEPTH + 1)]) {
      declines(text);
      assert.deepEqual(parseSpecText(text).diagnostics.map((d) => d.code), ['GL106']);
    }
    assert.equal(checkOne(block(10)), 'agreed');
  });

  it('still refuses an alias bomb', () => {
    const bomb = ['a: &a ["x","x","x","x","x","x","x","x","x","x"]', ...Array.from({ length: 8 }, (_, i) => `${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [${Array(10).fill(`*${String.fromCharCode(97 + i)}`).join(',')}]`)].join('\n');
    declines(bomb);
    const { data, diagnostics } = parseSpecText(bomb);
    assert.equal(data, undefined);
    assert.match(diagnostics[0]!.message, /aliases expand the document/);
  });

  it('gives the fast parse\'s locator the yaml library\'s positions, parsed on first use, and keeps the one-entry cache', () => {
    const text = '# a comment\nname: x\nlanes:\n  - name: a\n    weight: 5\n  - {name: b, weight: 7}\n';
    assert.ok(fastLoad(text));
    const parsed = parseSpecText(text);
    assert.equal(parseSpecText(text), parsed);
    assert.deepEqual(parsed.locator.locate(['lanes', 1, 'weight']), { line: 6, column: 23 });
    assert.deepEqual(parsed.locator.locate(['lanes', 0, 'weight'], true), { line: 5, column: 5 });
    assert.deepEqual(parsed.locator.locate(['lanes', 0, 'missing']), { line: 4, column: 5 });
    assert.deepEqual(parsed.locator.locate(['lanes', 1, 'weight']), parseSpecTextWithYaml(text).locator.locate(['lanes', 1, 'weight']));
  });

  it('places each document of a rendered file where the yaml library does', () => {
    const text = '# header\n---\n# about a\napiVersion: v1\nkind: A\n---\n---\n\n  apiVersion: v1\n  kind: B\n';
    const fast = fastLoadAll(text);
    assert.ok(fast);
    assert.deepEqual(fast.filter((d) => d.data !== null).map((d) => [d.line, d.column]), [[4, 1], [9, 3]]);
    assert.equal(checkAll(text), 'agreed');
    assert.equal(checkAll('apiVersion: v1\nkind: A\n'), 'agreed');
    assert.deepEqual(fastLoadAll(''), []);
  });

  it('declines a rendered file with one bad document as a whole', () => {
    assert.equal(fastLoadAll('a: 1\n---\nb: [\n'), undefined);
    assert.equal(fastLoadAll('a: 1\n---\nb: 1\nb: 2\n'), undefined);
    assert.equal(fastPathDeclines('a: 1\n--- !t\nb: 1\n'), true);
  });

  it('keeps rendered manifests intact through the fast path', () => {
    const manifests: Manifest[] = [
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a', namespace: 'n', labels: { 'x/y': 'true' } }, data: { n: '012', e: '', q: "it's" } } as unknown as Manifest,
    ];
    const text = manifestsToYaml(manifests);
    assert.equal(checkAll(text), 'agreed');
    assert.deepEqual(fastLoadAll(text)!.map((d) => d.data), manifests);
  });
});
