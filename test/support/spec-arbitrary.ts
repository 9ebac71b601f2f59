/** fast-check generators of valid release specs: lanes of every kind, fallbacks, splits, steps, canaries. */
import fc from 'fast-check';
import type { ReleaseSpec } from '../../compiler';

const SERVICE_POOL = ['api', 'cart', 'pay', 'search', 'user', 'mail', 'stock'];
const LANE_POOL = ['gray', 'dev-a', 'dev-b', 'canary', 'mock', 'blue'];
type LaneKind = 'selector' | 'namespace' | 'serviceName' | 'endpoints';

/** Integer weights over the given lanes that sum to 100 (zeros allowed). */
export function weightsOver(lanes: readonly string[]): fc.Arbitrary<Record<string, number>> {
  return fc.array(fc.nat({ max: 100 }), { minLength: lanes.length - 1, maxLength: lanes.length - 1 }).map((cuts) => {
    const sorted = [0, ...[...cuts].sort((a, b) => a - b), 100];
    return Object.fromEntries(lanes.map((lane, i) => [lane, sorted[i + 1]! - sorted[i]!]));
  });
}

export const specArbitrary: fc.Arbitrary<ReleaseSpec> = fc
  .record({
    services: fc.uniqueArray(fc.constantFrom(...SERVICE_POOL), { minLength: 1, maxLength: 5 }),
    lanes: fc.uniqueArray(fc.constantFrom(...LANE_POOL), { minLength: 0, maxLength: 4 }),
    header: fc.option(fc.constantFrom('x-lane', 'x-env-tag'), { nil: undefined }),
    gateway: fc.constantFrom('istio-system/public', 'mesh'),
    baseSelector: fc.boolean(),
    resilience: fc.boolean(),
    seed: fc.infiniteStream(fc.nat({ max: 1_000_000 })),
  })
  .chain(({ services, lanes, header, gateway, baseSelector, resilience, seed }) => {
    const it = seed[Symbol.iterator]();
    const next = (n: number) => (it.next().value as number) % n;
    const pick = <T>(xs: readonly T[]): T => xs[next(xs.length)]!;
    const subsetOf = <T>(xs: readonly T[]): T[] => xs.filter(() => next(2) === 0);
    // A baseline without a selector is allowed (warning GL212); it makes policy-only DestinationRules.
    const laneDefs: Record<string, Record<string, unknown>> = { base: { baseline: true, ...(baseSelector || lanes.length === 0 ? { selector: { version: 'v1' } } : {}) } };
    const runs: Record<string, string[]> = { base: services };
    for (const lane of lanes) {
      const kind = pick<LaneKind>(['selector', 'selector', 'namespace', 'serviceName', 'endpoints']);
      const strict = kind !== 'endpoints' && next(6) === 0;
      const chosen = subsetOf(services);
      const uniqueRuns = chosen.length > 0 ? chosen : [services[0]!];
      runs[lane] = strict ? services : uniqueRuns;
      const others = lanes.filter((l) => l !== lane);
      const fallback = subsetOf(others);
      laneDefs[lane] = {
        ...(kind === 'selector' ? { selector: { lane } } : {}),
        ...(kind === 'namespace' ? { namespace: `ns-${lane}` } : {}),
        ...(kind === 'serviceName' ? { serviceName: `{service}-${lane}` } : {}),
        ...(kind === 'endpoints' ? { endpoints: [{ address: `10.1.${next(250)}.${1 + next(250)}` }] } : {}),
        ...(strict ? { strict: true } : { services: uniqueRuns }),
        ...(!strict && fallback.length > 0 ? { fallback: next(2) === 0 ? fallback : { lanes: fallback, when: ['noinstances'] } } : {}),
      };
    }
    const allLanes = ['base', ...lanes];
    const entryService = pick(services);
    return fc
      .record({
        matchRules: fc.array(fc.tuple(fc.constantFrom(...allLanes), fc.constantFrom('exact', 'prefix', 'regex')), { maxLength: 3 }),
        finalWeights: weightsOver(allLanes),
        steps: fc.option(fc.array(weightsOver(allLanes), { minLength: 1, maxLength: 3 }), { nil: undefined }),
        canary: fc.array(fc.tuple(fc.constantFrom(...services), fc.constantFrom(...allLanes)), { maxLength: 2 }),
      })
      .map(({ matchRules, finalWeights, steps, canary }): ReleaseSpec => {
        const canaryEntries = canary
          .filter(([svc, lane]) => lane !== 'base' && runs[lane]!.includes(svc))
          .map(([svc, lane]) => [svc, { base: 60, [lane]: 40 }] as const);
        return {
          apiVersion: 'graylane.dev/v1alpha1',
          kind: 'Release',
          metadata: { name: 'gen', namespace: 'gen' },
          spec: {
            targets: ['istio'],
            services: Object.fromEntries(services.map((s) => [s, { port: 8080 }])),
            lanes: laneDefs as ReleaseSpec['spec']['lanes'],
            ...(header ? { trafficLabel: { header } } : {}),
            entry: {
              gateway,
              ...(gateway === 'mesh' ? {} : { hosts: ['gen.example.com'] }),
              service: entryService,
              rules: [
                ...matchRules.map(([lane, kind], i) => ({
                  name: `r${i}`,
                  match: { headers: { [`x-rule-${i}`]: kind === 'regex' ? { regex: `v${i}[a-z]*` } : { [kind]: `v${i}` } } },
                  lane,
                })),
                steps ? { name: 'rollout', steps } : { name: 'split', weights: finalWeights },
              ],
            },
            ...(canaryEntries.length > 0 ? { canary: Object.fromEntries(canaryEntries) } : {}),
            ...(resilience ? { resilience: { timeout: '2s', circuitBreaker: { consecutiveErrors: 5, interval: '10s' } } } : {}),
          },
        };
      });
  });

/** The lane that serves `service` for `lane`, computed independently of the compiler from the raw spec. */
export function expectedServingLane(spec: ReleaseSpec, lane: string, service: string): string {
  const runs = (l: string) => {
    const def = spec.spec.lanes[l]!;
    return def.baseline === true || def.services === undefined || def.services.includes(service);
  };
  if (runs(lane)) return lane;
  const def = spec.spec.lanes[lane]!;
  const chain = def.strict ? [] : Array.isArray(def.fallback) ? def.fallback : (def.fallback?.lanes ?? []);
  return chain.find(runs) ?? Object.keys(spec.spec.lanes).find((l) => spec.spec.lanes[l]!.baseline === true)!;
}
