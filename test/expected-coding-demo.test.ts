/** EXPECTED.md, coding-demo on Traefik (traefik.io/v1alpha1): what Traefik does with the emitted objects. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { simulateTraefik } from '../compiler/simulate/traefik';
import { compileExample, manifestsOf } from './support/examples';

const objects = manifestsOf(compileExample('coding-demo.release.yaml'), 'traefik');
const request = (headers: Record<string, string> = {}) => simulateTraefik(objects, { entryPoint: 'web', host: 'pro.coding', headers });
const backends = (hop: ReturnType<typeof request>) => hop.backends.map((b) => `${b.weight}% ${b.service}:${b.port}`);

describe('coding-demo through Traefik', () => {
  it('sends location: shenzhen to k8s-flask-canary:8080, always', () => {
    assert.deepEqual(backends(request({ location: 'shenzhen' })), ['100% k8s-flask-canary:8080']);
  });

  it('splits everything else 50/50 between k8s-flask and k8s-flask-canary', () => {
    for (const headers of [{}, { location: 'beijing' }, { location: 'shenzhen-east' }] as Record<string, string>[])
      assert.deepEqual(backends(request(headers)), ['50% k8s-flask:8080', '50% k8s-flask-canary:8080']);
  });

  it('passes every route through the rate limit (500 average, 1000 burst) and the circuit breaker', () => {
    for (const hop of [request({ location: 'shenzhen' }), request()]) {
      assert.deepEqual(hop.problems, []);
      assert.deepEqual(
        hop.middlewares.map((m) => [m.type, m.config]),
        [
          ['rateLimit', { average: 500, burst: 1000 }],
          ['circuitBreaker', { expression: 'LatencyAtQuantileMS(50.0) > 100' }],
        ],
      );
    }
  });

  it('orders routes by explicit priority, so the header rule wins whatever its length', () => {
    const route = objects.find((m) => m.kind === 'IngressRoute')!;
    const priorities = (route.spec.routes as { priority: number }[]).map((r) => r.priority);
    assert.deepEqual(priorities, [...priorities].sort((a, b) => b - a));
    assert.equal(request({ location: 'shenzhen' }).router, 'pro/k8s-flask-entry#0');
  });

  it('listens on entry point web only', () => {
    assert.equal(simulateTraefik(objects, { entryPoint: 'websecure', host: 'pro.coding' }).status, 'no-route');
  });
});
