/**
 * The fast YAML printer (compiler/yaml-printer.ts) against its reference, `yaml.stringify` with graylane's
 * options: byte-identical whenever it prints, and it prints everything graylane emits.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { stringify } from 'yaml';
import { compile, type Manifest } from '../compiler';
import { manifestsToYaml, manifestToYaml, withLazyYaml, YAML_OPTIONS } from '../compiler/serialize';
import { printYaml } from '../compiler/yaml-printer';
import { syntheticSpec } from '../bench/synthetic-spec';
import { exampleFiles, readExample } from './support/examples';
import { specArbitrary } from './support/spec-arbitrary';

const RUNS = Number(process.env.GRAYLANE_PROPERTY_RUNS ?? 150);
const reference = (value: unknown): string => stringify(value, YAML_OPTIONS);

/** Text that sits on the edges of YAML's plain-scalar rules, the core schema's types and its escapes. */
const TRICKY = [
  ...['', ' ', 'yes', 'no', 'on', 'off', 'y', 'n', 'null', 'Null', 'NULL', 'nULL', '~', 'true', 'True', 'TRUE', 'tRUE', 'false', 'False', 'FALSE'],
  ...['1e3', '1E3', '1e+3', '.5e-3', '1.', '.5', '+.5', '-1.5', '1.5.5', '0x1F', '0X1F', '0x', '0o17', '0o8', '017', '08', '+8', '-08', '1_000', '12:30', '1,000'],
  ...['.inf', '-.Inf', '+.INF', '.nan', '.NaN', '.NAN', 'nan', 'inf', '-', '?', ':', '-a', '- a', '-\ta', '?a', '? a', ':a', 'a:', 'a:b', 'a: b', 'a:\tb'],
  ...[' a', 'a ', '\ta', 'a\t', 'a\tb', '#a', 'a#b', 'a #b', 'a\t#b', '*a', '&a', '!a', '|a', '>a', '%a', '@a', '`a', ',a', '[a', ']a', '{a', '}a'],
  ...['a,b', '[a]', '{a: 1}', '"a', "'a", 'a"b', "a'b", `a'b"c`, '"', "'", '""', "''", 'a\\b', 'a\\nb', '\\u0000', '\\"'],
  ...['---', '--- a', '---a', '...', '...a', '..a', '--a', 'a---', 'é', '日本語', '😀', 'a\u00a0', '\u0085', '\u2028', '\u2029', '\ufeffa'],
  ...['\x00', '\x07', '\x08', '\x0b', '\x0c', '\x0d', '\x1b', '\x1f', '\x7f', '\x80', '\x9f', '\ud800', 'a\udfff', '\ud83d\ude00'],
  ...['a\nb', 'a \nb', 'a\n b', '\n', 'a\n', '\na', 'a\n\nb', 'a\r\nb', 'x'.repeat(1030), 'graylane.dev/lane', 'app.kubernetes.io/managed-by'],
];

const trickyString = fc.oneof(
  fc.constantFrom(...TRICKY),
  fc.string(),
  fc.string({ unit: 'binary', maxLength: 8 }),
  fc.string({ unit: fc.constantFrom(...' :#-?.\'"\n\t\\,[]{}!&*|>%@`ax0e19+_~/'.split('')), maxLength: 8 }),
  fc.tuple(fc.constantFrom(...TRICKY), fc.constantFrom(...TRICKY)).map(([a, b]) => a + b),
);

const number = fc.oneof(
  fc.integer(),
  fc.double(),
  fc.constantFrom(0, -0, 1e21, 1e-7, 5e-324, Number.MAX_SAFE_INTEGER + 2, NaN, Infinity, -Infinity),
);

/** JSON-like values, plus the `undefined` entries and holes that JSON drops or writes as null. */
const { value } = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    trickyString,
    number,
    fc.boolean(),
    fc.constant(null),
    fc.array(fc.oneof(tie('value'), fc.constant(undefined)), { maxLength: 4 }),
    fc.sparseArray(tie('value'), { maxLength: 4 }),
    fc.dictionary(trickyString, fc.oneof(tie('value'), fc.constant(undefined)), { maxKeys: 4 }),
  ),
}));
const document = fc.oneof(fc.dictionary(trickyString, value, { maxKeys: 5 }), fc.array(value, { maxLength: 5 }));

describe('YAML printer', () => {
  it('prints exactly what yaml.stringify prints, or declines', () => {
    let printedCount = 0;
    fc.assert(
      fc.property(document, (doc) => {
        const printed = printYaml(doc);
        if (printed === undefined) return;
        printedCount++;
        assert.equal(printed, reference(doc));
      }),
      { numRuns: RUNS * 20 },
    );
    // Declining everything would pass the property: most generated documents (about 85%) must be printed.
    assert.ok(printedCount > RUNS * 10, `printed only ${printedCount} of ${RUNS * 20}`);
  });

  it('serializes every value as yaml.stringify does, through the fallback where the printer declines', () => {
    fc.assert(
      fc.property(fc.dictionary(trickyString, value, { maxKeys: 5 }), (doc) => {
        assert.equal(manifestToYaml(doc as unknown as Manifest), reference(doc));
      }),
      { numRuns: RUNS * 5 },
    );
  });

  it('covers every object graylane emits for the examples and a synthetic mesh, without the fallback', () => {
    const sources = [...exampleFiles().map(readExample), syntheticSpec(60, 6)];
    let objects = 0;
    for (const source of sources) {
      for (const output of compile(source).outputs) {
        for (const manifest of output.manifests) {
          // Declining would still print the right bytes (through yaml), but slowly: extend the printer instead.
          assert.equal(printYaml(manifest), reference(manifest), `${manifest.kind} ${manifest.metadata.name}`);
          objects++;
        }
      }
    }
    assert.ok(objects > 100, `only ${objects} objects`);
  });

  it('prints the objects of generated specs as yaml does, for every target', () => {
    fc.assert(
      fc.property(specArbitrary, (spec) => {
        for (const target of ['istio', 'asm', 'traefik'] as const) {
          for (const output of compile(spec, { targets: [target] }).outputs) {
            for (const manifest of output.manifests) assert.equal(printYaml(manifest), reference(manifest), `${target} ${manifest.kind} ${manifest.metadata.name}`);
          }
        }
      }),
      { numRuns: Math.max(10, Math.round(RUNS / 5)) },
    );
  });

  it('quotes the strings that would read back as something else, and only those', () => {
    const cases: [string, string][] = [
      ['yes', 'yes'], // YAML 1.1 booleans are strings in the core schema
      ['on', 'on'],
      ['null', '"null"'],
      ['~', '"~"'],
      ['', '""'],
      ['True', '"True"'],
      ['1e3', '"1e3"'],
      ['0x1F', '"0x1F"'],
      ['08', '"08"'],
      ['.inf', '".inf"'],
      [' a', '" a"'],
      ['a ', '"a "'],
      ['a: b', '"a: b"'],
      ['a #b', '"a #b"'],
      ['a#b', 'a#b'],
      ['- a', '"- a"'],
      ['-a', '-a'],
      ['*', '"*"'],
      ['"x"', `'"x"'`],
      [`it's`, `it's`],
      [`'x'`, `"'x'"`],
      ['\x1b[0m', '"\\e[0m"'],
      ['\x01', '"\\x01"'],
      ['\x00', '"\\0"'],
    ];
    for (const [text, printed] of cases) assert.equal(printYaml({ k: text }), `k: ${printed}\n`, JSON.stringify(text));
  });

  it('quotes a key that starts with a document marker only at the top level', () => {
    assert.equal(printYaml({ '---x': { '---y': '---z' } }), '"---x":\n  ---y: ---z\n');
  });

  it('declines multi-line strings, over-long keys and values that are not plain data', () => {
    for (const declined of [{ k: 'a\nb' }, { ['k'.repeat(1025)]: 1 }, { d: new Date(0) }, { m: new Map() }, { b: 1n }, { f: () => 1 }, 'scalar']) {
      assert.equal(printYaml(declined), undefined);
    }
  });

  it('prints the same string as yaml does wherever it stands: top-level key, nested key, value, item', () => {
    // The printer caches each string's printed form per place; the places must not share an answer.
    for (const text of ['---x', '...', 'a: b', 'null', 'plain', '"q"', '1e3', '- a']) {
      const doc = { [text]: { [text]: text, list: [text, { [text]: [text] }] }, after: { [text]: text } };
      assert.equal(printYaml(doc), reference(doc), JSON.stringify(text));
      assert.equal(printYaml([doc, text]), reference([doc, text]), JSON.stringify(text));
    }
  });

  it('prints nesting deeper than its prepared indentation tables as yaml does', () => {
    let deep: unknown = 'leaf';
    for (let level = 0; level < 150; level++) deep = level % 3 === 0 ? [deep, 'x'] : level % 3 === 1 ? { key: deep, other: 1 } : [{ a: deep }];
    const doc = { root: deep };
    assert.equal(printYaml(doc), reference(doc));
  });

  it('prints the same bytes after its caches fill up and are emptied', () => {
    // More distinct strings than the caches hold (2^17): they are emptied in the middle of this document.
    const count = (1 << 17) + 1000;
    const doc: Record<string, string> = {};
    for (let i = 0; i < count; i++) doc[`k${i}`] = `v${i}`;
    const expected = Array.from({ length: count }, (_, i) => `k${i}: v${i}\n`).join('');
    assert.equal(printYaml(doc), expected);
    const again = { k1: 'v1', nested: { k1: ['v1', 'null'] } };
    assert.equal(printYaml(again), reference(again));
  });

  it('keeps a document whole when a getter prints another one while it is printed', () => {
    const inner = { x: [1, 'two'] };
    const doc = {
      before: 'a',
      get during() {
        return printYaml(inner)?.replaceAll('\n', ' ');
      },
      after: ['b'],
    };
    assert.equal(printYaml(doc), reference(doc));
  });

  it('walks keys in Object.keys order, and leaves an Object.prototype with enumerable keys to yaml', () => {
    // Integer-like keys first, then insertion order; a null-prototype mapping too.
    const value = { b: 1, 2: 'x', a: { z: null, 1: true }, n: Object.assign(Object.create(null) as object, { y: 1, 0: 2 }) };
    assert.equal(printYaml(value), stringify(value, YAML_OPTIONS));
    const prototype = Object.prototype as Record<string, unknown>;
    prototype.polluted = 'inherited';
    try {
      assert.equal(printYaml({ a: 1 }), undefined);
      assert.equal(manifestToYaml({ a: 1 } as unknown as Manifest), stringify({ a: 1 }, YAML_OPTIONS));
    } finally {
      delete prototype.polluted;
    }
    assert.equal(printYaml({ a: 1 }), 'a: 1\n');
  });

  it('prints numbers and empty collections as yaml does', () => {
    assert.equal(printYaml({ a: [1.5, -0, 1e21, NaN, Infinity, -Infinity, null, undefined], b: {}, c: [], d: [{}, []], e: undefined }), 'a:\n  - 1.5\n  - -0\n  - 1e+21\n  - .nan\n  - .inf\n  - -.inf\n  - null\n  - null\nb: {}\nc: []\nd:\n  - {}\n  - []\n');
  });
});

describe('print once', () => {
  const output = compile(syntheticSpec(20, 3)).outputs[0]!;

  it('prints the stream and the documents on first read, the same bytes as printing them directly', () => {
    const lazy = withLazyYaml({ target: output.target, manifests: output.manifests });
    assert.deepEqual(lazy.documents, output.manifests.map(manifestToYaml));
    assert.equal(lazy.yaml, manifestsToYaml(output.manifests));
    assert.equal(lazy.yaml, output.yaml);
  });

  it('reuses the text it printed', () => {
    const lazy = withLazyYaml({ manifests: output.manifests });
    assert.equal(lazy.documents, lazy.documents);
    const first = lazy.yaml;
    assert.equal(lazy.yaml, first);
  });

  it('keeps the output shape: yaml is enumerable, documents is not', () => {
    const lazy = withLazyYaml({ manifests: [] as Manifest[] });
    assert.deepEqual(Object.keys(lazy), ['manifests', 'yaml']);
    assert.equal(JSON.stringify(lazy), '{"manifests":[],"yaml":""}');
  });
});
