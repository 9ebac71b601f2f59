/** Invariants of target traefik over generated direct-mode specs, checked with the Traefik simulator. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { compile, formatDiagnostic, type ReleaseSpec } from '../compiler';
import { simulateTraefik } from '../compiler/simulate/traefik';
import { weightsOver } from './support/spec-arbitrary';
import { traefikCrds } from './support/traefik-crds';

const RUNS = Number(process.env.GRAYLANE_PROPERTY_RUNS ?? 150);

const directSpec = fc
  .record({
    lanes: fc.uniqueArray(fc.constantFrom('canary', 'blue', 'green', 'beta'), { minLength: 1, maxLength: 3 }),
    namespaced: fc.array(fc.boolean(), { minLength: 3, maxLength: 3 }),
    header: fc.option(fc.constant('x-lane'), { nil: undefined }),
    apiGroup: fc.constantFrom('traefik.io' as const, 'traefik.containo.us' as const),
  })
  .chain(({ lanes, namespaced, header, apiGroup }) =>
    fc
      .record({
        rules: fc.array(fc.constantFrom('stable', ...lanes), { maxLength: 3 }),
        split: weightsOver(['stable', ...lanes]),
        regex: fc.boolean(),
      })
      .map(({ rules, split, regex }): ReleaseSpec => ({
        apiVersion: 'graylane.dev/v1alpha1',
        kind: 'Release',
        metadata: { name: 'web', namespace: 'web' },
        spec: {
          targets: ['traefik'],
          services: { web: { port: 8080 } },
          lanes: {
            stable: { baseline: true },
            ...Object.fromEntries(lanes.map((l, i) => [l, namespaced[i] ? { namespace: `web-${l}` } : { serviceName: `{service}-${l}` }])),
          },
          ...(header ? { trafficLabel: { header } } : {}),
          entry: {
            hosts: ['web.example.com'],
            service: 'web',
            traefik: { entryPoints: ['web'], apiGroup },
            rules: [
              ...rules.map((lane, i) => ({
                name: `r${i}`,
                match: { headers: { [`x-rule-${i}`]: regex && apiGroup === 'traefik.io' ? { regex: `v${i}` } : { exact: `v${i}` } } },
                lane,
              })),
              { name: 'split', weights: split },
            ],
          },
        },
      })),
  );

/** "name.namespace" of the Service a lane's copy of `web` is. */
function laneService(spec: ReleaseSpec, lane: string): string {
  const def = spec.spec.lanes[lane]!;
  if (def.namespace) return `web.${def.namespace}`;
  if (def.serviceName) return `${def.serviceName.replace('{service}', 'web')}.web`;
  return 'web.web';
}

describe('target traefik over generated specs', () => {
  it('objects validate, each rule reaches its lane\'s Service, the split keeps its weights, no client lane header passes', () => {
    fc.assert(
      fc.property(directSpec, (spec) => {
        const result = compile(spec);
        assert.ok(result.ok, result.diagnostics.map(formatDiagnostic).join('\n'));
        const objects = result.outputs[0]!.manifests;
        const version = spec.spec.entry!.traefik!.apiGroup === 'traefik.io' ? 'v3' : 'v2';
        for (const m of objects) assert.deepEqual(traefikCrds(version).validate(m), [], `${m.kind} ${m.metadata.name}`);
        const rules = spec.spec.entry!.rules;
        const send = (headers: Record<string, string>) => {
          // With a lane header in the spec, a client's own value never passes the edge.
          const spoof: Record<string, string> = spec.spec.trafficLabel ? { 'x-lane': 'spoofed' } : {};
          const hop = simulateTraefik(objects, { entryPoint: 'web', host: 'web.example.com', headers: { ...headers, ...spoof } });
          assert.deepEqual(hop.problems, []);
          if (spec.spec.trafficLabel) assert.notEqual(hop.headers['x-lane'], 'spoofed');
          return hop.backends.map((b) => [`${b.service}.${b.namespace}`, Math.round(b.weight * 1000) / 1000]).sort(byFirst);
        };
        rules.slice(0, -1).forEach((rule, i) => assert.deepEqual(send({ [`x-rule-${i}`]: `v${i}` }), [[laneService(spec, rule.lane!), 100]]));
        const split = Object.entries(rules[rules.length - 1]!.weights!).filter(([, w]) => w > 0);
        assert.deepEqual(send({}), split.map(([lane, w]) => [laneService(spec, lane), w]).sort(byFirst));
      }),
      { numRuns: RUNS },
    );
  });
});

function byFirst(a: (string | number)[], b: (string | number)[]): number {
  return String(a[0]) < String(b[0]) ? -1 : String(a[0]) > String(b[0]) ? 1 : 0;
}
