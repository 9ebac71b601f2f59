/**
 * Rate limits that mean what the spec says (issue 12, part 3): Traefik's in-memory buckets are per router
 * (traefik/traefik#13706), its Redis buckets per Middleware; on Istio a gateway entry is limited at the gateway,
 * for its own virtual hosts, and a mesh entry on its services' inbound chain.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compile, formatDiagnostic, type Manifest } from '../compiler';
import { modelOf } from '../compiler/model/model';
import { rateLimitScopes } from '../compiler/model/traefik-rate-limit';
import { readExample } from './support/examples';
import { istioCrds } from './support/istio-crds';
import { traefikCrds } from './support/traefik-crds';
import { mutate } from './support/base-spec';

const DEMO = readExample('coding-demo.release.yaml');
const REDIS = DEMO.replace('rateLimit: { average: 500, burst: 1000 }', 'rateLimit: { average: 500, burst: 1000, redis: { endpoints: ["redis.infra:6379"], secret: redis-auth, db: 2, dialTimeout: 1.5s } }');

function emitted(text: string, targets: ('istio' | 'traefik' | 'asm')[], step = 0) {
  const result = compile(text, { targets, step });
  assert.ok(result.ok, result.diagnostics.map(formatDiagnostic).join('\n'));
  return { manifests: result.outputs.flatMap((o) => o.manifests), diagnostics: result.diagnostics };
}

describe('rate limits', () => {
  it('traefik: N routes sharing the in-memory limiter give one source N× the limit, and graylane says so (GL402)', () => {
    const { manifests, diagnostics } = emitted(DEMO, ['traefik']);
    assert.deepEqual(rateLimitScopes(modelOf(manifests).traefik), [{ middleware: 'pro/k8s-flask-ratelimit', routers: ['pro/k8s-flask-entry#0', 'pro/k8s-flask-entry#1'], shared: false, multiplier: 2 }]);
    assert.deepEqual(diagnostics.map((d) => [d.code, d.severity, d.path.join('.'), d.message, d.hint]), [
      ['GL402', 'warning', 'spec.entry.resilience.rateLimit', 'Traefik\'s in-memory rate limiter keeps one bucket set per router (traefik/traefik#13706): the 2 routes of this entry each get their own, so one source may send up to 2× the limit, 1000 requests per 1s instead of 500.', 'set rateLimit.redis: { endpoints: [redis:6379] }, whose buckets every route (and every Traefik replica) shares'],
    ]);
  });

  it('traefik: with rateLimit.redis the routes share one bucket set, so the effective limit is the spec\'s', () => {
    const { manifests, diagnostics } = emitted(REDIS, ['traefik']);
    const mw = manifests.find((m) => m.metadata.name === 'k8s-flask-ratelimit')!;
    assert.deepEqual(mw.spec, { rateLimit: { average: 500, burst: 1000, redis: { endpoints: ['redis.infra:6379'], secret: 'redis-auth', db: 2, dialTimeout: '1500ms' } } });
    assert.deepEqual(traefikCrds('v3').validate(mw), []);
    assert.deepEqual(rateLimitScopes(modelOf(manifests).traefik).map((s) => [s.routers.length, s.shared, s.multiplier]), [[2, true, 1]]);
    assert.deepEqual(diagnostics, []);
  });

  it('istio: a gateway entry is limited at the gateway, for the entry\'s virtual hosts only; redis is Traefik\'s (GL402)', () => {
    const text = mutate('    service: web\n', '    service: web\n    resilience:\n      rateLimit: { average: 100, burst: 200, period: 2s, redis: { endpoints: ["redis:6379"] } }\n');
    const { manifests, diagnostics } = emitted(text, ['istio']);
    const filters = manifests.filter((m) => m.kind === 'EnvoyFilter');
    assert.deepEqual(filters.map((f) => `${f.metadata.namespace}/${f.metadata.name}`), ['istio-system/shop-shop-entry-ratelimit']);
    const typed = (value: Record<string, unknown>) => ({ '@type': 'type.googleapis.com/udpa.type.v1.TypedStruct', type_url: 'type.googleapis.com/envoy.extensions.filters.http.local_ratelimit.v3.LocalRateLimit', value: { stat_prefix: 'http_local_rate_limiter', ...value } });
    const percent = (key: string) => ({ runtime_key: key, default_value: { numerator: 100, denominator: 'HUNDRED' } });
    assert.deepEqual(filters[0]!.spec, {
      configPatches: [
        { applyTo: 'HTTP_FILTER', match: { context: 'GATEWAY', listener: { filterChain: { filter: { name: 'envoy.filters.network.http_connection_manager' } } } }, patch: { operation: 'INSERT_FIRST', value: { name: 'envoy.filters.http.local_ratelimit', typed_config: typed({}) } } },
        {
          applyTo: 'VIRTUAL_HOST',
          match: { context: 'GATEWAY', routeConfiguration: { vhost: { domainName: 'shop.example.com' } } },
          patch: { operation: 'MERGE', value: { typed_per_filter_config: { 'envoy.filters.http.local_ratelimit': typed({ token_bucket: { max_tokens: 200, tokens_per_fill: 100, fill_interval: '2s' }, filter_enabled: percent('local_rate_limit_enabled'), filter_enforced: percent('local_rate_limit_enforced') }) } } },
        },
      ],
    });
    assert.equal(JSON.stringify(filters[0]!.spec).includes('SIDECAR_INBOUND'), false, 'callers inside the mesh are not throttled');
    assert.deepEqual(istioCrds().validate(filters[0]! as Manifest), []);
    assert.deepEqual(diagnostics.map((d) => [d.code, d.path.join('.'), d.message]), [
      ['GL402', 'spec.entry.resilience.rateLimit.redis', 'Target istio ignores rateLimit.redis, Traefik\'s shared buckets: Envoy\'s local rate limit holds per gateway pod.'],
    ]);
  });

  it('istio: a mesh entry keeps the limit on the entry service\'s inbound chain', () => {
    const text = mutate('    gateway: istio-system/public\n    hosts: [shop.example.com]\n    service: web\n', '    gateway: mesh\n    service: web\n    resilience:\n      rateLimit: { average: 100 }\n');
    const filters = emitted(text, ['istio']).manifests.filter((m) => m.kind === 'EnvoyFilter');
    assert.deepEqual(filters.map((f) => [`${f.metadata.namespace}/${f.metadata.name}`, f.spec.workloadSelector, (f.spec.configPatches as { match: { context: string } }[]).map((p) => p.match.context)]), [
      ['shop/shop-entry-ratelimit', { labels: { app: 'web' } }, ['SIDECAR_INBOUND']],
    ]);
  });
});
