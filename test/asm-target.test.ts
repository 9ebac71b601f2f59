/**
 * Target asm: the same spec routes the same on istio and asm wherever both can express it (every lane ×
 * service, simulated), and asm follows each lane's fallback chain at run time when a subset has no instances
 * or none available; TrafficLabel sources in order; caller-aware splits on both targets.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { compile, formatDiagnostic, type Manifest, type ReleaseSpec } from '../compiler';
import { simulateIstio, type Availability, type SimulatedDestination } from '../compiler/simulate/istio';
import { fallbackShape, matchExtensionShape, splitAsmFields, trafficLabelShape } from './support/asm-shapes';
import { readExample } from './support/examples';
import { istioCrds } from './support/istio-crds';
import { specArbitrary } from './support/spec-arbitrary';

function outputs(source: string | ReleaseSpec, step?: number): { istio: Manifest[]; asm: Manifest[]; spec: ReleaseSpec } {
  const result = compile(source, { targets: ['istio', 'asm'], ...(step !== undefined ? { step } : {}) });
  assert.ok(result.ok, result.diagnostics.map(formatDiagnostic).join('\n'));
  const get = (t: string) => result.outputs.find((o) => o.target === t)!.manifests;
  return { istio: get('istio'), asm: get('asm'), spec: result.spec! };
}

/** What a destination is, independent of how a target names it: the pods (labels) or the endpoints, and the share. */
function where(destinations: readonly SimulatedDestination[]): string[] {
  return destinations.map((d) => {
    assert.equal(d.problem, undefined, d.problem);
    const what = d.endpoints ? `endpoints ${d.endpoints.map((e) => e.address).join(',')}` : `${d.host} ${JSON.stringify(d.labels ?? {})}`;
    return `${d.weight}% ${what}`;
  });
}

function host(spec: ReleaseSpec, service: string): string {
  return spec.spec.services[service]!.host ?? `${service}.${spec.metadata.namespace ?? 'default'}.svc.cluster.local`;
}

/** The same request to both targets: the lane as the header (istio) and as the traffic label (asm). */
function both(o: ReturnType<typeof outputs>, service: string, lane: string | undefined, extra: { sourceLabels?: Record<string, string>; sourceLane?: string } = {}) {
  const header = o.spec.spec.trafficLabel!.header;
  const headers = lane !== undefined ? { [header]: lane } : {};
  const istio = simulateIstio(o.istio, { gateway: 'mesh', host: host(o.spec, service), headers, ...(extra.sourceLabels ? { sourceLabels: extra.sourceLabels } : {}) });
  const asm = simulateIstio(o.asm, { gateway: 'mesh', host: host(o.spec, service), headers, ...(lane !== undefined ? { trafficLabel: lane } : {}), ...(extra.sourceLane ? { sourceLane: extra.sourceLane } : {}) });
  return { istio: where(istio.destinations), asm: where(asm.destinations) };
}

const BOOKINFO = readExample('bookinfo-lanes.release.yaml');
const MALL = readExample('asm-full-link.release.yaml');

describe('target asm', () => {
  it('emits a TrafficLabel listing the label sources in the spec\'s order', () => {
    const label = outputs(BOOKINFO).asm.find((m) => m.kind === 'TrafficLabel')!;
    assert.deepEqual(label.spec, {
      rules: [{ labels: [{ name: 'trafficLabel', valueFrom: ['$getInboundRequestHeader(x-lane)', '$getContext(x-request-id)', '$(localLabel)'] }], attachTo: ['opentracing'], protocols: '*' }],
    });
    assert.equal(trafficLabelShape.safeParse(label).success, true);
  });

  for (const [name, text] of [['bookinfo-lanes', BOOKINFO], ['asm-full-link', MALL]] as const) {
    it(`${name}: asm routes every lane × service as istio does when every subset is healthy`, () => {
      const o = outputs(text);
      for (const service of Object.keys(o.spec.spec.services)) {
        for (const lane of [undefined, ...Object.keys(o.spec.spec.lanes)]) {
          const r = both(o, service, lane);
          assert.deepEqual(r.asm, r.istio, `${lane ?? 'no lane'} → ${service}`);
        }
      }
    });
  }

  it('follows the fallback chain when a subset has no instances (bookinfo: dev-x → gray → base)', () => {
    const { asm, spec } = outputs(BOOKINFO);
    const reviews = host(spec, 'reviews');
    const ask = (down: Record<string, Availability>) =>
      where(simulateIstio(asm, { gateway: 'mesh', host: reviews, trafficLabel: 'dev-x', availability: (_h, subset) => down[subset ?? ''] ?? 'healthy' }).destinations);
    assert.deepEqual(ask({}), [`100% ${reviews} {"lane":"dev-x"}`]);
    assert.deepEqual(ask({ 'dev-x': 'none' }), [`100% ${reviews} {"version":"v2"}`]);
    assert.deepEqual(ask({ 'dev-x': 'none', gray: 'none' }), [`100% ${reviews} {"version":"v1"}`]);
    // dev-x falls back on noinstances only: a copy that is there but unhealthy keeps its requests.
    assert.deepEqual(ask({ 'dev-x': 'unavailable' }), [`100% ${reviews} {"lane":"dev-x"}`]);
  });

  it('falls back on unavailable copies too where the lane says so (mall: dev-x → testing → trunk)', () => {
    const { asm, spec } = outputs(MALL);
    const cart = host(spec, 'cart');
    const ask = (down: Record<string, Availability>) =>
      where(simulateIstio(asm, { gateway: 'mesh', host: cart, trafficLabel: 'dev-x', availability: (_h, subset) => down[subset ?? ''] ?? 'healthy' }).destinations);
    assert.deepEqual(ask({ 'dev-x': 'unavailable' }), [`100% ${cart} {"env":"testing"}`]);
    assert.deepEqual(ask({ 'dev-x': 'unavailable', testing: 'none' }), [`100% ${cart} {"env":"trunk"}`]);
    // isolation is strict: it never leaves its lane.
    const isolated = where(simulateIstio(asm, { gateway: 'mesh', host: cart, trafficLabel: 'isolation', availability: () => 'none' }).destinations);
    assert.deepEqual(isolated, [`100% ${cart} {"env":"isolation"}`]);
  });

  it('splits trunk requests from dev-x workloads 80/20 on both targets, and only those', () => {
    const o = outputs(MALL);
    const fromDevX = both(o, 'order', 'testing-trunk', { sourceLabels: { env: 'dev-x' }, sourceLane: 'dev-x' });
    const order = host(o.spec, 'order');
    assert.deepEqual(fromDevX.istio, [`80% ${order} {"env":"trunk"}`, `20% ${order} {"env":"testing"}`]);
    assert.deepEqual(fromDevX.asm, fromDevX.istio);
    const fromOthers = both(o, 'order', 'testing-trunk', { sourceLabels: { env: 'trunk' }, sourceLane: 'testing-trunk' });
    assert.deepEqual(fromOthers.istio, [`100% ${order} {"env":"trunk"}`]);
    assert.deepEqual(fromOthers.asm, fromOthers.istio);
  });

  it('backs the mock lane with a ServiceEntry whose endpoints carry the lane label, and a subset selecting them', () => {
    const { asm, spec } = outputs(MALL);
    const entry = asm.find((m) => m.kind === 'ServiceEntry')!;
    assert.deepEqual((entry.spec.endpoints as { labels: Record<string, string> }[]).map((e) => e.labels), [{ 'graylane.dev/lane': 'mock' }, { 'graylane.dev/lane': 'mock' }]);
    const payment = where(simulateIstio(asm, { gateway: 'mesh', host: host(spec, 'payment'), trafficLabel: 'mock' }).destinations);
    assert.deepEqual(payment, ['100% endpoints 10.20.0.8,10.20.0.9']);
  });

  it('warns when the ASM version has no fallback routing (GL406), with the version needed', () => {
    const result = compile(MALL.replace('version: "1.22.6"', 'version: "1.16.4"'), { targets: ['asm'] });
    assert.deepEqual(result.diagnostics.filter((d) => d.code === 'GL406').map((d) => [d.code, d.message]), [
      ['GL406', 'ASM 1.16.4 has no fallback routing (it needs ASM 1.17.2.22 or later, Enterprise or Ultimate edition): requests will stay in a lane whose copy is down.'],
    ]);
  });

  it('keeps GL403 an error for istio alone, and a warning beside asm', () => {
    const alone = compile(MALL.replace('targets: [asm, istio]', 'targets: [istio]'));
    assert.deepEqual([...new Set(alone.diagnostics.map((d) => `${d.code} ${d.severity}`))], ['GL403 error']);
    const beside = compile(MALL);
    assert.deepEqual([...new Set(beside.diagnostics.map((d) => `${d.code} ${d.severity}`))], ['GL403 warning']);
  });

  it('the ASM shape checks can fail', () => {
    assert.equal(fallbackShape.safeParse({ case: 'nohealthy', target: 'x' }).success, false);
    assert.equal(matchExtensionShape.safeParse({ trafficLabel: [{ exactly: 'x' }] }).success, false);
    const bad = { ...outputs(BOOKINFO).asm.find((m) => m.kind === 'TrafficLabel')!, spec: { rules: [{ labels: [{ name: 'x', valueFrom: ['$getHeader(x)'] }], attachTo: [] }] } };
    assert.equal(trafficLabelShape.safeParse(bad).success, false);
    const { upstream } = splitAsmFields({ apiVersion: 'networking.istio.io/v1', kind: 'VirtualService', metadata: { name: 'x', namespace: 'y' }, spec: { hosts: ['x'], http: [{ route: [{ destination: { host: 'x' }, fallbak: {} }] }] } });
    assert.equal(istioCrds().validate(upstream).length, 1, 'a misspelt ASM field is an unknown field upstream');
  });
});

describe('asm and istio agree over generated specs', () => {
  it('every lane × service, all subsets healthy', () => {
    fc.assert(
      fc.property(specArbitrary, (spec) => {
        fc.pre(spec.spec.trafficLabel !== undefined);
        const o = outputs(spec, spec.spec.entry!.rules.some((r) => r.steps) ? 0 : undefined);
        // A mesh entry's rules are in both targets' VirtualServices, so requests without a lane agree too.
        for (const service of Object.keys(spec.spec.services)) {
          for (const lane of [undefined, ...Object.keys(spec.spec.lanes)]) {
            const r = both(o, service, lane);
            assert.deepEqual(r.asm, r.istio, `${lane ?? 'no lane'} → ${service}`);
          }
        }
      }),
      { numRuns: Number(process.env.GRAYLANE_PROPERTY_RUNS ?? 100) },
    );
  });
});
