/**
 * The shortcuts in normalize and the emitters give the answers of the plain code: each service × lane
 * destination as resolveLane + destinationOf decide it one pair at a time, and the same objects from every
 * target whether or not lanes share their Destination objects.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { destinationOf, normalize, resolveLane } from '../compiler/normalize';
import type { Plan } from '../compiler/plan';
import { emitterFor } from '../compiler/targets';
import { syntheticSpec } from '../bench/synthetic-spec';
import { specArbitrary } from './support/spec-arbitrary';

const RUNS = Number(process.env.GRAYLANE_PROPERTY_RUNS ?? 150);

/** Every destination as the plain code decides it: one service × lane pair at a time. */
function referenceResolution(plan: Plan): Record<string, Record<string, unknown>> {
  const laneByName = new Map(plan.lanes.map((l) => [l.name, l]));
  return Object.fromEntries(
    plan.services.map((service) => [
      service.name,
      Object.fromEntries(
        plan.lanes.map((lane) => {
          const serving = resolveLane(lane, service.name, laneByName, plan.baseline);
          return [lane.name, destinationOf(laneByName.get(serving)!, service.name, service.host, plan.namespace)];
        }),
      ),
    ]),
  );
}

/** The plan with a Destination object of its own for every service × lane: nothing shared. */
function unshared(plan: Plan): Plan {
  return {
    ...plan,
    services: plan.services.map((s) => ({
      ...s,
      resolution: Object.fromEntries(Object.entries(s.resolution).map(([lane, d]) => [lane, { ...d }])),
    })),
  };
}

describe('normalize resolves every service × lane as resolveLane and destinationOf do', () => {
  it('on generated specs (every lane kind, strict lanes, fallback lists)', () => {
    fc.assert(
      fc.property(specArbitrary, fc.nat({ max: 3 }), (spec, step) => {
        const plan = normalize(spec, step);
        const reference = referenceResolution(plan);
        for (const service of plan.services) {
          // Same lanes, same order, same destinations.
          assert.deepEqual(Object.keys(service.resolution), plan.lanes.map((l) => l.name));
          assert.deepEqual(service.resolution, reference[service.name], service.name);
        }
      }),
      { numRuns: RUNS },
    );
  });

  it('on a synthetic mesh, where most lanes fall back to the baseline', () => {
    const plan = normalize(syntheticSpec(40, 12));
    const reference = referenceResolution(plan);
    for (const service of plan.services) assert.deepEqual(service.resolution, reference[service.name]);
  });

  it('gives lanes served by the same lane one shared Destination', () => {
    const plan = normalize(syntheticSpec(40, 12));
    const service = plan.services[1]!;
    const toBaseline = plan.lanes.filter((l) => service.resolution[l.name]!.lane === plan.baseline);
    assert.ok(toBaseline.length > 2, 'the synthetic mesh has lanes that fall back');
    for (const lane of toBaseline) assert.equal(service.resolution[lane.name], service.resolution[plan.baseline]);
  });
});

describe('emitters give the same objects whether Destinations are shared or not', () => {
  for (const target of ['istio', 'asm', 'traefik', 'gateway-api'] as const) {
    it(target, () => {
      const emit = emitterFor(target);
      assert.ok(emit, `${target} has an emitter`);
      fc.assert(
        fc.property(specArbitrary, (spec) => {
          const plan = normalize(spec);
          assert.deepEqual(emit(plan), emit(unshared(plan)));
        }),
        { numRuns: Math.max(20, Math.round(RUNS / 3)) },
      );
    });
  }

  it('istio, on a synthetic mesh', () => {
    const plan = normalize(syntheticSpec(40, 12));
    assert.deepEqual(emitterFor('istio')!(plan), emitterFor('istio')!(unshared(plan)));
  });
});
