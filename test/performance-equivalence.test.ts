/**
 * The shortcuts that keep every command linear give the answers of the plain code: lane membership by Set,
 * one parse per spec text, the spec test that skips texts which cannot be specs, diff's data comparison
 * before printing, and the route simulator's shared routes.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { isMap, isScalar, parseAllDocuments, stringify } from 'yaml';
import { isSpec } from '../cli/inputs';
import { requestClasses } from '../compiler/inspect/request-classes';
import { sameData } from '../compiler/inspect/same-data';
import { Model } from '../compiler/model/model';
import { parseSpecText } from '../compiler/parse';
import { runsService } from '../compiler/plan';
import { manifestToYaml } from '../compiler/serialize';
import type { Manifest } from '../compiler';
import { compileExample, manifestsOf, readExample } from './support/examples';

const json = fc.letrec((tie) => ({
  value: fc.oneof({ depthSize: 'small' }, fc.constantFrom(0, -0, 1, '1', '', 'a', true, false, null), tie('array'), tie('object')),
  array: fc.array(tie('value'), { maxLength: 3 }),
  object: fc.dictionary(fc.constantFrom('a', 'b', 'c'), tie('value'), { maxKeys: 3, noNullPrototype: true }),
})).value;

describe('sameData (diff prints only objects whose data differ)', () => {
  it('tells apart key order, types, -0 and shapes', () => {
    assert.equal(sameData({ a: 1, b: [1, { c: 'x' }] }, { a: 1, b: [1, { c: 'x' }] }), true);
    assert.equal(sameData({ a: 1, b: 2 }, { b: 2, a: 1 }), false);
    assert.equal(sameData({ a: 1 }, { a: '1' }), false);
    assert.equal(sameData(0, -0), false);
    assert.equal(sameData([], {}), false);
    assert.equal(sameData({ a: undefined }, {}), false);
    assert.equal(sameData([1, 2], [1, 2, 3]), false);
  });

  it('same data always prints the same YAML, and a copy is the same data', () => {
    fc.assert(
      fc.property(json, json, (a, b) => {
        assert.equal(sameData(a, structuredClone(a)), true);
        if (sameData(a, b)) assert.equal(manifestToYaml({ x: a } as unknown as Manifest), manifestToYaml({ x: b } as unknown as Manifest));
      }),
      { numRuns: 500 },
    );
  });
});

describe('runsService (lane membership)', () => {
  it('answers as runs.includes does, for every service and lane', () => {
    const names = fc.constantFrom('a', 'b', 'c', 'd', 'e');
    fc.assert(
      fc.property(fc.array(fc.uniqueArray(names), { maxLength: 4 }), names, (lanes, service) => {
        for (const runs of lanes) assert.equal(runsService({ runs }, service), runs.includes(service));
      }),
    );
  });
});

describe('parseSpecText (one parse per text)', () => {
  const spec = readExample('bookinfo-lanes.release.yaml');

  it('gives the same result for the same text, and never another text\'s', () => {
    const first = parseSpecText(spec, 'a.yaml');
    assert.equal(parseSpecText(spec, 'b.yaml'), first);
    const other = parseSpecText(readExample('flip-flop.release.yaml'));
    assert.notEqual(other, first);
    assert.deepEqual(parseSpecText(spec).data, first.data);
    assert.deepEqual(first.locator.locate(['spec', 'lanes']), { line: 19, column: 5 });
  });

  it('is not reused for a text with diagnostics: each names its own file', () => {
    const bad = 'a: 1\na: 2\n';
    assert.equal(parseSpecText(bad, 'one.yaml').diagnostics[0]?.file, 'one.yaml');
    assert.equal(parseSpecText(bad, 'two.yaml').diagnostics[0]?.file, 'two.yaml');
  });
});

/** isSpec as it was: any document whose top-level scalars say so. */
function isSpecByScan(text: string): boolean {
  return parseAllDocuments(text, { uniqueKeys: false }).some((doc) => {
    const top = doc.contents;
    if (!isMap(top)) return false;
    const scalar = (key: string): unknown => {
      const v: unknown = top.get(key, true);
      return isScalar(v) ? v.value : undefined;
    };
    const apiVersion = scalar('apiVersion');
    return scalar('kind') === 'Release' && typeof apiVersion === 'string' && apiVersion.startsWith('graylane.dev/');
  });
}

describe('isSpec (which texts are release specs)', () => {
  it('finds specs however they spell the two fields, and nothing else', () => {
    assert.equal(isSpec(readExample('bookinfo-lanes.release.yaml')), true);
    assert.equal(isSpec('apiVersion: "graylane\\x2edev/v1alpha1"\nkind: "Rel\\u0065ase"\n'), true);
    assert.equal(isSpec('---\nkind: Service\n---\n{apiVersion: graylane.dev/v1alpha1, kind: Release}\n'), true);
    assert.equal(isSpec(manifestsOf(compileExample('bookinfo-lanes.release.yaml')).map((m) => stringify(m)).join('---\n')), false);
    assert.equal(isSpec('kind: Release\napiVersion: other.dev/v1\n'), false);
  });

  it('agrees with a scan of every document', () => {
    const pieces = fc.constantFrom('apiVersion: graylane.dev/v1alpha1', 'apiVersion: "graylane.dev/v1"', "apiVersion: 'graylane\\x2edev/v1'", 'apiVersion: "graylane\\x2edev/v1"', 'kind: Release', 'kind: "Re\\x6cease"', 'kind: Service', 'metadata: {name: x}', 'labels: {graylane.dev/lane: Release}', '---', 'a: [1, 2', '- x', '"unterminated');
    fc.assert(fc.property(fc.array(pieces, { maxLength: 6 }), (lines) => {
      const text = `${lines.join('\n')}\n`;
      assert.equal(isSpec(text), isSpecByScan(text), text);
    }), { numRuns: 1000 });
  });
});

describe('the Istio route simulator with shared routes', () => {
  it('answers every request class the same whatever was routed before', () => {
    for (const example of ['bookinfo-lanes.release.yaml', 'asm-full-link.release.yaml', 'storefront-paths.release.yaml']) {
      const objects = manifestsOf(compileExample(example));
      const warm = new Model(objects);
      const classes = requestClasses(warm, { laneHeader: 'x-lane', lanes: ['base', 'gray', 'dev-x', 'mock', 'testing'] }).filter((c) => c.engine === 'istio');
      const requests = [...classes.map((c) => c.request), ...classes.map((c) => ({ ...c.request, sourceLabels: { app: 'x' } }))];
      const warmed = requests.map((r) => warm.routeIstio(r));
      const cold = new Model(objects);
      const reversed = [...requests].reverse().map((r) => cold.routeIstio(r)).reverse();
      assert.deepEqual(reversed, warmed);
      assert.deepEqual(requests.map((r) => new Model(objects).routeIstio(r)), warmed);
      assert.ok(classes.length > 10, example);
    }
  });
});
