/** Synthetic meshes for the benchmarks: deterministic, so every run measures the same thing. */
import type { ReleaseSpec } from '../compiler';

/** Deterministic pseudo-random numbers, so every run measures the same meshes. */
function lcg(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

export function syntheticSpec(serviceCount: number, laneCount: number): ReleaseSpec {
  const random = lcg(serviceCount * 7919 + laneCount);
  const services = Array.from({ length: serviceCount }, (_, i) => `svc-${String(i).padStart(4, '0')}`);
  const lanes: ReleaseSpec['spec']['lanes'] = { base: { baseline: true, selector: { version: 'v1' } } };
  const laneNames = Array.from({ length: laneCount - 1 }, (_, i) => `lane-${String(i).padStart(2, '0')}`);
  laneNames.forEach((name, i) => {
    // A lane runs about a tenth of the services and falls back through up to two earlier lanes.
    const runs = services.filter(() => random() < 0.1);
    const earlier = laneNames.slice(0, i);
    const fallback = earlier.filter(() => random() < 0.2).slice(0, 2);
    lanes[name] = {
      selector: { lane: name },
      services: runs.length > 0 ? runs : [services[0]!],
      ...(fallback.length > 0 ? { fallback } : {}),
    };
  });
  const canary: Record<string, Record<string, number>> = {};
  for (const name of laneNames.slice(0, 3)) {
    for (const svc of (lanes[name]!.services ?? []).slice(0, Math.ceil(serviceCount / 50))) canary[svc] ??= { base: 90, [name]: 10 };
  }
  return {
    apiVersion: 'graylane.dev/v1alpha1',
    kind: 'Release',
    metadata: { name: 'bench', namespace: 'bench' },
    spec: {
      targets: ['istio'],
      services: Object.fromEntries(services.map((s) => [s, { port: 8080 }])),
      lanes,
      trafficLabel: { header: 'x-lane' },
      entry: {
        gateway: 'istio-system/public',
        hosts: ['bench.example.com'],
        service: services[0]!,
        rules: [
          ...laneNames.slice(0, 5).map((lane, i) => ({ name: `to-${lane}`, match: { headers: { 'x-user-group': { exact: `g${i}` } } }, lane })),
          { name: 'canary', weights: { base: 95, [laneNames[0] ?? 'base']: 5 } },
        ],
      },
      ...(Object.keys(canary).length > 0 ? { canary } : {}),
    },
  };
}

/**
 * The same mesh after a typical change, for `diff`: the entry canary moves from 5% to 20%, and the first lane
 * runs one more service (new subsets and routes for it).
 */
export function syntheticChange(spec: ReleaseSpec): ReleaseSpec {
  const lanes = { ...spec.spec.lanes };
  const [first] = Object.keys(lanes).filter((l) => !lanes[l]!.baseline);
  if (first !== undefined) {
    const runs = lanes[first]!.services ?? [];
    const extra = Object.keys(spec.spec.services).find((s) => !runs.includes(s));
    if (extra !== undefined) lanes[first] = { ...lanes[first]!, services: [...runs, extra] };
  }
  const entry = spec.spec.entry;
  if (!entry) return { ...spec, spec: { ...spec.spec, lanes } };
  const rules = entry.rules.map((r) =>
    r.weights ? { ...r, weights: Object.fromEntries(Object.entries(r.weights).map(([lane, w]) => [lane, lane === 'base' ? w - 15 : w + 15])) } : r,
  );
  return { ...spec, spec: { ...spec.spec, lanes, entry: { ...entry, rules } } };
}
