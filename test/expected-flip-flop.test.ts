/** EXPECTED.md, flip-flop: blue/green between namespaces, moved in steps, strict lanes. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { simulateIstio } from '../compiler/simulate/istio';
import { compileExample, manifestsOf, readExample } from './support/examples';
import { compile } from '../compiler';

const flop = (s: string) => `${s}.search-flop.svc.cluster.local`;
const flip = (s: string) => `${s}.search-flip.svc.cluster.local`;

describe('flip-flop at step 1 ({ flop: 75, flip: 25 })', () => {
  const objects = manifestsOf(compileExample('flip-flop.release.yaml', { step: 1 }));
  it('sends 75% of mesh callers of search-api to flop and 25% to flip, the flip share tagged', () => {
    const hop = simulateIstio(objects, { gateway: 'mesh', host: flop('search-api') });
    assert.deepEqual(
      hop.destinations.map((d) => [d.weight, d.host, d.headers['x-search-side']]),
      [
        [75, flop('search-api'), undefined],
        [25, flip('search-api'), 'flip'],
      ],
    );
  });
  for (const service of ['search-ranker', 'search-index']) {
    it(`routes ${service} by x-search-side: flip to the flip host, otherwise flop`, () => {
      const tagged = simulateIstio(objects, { gateway: 'mesh', host: flop(service), headers: { 'x-search-side': 'flip' } });
      assert.deepEqual(tagged.destinations.map((d) => [d.weight, d.host]), [[100, flip(service)]]);
      const untagged = simulateIstio(objects, { gateway: 'mesh', host: flop(service) });
      assert.deepEqual(untagged.destinations.map((d) => [d.weight, d.host]), [[100, flop(service)]]);
    });
  }
  it('keeps a caller already on a side there (strict lanes): flop stays flop, flip stays flip', () => {
    for (const side of ['flop', 'flip']) {
      const hop = simulateIstio(objects, { gateway: 'mesh', host: flop('search-api'), headers: { 'x-search-side': side } });
      assert.deepEqual(hop.destinations.map((d) => [d.weight, d.host]), [[100, side === 'flip' ? flip('search-api') : flop('search-api')]]);
    }
  });
});

describe('flip-flop at step 4 ({ flip: 100 })', () => {
  const objects = manifestsOf(compileExample('flip-flop.release.yaml', { step: 4 }));
  for (const service of ['search-api', 'search-ranker', 'search-index']) {
    it(`sends every request for ${service} to flip`, () => {
      const headers: Record<string, string> = service === 'search-api' ? {} : { 'x-search-side': 'flip' };
      const hop = simulateIstio(objects, { gateway: 'mesh', host: flop(service), headers });
      assert.deepEqual(hop.destinations.map((d) => [d.weight, d.host]), [[100, flip(service)]]);
    });
  }
});

describe('flip-flop errors', () => {
  it('names a step outside the list', () => {
    const result = compileExample('flip-flop.release.yaml', { step: 5 });
    assert.equal(result.ok, false);
    assert.deepEqual(result.diagnostics.map((d) => [d.code, d.message]), [
      ['GL209', 'Step 5 is out of range: rule "rollout" has 5 steps (0 to 4).'],
    ]);
  });
  it('names a strict lane that does not run every service', () => {
    const text = readExample('flip-flop.release.yaml').replace('strict: true', 'strict: true\n      services: [search-api, search-index]');
    const result = compile(text, { file: 'flip-flop.release.yaml' });
    assert.equal(result.ok, false);
    const d = result.diagnostics.find((x) => x.code === 'GL207')!;
    assert.equal(d.message, 'Strict lane "flip" does not run "search-ranker"; a strict lane must run every service and never falls back.');
    assert.deepEqual(d.path, ['spec', 'lanes', 'flip', 'services']);
  });
});
