/**
 * exportTo and the namespaces that must see each object (issue 12, part 1): the callers run in the lanes' own
 * namespaces, in the gateway's, and where the spec says (entry.callers, services.*.callers). The simulator
 * places each caller in its namespace, where istiod's exportTo filter applies (push_context.go
 * IsVisibleToNamespace); graylane refuses an exportTo that would hide routes from one of them (GL270).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compile, formatDiagnostic, type Manifest } from '../compiler';
import { simulateIstio } from '../compiler/simulate/istio';
import { runRules } from '../compiler/rules/run';
import { runCli } from '../scripts/run-cli';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import fc from 'fast-check';
import { specArbitrary } from './support/spec-arbitrary';
import type { ReleaseSpec } from '../compiler';

const spec = (exportTo: string, extra = '') => `apiVersion: graylane.dev/v1alpha1
kind: Release
metadata:
  name: shop
  namespace: shop
spec:
  targets: [istio]
  services:
    web: { port: 8080 }
    cart: { port: 8080 }
  lanes:
    base:
      baseline: true
      selector: { version: v1 }
    gray:
      namespace: shop-gray
  trafficLabel:
    header: x-lane
  exportTo: ${exportTo}
  entry:
    gateway: istio-system/public
    hosts: [shop.example.com]
    service: web
${extra}    rules:
      - name: beta
        match:
          headers: { x-beta: { exact: "1" } }
        lane: gray
`;

function objects(text: string): Manifest[] | undefined {
  const result = compile(text, { file: 'shop.yaml' });
  return result.ok ? result.outputs.flatMap((o) => o.manifests) : undefined;
}

describe('exportTo covers the namespaces that call', () => {
  it('a caller in the lane\'s namespace reaches the lane\'s next service and the baseline subsets, for every exportTo graylane accepts', () => {
    const refused: string[] = [];
    for (const exportTo of ['[".", istio-system]', '[".", istio-system, shop-gray]']) {
      const out = objects(spec(exportTo));
      if (!out) {
        refused.push(exportTo);
        continue;
      }
      // The gray copy of web (in shop-gray) calls cart with the lane header: the cart VirtualService must apply there.
      const lane = simulateIstio(out, { gateway: 'mesh', host: 'cart.shop.svc.cluster.local', headers: { 'x-lane': 'gray' }, sourceNamespace: 'shop-gray' });
      assert.equal(lane.status, 'routed', `${exportTo}: ${lane.notes.join('; ')}`);
      assert.deepEqual(lane.destinations.map((d) => [d.host, d.subset ?? '']), [['cart.shop-gray.svc.cluster.local', '']]);
      // Without a lane it goes to the baseline subset, which a DestinationRule visible in shop-gray must define.
      const base = simulateIstio(out, { gateway: 'mesh', host: 'cart.shop.svc.cluster.local', sourceNamespace: 'shop-gray' });
      assert.deepEqual(base.destinations.map((d) => [d.host, d.subset, d.labels, d.problem]), [['cart.shop.svc.cluster.local', 'base', { version: 'v1' }, undefined]]);
      // The gateway in istio-system sees the entry routes.
      const entry = simulateIstio(out, { gateway: 'istio-system/public', host: 'shop.example.com', headers: { 'x-beta': '1' } });
      assert.deepEqual(entry.destinations.map((d) => d.host), ['web.shop-gray.svc.cluster.local']);
    }
    assert.deepEqual(refused, ['[".", istio-system]']);
  });

  it('GL270: an exportTo that leaves out a lane\'s namespace is refused at its line', () => {
    const result = compile(spec('[".", istio-system]'), { file: 'shop.yaml' });
    assert.equal(result.ok, false);
    assert.deepEqual(result.diagnostics.map((d) => [d.code, d.severity, `${d.position?.line}:${d.position?.column}`, d.path.join('.'), d.message, d.hint]), [
      ['GL270', 'error', '19:13', 'spec.exportTo', 'exportTo [".","istio-system"] hides the release\'s VirtualServices and DestinationRules from namespace "shop-gray", where lane "gray" runs its copies: their calls to the next service would skip the lane routes and reach any pod of it.', 'add "shop-gray" to exportTo'],
    ]);
  });

  it('GL270: the gateway\'s namespace must see the entry objects', () => {
    const result = compile(spec('[".", shop-gray]'), { file: 'shop.yaml' });
    assert.deepEqual(result.diagnostics.map((d) => [d.code, d.message]), [
      ['GL270', 'exportTo [".","shop-gray"] hides the entry VirtualService and the entry services\' DestinationRules from namespace "istio-system", where the entry\'s Gateway istio-system/public runs: the gateway would not see the entry routes and answer 404.'],
    ]);
  });

  it('GL270: callers the spec names (entry.callers, services.*.callers) must see the objects; once listed, they route by the lane', () => {
    const named = spec('[".", istio-system, shop-gray]', '    callers: [storefront]\n').replace('    cart: { port: 8080 }', '    cart: { port: 8080, callers: [checkout] }');
    const result = compile(named, { file: 'shop.yaml' });
    assert.deepEqual(result.diagnostics.map((d) => [d.code, d.message]), [
      ['GL270', 'exportTo [".","istio-system","shop-gray"] hides the VirtualService and DestinationRules of cart from namespace "checkout", where services.cart.callers names it: its calls would skip the lane routes.'],
      ['GL270', 'exportTo [".","istio-system","shop-gray"] hides the VirtualServices and DestinationRules of web from namespace "storefront", where entry.callers names it: its calls would skip the entry rules and lane routes.'],
    ]);
    const out = objects(named.replace('exportTo: [".", istio-system, shop-gray]', 'exportTo: [".", istio-system, shop-gray, storefront, checkout]'))!;
    const hop = simulateIstio(out, { gateway: 'mesh', host: 'cart.shop.svc.cluster.local', headers: { 'x-lane': 'gray' }, sourceNamespace: 'checkout' });
    assert.deepEqual(hop.destinations.map((d) => d.host), ['cart.shop-gray.svc.cluster.local']);
  });

  it('no exportTo (Istio\'s default, every namespace) needs no list; callers must be namespace names', () => {
    const result = compile(spec('["*"]', '    callers: [storefront]\n'), { file: 'shop.yaml' });
    assert.ok(result.ok, result.diagnostics.map(formatDiagnostic).join('\n'));
    const bad = compile(spec('["*"]', '    callers: [Store_Front]\n'), { file: 'shop.yaml' });
    assert.deepEqual(bad.diagnostics.map((d) => [d.code, d.path.join('.')]), [['GL102', 'spec.entry.callers.0']]);
  });

  it('istio-exportto-covers-callers finds the same on hand-written objects: what graylane emitted before, and DestinationRules the lane cannot see', () => {
    const out = objects(spec('[".", istio-system, shop-gray]'))!;
    assert.deepEqual(runRules(out, { environment: 'prod' }).filter((f) => f.rule === 'istio-exportto-covers-callers'), []);
    // The old output of exportTo [".", istio-system]: every object exported there only.
    const old = out.map((m) => ({ ...m, spec: { ...m.spec, exportTo: ['.', 'istio-system'] } }));
    const messages = runRules(old, { environment: 'prod' }).filter((f) => f.rule === 'istio-exportto-covers-callers').map((f) => `${f.level}: ${f.message}`);
    assert.deepEqual(messages, [
      'mandatory: VirtualService shop/cart is exported to [".","istio-system"] only, but namespace shop-gray runs copies of this namespace\'s services (VirtualService shop/cart routes to cart.shop-gray.svc.cluster.local): their calls to cart.shop.svc.cluster.local skip these routes and reach any pod.',
      'mandatory: VirtualService shop/web is exported to [".","istio-system"] only, but namespace shop-gray runs copies of this namespace\'s services (VirtualService shop/cart routes to cart.shop-gray.svc.cluster.local): their calls to web.shop.svc.cluster.local skip these routes and reach any pod.',
    ]);
    // The routes exported to the lane, their subsets not: the lane's callers get 503 NC.
    const hiddenSubsets = out.map((m) => (m.kind === 'DestinationRule' ? { ...m, spec: { ...m.spec, exportTo: ['.', 'istio-system'] } } : m));
    assert.deepEqual(runRules(hiddenSubsets, { environment: 'dev' }).filter((f) => f.rule === 'istio-exportto-covers-callers').map((f) => f.message), [
      'VirtualService shop/cart sends requests from namespace shop-gray to subset "base" of cart.shop.svc.cluster.local, but no DestinationRule exported to shop-gray defines it: they fail with 503 NC.',
      'VirtualService shop/web sends requests from namespace shop-gray to subset "base" of web.shop.svc.cluster.local, but no DestinationRule exported to shop-gray defines it: they fail with 503 NC.',
    ]);
    // A gateway-bound VirtualService its gateway cannot see.
    const entry = out.find((m) => m.metadata.name === 'shop-entry')!;
    assert.deepEqual(runRules([{ ...entry, spec: { ...entry.spec, exportTo: ['.'] } }], { environment: 'dev' }).filter((f) => f.rule === 'istio-exportto-covers-callers').map((f) => f.message), [
      'VirtualService shop/shop-entry is bound to Gateway istio-system/public but exported to ["."] only, not to its namespace istio-system: the gateway does not see it and answers 404 for shop.example.com.',
    ]);
  });

  it('graylane check --env prod does not say "no findings": the spec is refused (GL270), the old rendered output is a mandatory finding', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'graylane-exportto-'));
    writeFileSync(join(dir, 'shop.yaml'), spec('[".", istio-system]'));
    const onSpec = await runCli(['check', 'shop.yaml', '--env', 'prod'], dir);
    assert.notEqual(onSpec.status, 0);
    assert.match(onSpec.stderr + onSpec.stdout, /shop\.yaml:19:13: error GL270 spec\.exportTo: exportTo \[".","istio-system"\] hides/);
    const old = objects(spec('[".", istio-system, shop-gray]'))!.map((m) => ({ ...m, spec: { ...m.spec, exportTo: ['.', 'istio-system'] } }));
    writeFileSync(join(dir, 'rendered.yaml'), old.map((m) => stringify(m)).join('---\n'));
    const onYaml = await runCli(['check', 'rendered.yaml', '--env', 'prod'], dir);
    assert.equal(onYaml.status, 1);
    assert.match(onYaml.stdout, /mandatory istio-exportto-covers-callers: VirtualService shop\/cart is exported to \[".","istio-system"\] only/);
    assert.doesNotMatch(onYaml.stdout + onYaml.stderr, /no findings/);
  });

  it('property: an exportTo graylane accepts routes every lane caller, in the release\'s and each lane\'s namespace, as no exportTo does; one that leaves a lane namespace out is refused', () => {
    fc.assert(
      fc.property(specArbitrary, (spec: ReleaseSpec) => {
        const laneNamespaces = [...new Set(Object.values(spec.spec.lanes).flatMap((l) => (l.namespace !== undefined ? [l.namespace] : [])))].sort();
        const base = ['.', ...(spec.spec.entry?.gateway === 'mesh' ? [] : ['istio-system'])];
        const narrow = compile({ ...spec, spec: { ...spec.spec, exportTo: base } });
        assert.equal(narrow.ok, laneNamespaces.length === 0, narrow.diagnostics.map(formatDiagnostic).join('\n'));
        if (!narrow.ok) assert.deepEqual(narrow.diagnostics.filter((d) => d.code === 'GL270').map((d) => d.message.match(/namespace "([^"]+)"/)![1]), laneNamespaces);
        const open = compile(spec);
        const covered = compile({ ...spec, spec: { ...spec.spec, exportTo: [...base, ...laneNamespaces] } });
        assert.ok(open.ok && covered.ok, covered.diagnostics.map(formatDiagnostic).join('\n'));
        const header = spec.spec.trafficLabel?.header;
        for (const ns of ['gen', ...laneNamespaces])
          for (const service of Object.keys(spec.spec.services))
            for (const lane of [undefined, ...(header ? Object.keys(spec.spec.lanes) : [])]) {
              const request = { gateway: 'mesh', host: `${service}.gen.svc.cluster.local`, sourceNamespace: ns, ...(lane && header ? { headers: { [header]: lane } } : {}) };
              const seen = (out: typeof open) => simulateIstio(out.outputs[0]!.manifests, request).destinations.map((d) => [d.host, d.subset, d.weight, d.problem]);
              assert.deepEqual(seen(covered), seen(open), `${service} from ${ns} with lane ${lane ?? '(none)'}`);
            }
      }),
      { numRuns: 40, seed: 12 },
    );
  });
});

