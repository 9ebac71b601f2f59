/**
 * Invariants of target gateway-api over generated specs (fast-check): every route within the API limits and
 * accepted by the upstream CRD, every backendRef resolving to a Service (emitted, or the application's own) with
 * the ReferenceGrant a cross-namespace one needs, and istio ≡ gateway-api: for every lane × service inside the
 * mesh, and for requests at the entry that meet any combination of the rules' conditions, the Gateway API
 * simulator sends the same shares to the same lanes' copies, with the same lane header, as the Istio simulator.
 * The generated rules get paths (exact or segment prefix) on top of their headers, so Gateway API's precedence
 * (longer paths first) disagrees with the spec's order and must be corrected by the emitter.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { compile, formatDiagnostic, type CompileResult, type Manifest, type Plan, type ReleaseSpec } from '../compiler';
import { laneService } from '../compiler/emit/gateway-api/backends';
import { MAX_BACKEND_REFS, MAX_HOSTNAMES, MAX_MATCHES_PER_ROUTE, MAX_MATCHES_PER_RULE, MAX_RULES } from '../compiler/emit/gateway-api/precedence';
import { simulateGatewayApi } from '../compiler/simulate/gateway-api';
import { simulateIstio } from '../compiler/simulate/istio';
import { gatewayApiCluster } from './support/gateway-api-cluster';
import { gatewayApiCrds } from './support/gateway-api-crds';
import { specArbitrary } from './support/spec-arbitrary';

const RUNS = Number(process.env.GRAYLANE_PROPERTY_RUNS ?? 150);

/** Generated specs with a path on some rules: "/a", "/a/b" (inside "/a"), "/b", exact or prefix. */
const withPaths = specArbitrary.chain((spec) => {
  const rules = spec.spec.entry!.rules;
  return fc
    .tuple(fc.array(fc.option(fc.tuple(fc.constantFrom('/a', '/a/b', '/b'), fc.constantFrom('exact', 'prefix')), { nil: undefined }), { minLength: rules.length, maxLength: rules.length }), fc.nat({ max: 4 }))
    .map(([paths, step]): [ReleaseSpec, number | undefined] => {
      const withRules: ReleaseSpec = {
        ...spec,
        spec: {
          ...spec.spec,
          targets: ['istio', 'gateway-api'],
          entry: {
            ...spec.spec.entry!,
            rules: rules.map((r, i) => {
              const p = paths[i];
              if (!p || r.match === undefined) return r;
              return { ...r, match: { ...r.match, path: { [p[1]]: p[0] } } };
            }),
          },
        },
      };
      const steps = rules.find((r) => r.steps)?.steps?.length;
      return [withRules, steps ? step % steps : undefined];
    });
});

function compiled(spec: ReleaseSpec, step: number | undefined): CompileResult {
  const result = compile(spec, step !== undefined ? { step } : {});
  assert.ok(result.ok, result.diagnostics.map(formatDiagnostic).join('\n'));
  return result;
}
const outputOf = (r: CompileResult, target: string) => r.outputs.find((o) => o.target === target)!.manifests;

/** "lane weight header" per share, the lane being whose copy of `service` the share reaches. */
function istioShares(plan: Plan, service: string, objects: readonly Manifest[], request: Parameters<typeof simulateIstio>[1]): string[] {
  const s = plan.services.find((x) => x.name === service)!;
  const hop = simulateIstio(objects, request);
  if (hop.status !== 'routed') return [hop.status];
  return hop.destinations
    .map((d) => {
      const lane = plan.lanes.find((l) => s.resolution[l.name]!.lane === l.name && s.resolution[l.name]!.host === d.host && s.resolution[l.name]!.subset === d.subset);
      return `${lane?.name ?? `?${d.host}/${d.subset}`} ${d.weight} ${d.headers[plan.laneHeader ?? ''] ?? '-'}`;
    })
    .sort();
}

function gatewayApiShares(plan: Plan, service: string, objects: readonly Manifest[], request: Parameters<typeof simulateGatewayApi>[1]): string[] {
  const s = plan.services.find((x) => x.name === service)!;
  const hop = simulateGatewayApi(objects, request);
  if (hop.status !== 'routed') return [hop.status === 'not-found' ? 'not-found' : `${hop.status} ${hop.notes.join('; ')}`];
  return hop.backends
    .map((b) => {
      const lane = plan.lanes.find((l) => {
        const ref = laneService(plan, s, l);
        return !('problem' in ref) && ref.name === b.name && ref.namespace === b.namespace && l.runs.includes(service);
      });
      return `${lane?.name ?? `?${b.namespace}/${b.name}`} ${b.weight} ${b.headers[plan.laneHeader ?? ''] ?? '-'}${b.problem ? ` 500 ${b.problem}` : ''}`;
    })
    .sort();
}

describe('gateway-api over generated specs', () => {
  it('every route is within the API limits and accepted by the CRD; every backendRef resolves, with its ReferenceGrant', () => {
    fc.assert(
      fc.property(withPaths, ([spec, step]) => {
        const result = compiled(spec, step);
        const objects = outputOf(result, 'gateway-api');
        const declared = gatewayApiCluster(result.plan!);
        const services = new Set([...objects, ...declared].filter((o) => o.kind === 'Service').map((o) => `${o.metadata.namespace}/${o.metadata.name}`));
        for (const m of objects) {
          if (m.kind !== 'HTTPRoute' && m.kind !== 'ReferenceGrant') continue;
          assert.deepEqual(gatewayApiCrds().validate(m), [], `${m.kind} ${m.metadata.name}`);
          if (m.kind !== 'HTTPRoute') continue;
          const rules = m.spec.rules as { matches: unknown[]; backendRefs: { name: string; namespace?: string; port?: number }[] }[];
          assert.ok(rules.length <= MAX_RULES && ((m.spec.hostnames as unknown[] | undefined)?.length ?? 0) <= MAX_HOSTNAMES);
          assert.ok(rules.reduce((n, r) => n + r.matches.length, 0) <= MAX_MATCHES_PER_ROUTE);
          for (const rule of rules) {
            assert.ok(rule.matches.length <= MAX_MATCHES_PER_RULE && rule.backendRefs.length <= MAX_BACKEND_REFS);
            for (const ref of rule.backendRefs) {
              const namespace = ref.namespace ?? m.metadata.namespace;
              assert.ok(services.has(`${namespace}/${ref.name}`), `${m.metadata.name} names Service ${namespace}/${ref.name}, which is neither emitted nor the application's`);
              assert.notEqual(ref.port, undefined);
              if (namespace === m.metadata.namespace) continue;
              const granted = objects.some((g) => g.kind === 'ReferenceGrant' && g.metadata.namespace === namespace
                && (g.spec.from as { kind: string; namespace: string }[]).some((f) => f.kind === 'HTTPRoute' && f.namespace === m.metadata.namespace)
                && (g.spec.to as { kind: string; name?: string }[]).some((t) => t.kind === 'Service' && (t.name === undefined || t.name === ref.name)));
              assert.ok(granted, `no ReferenceGrant lets ${m.metadata.name} name ${namespace}/${ref.name}`);
            }
          }
        }
      }),
      { numRuns: RUNS },
    );
  });

  it('istio ≡ gateway-api for every lane × service inside the mesh, and at the entry for every combination of the rules\' conditions', () => {
    fc.assert(
      fc.property(withPaths, ([spec, step]) => {
        const result = compiled(spec, step);
        const plan = result.plan!;
        const istio = outputOf(result, 'istio');
        const gateway = [...gatewayApiCluster(plan), ...outputOf(result, 'gateway-api')];
        const header = plan.laneHeader;
        const ns = plan.namespace;
        for (const service of plan.services) {
          for (const lane of [undefined, ...plan.lanes.map((l) => l.name)]) {
            if (lane !== undefined && header === undefined) continue;
            const headers = lane === undefined ? {} : { [header!]: lane };
            const expected = istioShares(plan, service.name, istio, { gateway: 'mesh', host: `${service.name}.${ns}.svc.cluster.local`, headers });
            const actual = gatewayApiShares(plan, service.name, gateway, { via: 'mesh', authority: `${service.name}.${ns}`, sourceNamespace: ns, headers });
            assert.deepEqual(actual, expected, `mesh: ${service.name} with lane ${lane ?? '(none)'}`);
          }
        }
        // Requests that meet any set of the rules' conditions, on each rule's path.
        const rules = spec.spec.entry!.rules;
        const paths = ['/', '/c', ...new Set(rules.flatMap((r) => { const p = r.match?.path; const v = p?.exact ?? p?.prefix; return v ? [v, `${v}/x`] : []; }))];
        const conditions = rules.flatMap((r, i) => (r.match?.headers ? [{ [`x-rule-${i}`]: `v${i}abc`.slice(0, r.match.headers[`x-rule-${i}`]!.exact !== undefined ? 2 : 5) }] : []));
        const headerSets = [{}, ...conditions, Object.assign({}, ...conditions) as Record<string, string>, ...conditions.map((_, i) => Object.assign({}, ...conditions.filter((_, j) => j !== i)) as Record<string, string>)];
        const entryService = spec.spec.entry!.service!;
        for (const path of paths) {
          for (const h of headerSets) {
            const headers = header !== undefined && plan.entry.gateway ? { ...h, [header]: 'spoofed' } : h;
            const expected = plan.entry.gateway
              ? istioShares(plan, entryService, istio, { gateway: 'istio-system/public', host: 'gen.example.com', path, headers })
              : istioShares(plan, entryService, istio, { gateway: 'mesh', host: `${entryService}.${ns}.svc.cluster.local`, path, headers });
            const actual = plan.entry.gateway
              ? gatewayApiShares(plan, entryService, gateway, { via: 'istio-system/public', authority: 'gen.example.com', path, headers })
              : gatewayApiShares(plan, entryService, gateway, { via: 'mesh', authority: `${entryService}.${ns}`, sourceNamespace: ns, path, headers });
            assert.deepEqual(actual, expected, `entry: ${path} ${JSON.stringify(headers)}`);
          }
        }
      }),
      { numRuns: RUNS },
    );
  });
});
