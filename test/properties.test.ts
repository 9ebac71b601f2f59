/** Invariants over generated specs (fast-check), checked on the emitted objects by the route simulator. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { stringify } from 'yaml';
import { compile, formatDiagnostic, type Manifest, type ReleaseSpec } from '../compiler';
import { simulateIstio, subsetsOf, type SimulatedDestination } from '../compiler/simulate/istio';
import { istioSemanticProblems } from '../compiler/rules/istio-semantics';
import { istioCrds } from './support/istio-crds';
import { expectedServingLane, specArbitrary } from './support/spec-arbitrary';

const RUNS = Number(process.env.GRAYLANE_PROPERTY_RUNS ?? 150);

function compiled(spec: ReleaseSpec, step?: number): Manifest[] {
  const result = compile(spec, step !== undefined ? { step } : {});
  assert.ok(result.ok, result.diagnostics.map(formatDiagnostic).join('\n'));
  return result.outputs[0]!.manifests;
}

/** Where lane `lane`'s copy of `service` lives, from the raw spec. */
function realisation(spec: ReleaseSpec, lane: string, service: string): { host: string; labels?: Record<string, string>; endpoints: boolean } {
  const def = spec.spec.lanes[lane]!;
  const ns = spec.metadata.namespace!;
  if (def.endpoints) return { host: `${service}.${lane}.${ns}.graylane.internal`, endpoints: true };
  if (def.namespace) return { host: `${service}.${def.namespace}.svc.cluster.local`, endpoints: false };
  if (def.serviceName) return { host: `${def.serviceName.replace('{service}', service)}.${ns}.svc.cluster.local`, endpoints: false };
  return { host: `${service}.${ns}.svc.cluster.local`, ...(def.selector ? { labels: def.selector } : {}), endpoints: false };
}

function sameAs(d: SimulatedDestination, r: ReturnType<typeof realisation>): void {
  assert.equal(d.problem, undefined);
  assert.equal(d.host, r.host);
  assert.deepEqual(d.labels, r.labels);
  assert.equal(d.endpoints !== undefined, r.endpoints);
}

const withStep = specArbitrary.chain((spec) => {
  const steps = spec.spec.entry!.rules.find((r) => r.steps)?.steps?.length;
  return fc.tuple(fc.constant(spec), steps ? fc.nat({ max: steps - 1 }) : fc.constant(undefined));
});

describe('properties of generated specs', () => {
  it('every generated spec compiles, and every object passes the upstream CRDs and Istio\'s semantic rules', () => {
    fc.assert(
      fc.property(withStep, ([spec, step]) => {
        for (const m of compiled(spec, step)) {
          assert.deepEqual(istioCrds().validate(m), [], `${m.kind} ${m.metadata.name}`);
          assert.deepEqual(istioSemanticProblems(m), [], `${m.kind} ${m.metadata.name}`);
        }
      }),
      { numRuns: RUNS },
    );
  });

  it('every destination resolves: subsets are defined for their host, hosts are Services or ServiceEntries', () => {
    fc.assert(
      fc.property(withStep, ([spec, step]) => {
        const objects = compiled(spec, step);
        for (const vs of objects.filter((o) => o.kind === 'VirtualService')) {
          for (const route of (vs.spec.http as { route: { destination: { host: string; subset?: string } }[] }[])) {
            for (const { destination } of route.route) {
              if (destination.subset !== undefined)
                assert.ok(subsetsOf(objects, destination.host).some((s) => s.name === destination.subset), `${destination.host}/${destination.subset}`);
              const isService = destination.host.endsWith('.svc.cluster.local');
              const isEntry = objects.some((o) => o.kind === 'ServiceEntry' && (o.spec.hosts as string[]).includes(destination.host));
              assert.ok(isService || isEntry, destination.host);
            }
          }
        }
      }),
      { numRuns: RUNS },
    );
  });

  it('a request of lane L reaches, for every service, the copy of the first lane of L, its fallbacks, the baseline that runs it', () => {
    fc.assert(
      fc.property(withStep, ([spec, step]) => {
        const header = spec.spec.trafficLabel?.header;
        fc.pre(header !== undefined);
        const objects = compiled(spec, step);
        for (const service of Object.keys(spec.spec.services)) {
          for (const lane of Object.keys(spec.spec.lanes)) {
            const hop = simulateIstio(objects, { gateway: 'mesh', host: `${service}.gen.svc.cluster.local`, headers: { [header!]: lane } });
            assert.equal(hop.destinations.length, 1, `${lane} → ${service}`);
            const serving = expectedServingLane(spec, lane, service);
            sameAs(hop.destinations[0]!, realisation(spec, serving, service));
            // The lane is kept: its name, or for the baseline possibly no header at all (absent = baseline).
            const carried: string | undefined = hop.destinations[0]!.headers[header!];
            if (!(lane === 'base' && carried === undefined)) assert.equal(carried, lane, 'the lane header is carried unchanged');
          }
        }
      }),
      { numRuns: RUNS },
    );
  });

  it('requests without a lane get the canary split or the baseline, weights summing to 100', () => {
    fc.assert(
      fc.property(withStep, ([spec, step]) => {
        const objects = compiled(spec, step);
        const meshEntry = spec.spec.entry!.gateway === 'mesh' ? spec.spec.entry!.service : undefined;
        for (const service of Object.keys(spec.spec.services).filter((s) => s !== meshEntry)) {
          const hop = simulateIstio(objects, { gateway: 'mesh', host: `${service}.gen.svc.cluster.local` });
          const split = Object.entries(spec.spec.canary?.[service] ?? { base: 100 }).filter(([, w]) => w > 0);
          assert.deepEqual(hop.destinations.map((d) => d.weight), split.map(([, w]) => w));
          hop.destinations.forEach((d, i) => sameAs(d, realisation(spec, split[i]![0], service)));
        }
        for (const vs of objects.filter((o) => o.kind === 'VirtualService')) {
          for (const route of vs.spec.http as { route: { weight?: number }[] }[]) {
            if (route.route.length > 1) assert.equal(route.route.reduce((a, d) => a + (d.weight ?? 0), 0), 100);
          }
        }
      }),
      { numRuns: RUNS },
    );
  });

  it('at a gateway, no route forwards the client\'s own lane header', () => {
    fc.assert(
      fc.property(withStep, ([spec, step]) => {
        const header = spec.spec.trafficLabel?.header;
        fc.pre(header !== undefined && spec.spec.entry!.gateway !== 'mesh');
        const objects = compiled(spec, step);
        const requests = [{}, ...spec.spec.entry!.rules.map((_, i) => ({ [`x-rule-${i}`]: `v${i}` }))];
        for (const headers of requests) {
          const hop = simulateIstio(objects, { gateway: 'istio-system/public', host: 'gen.example.com', headers: { ...headers, [header!]: 'spoofed' } });
          assert.equal(hop.status, 'routed');
          for (const d of hop.destinations) assert.notEqual(d.headers[header!], 'spoofed');
        }
      }),
      { numRuns: RUNS },
    );
  });

  it('compiling is deterministic, does not mutate its input, and YAML text compiles like the object', () => {
    fc.assert(
      fc.property(withStep, ([spec, step]) => {
        const before = JSON.stringify(spec);
        const frozen = deepFreeze(structuredClone(spec));
        const first = compile(frozen, step !== undefined ? { step } : {});
        assert.equal(JSON.stringify(spec), before);
        const second = compile(stringify(spec), step !== undefined ? { step } : {});
        assert.deepEqual(second.outputs.map((o) => o.yaml), first.outputs.map((o) => o.yaml));
      }),
      { numRuns: RUNS },
    );
  });
});

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}
