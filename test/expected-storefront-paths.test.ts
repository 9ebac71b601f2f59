/**
 * EXPECTED.md, storefront-paths: `/api` → api, every other path → web, and `x-beta: 1` sends `/api` to api's
 * canary — through the Istio gateway and through Traefik, with the lane header set by the entry only.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compileExample, manifestsOf } from './support/examples';
import { describeRouted, routeRequest, type Entrance, type RouteRequest } from './support/route-request';

const result = compileExample('storefront-paths.release.yaml');
const HOST = 'shop.example.com';
const API = '100% api.shop.svc.cluster.local x-lane=(none)';
const CANARY = '100% api-canary.shop.svc.cluster.local x-lane=canary';
const WEB = '100% web.shop.svc.cluster.local x-lane=(none)';
const CASES: [Omit<RouteRequest, 'host'>, string][] = [
  [{ path: '/api', headers: { 'x-beta': '1' } }, CANARY],
  [{ path: '/api/orders/7', headers: { 'x-beta': '1' } }, CANARY],
  [{ path: '/api' }, API],
  [{ path: '/api/orders/7', method: 'POST' }, API],
  [{ path: '/api', headers: { 'x-beta': '2' } }, API],
  // A client's own lane header never picks the lane: the edge removes it.
  [{ path: '/api', headers: { 'x-lane': 'canary' } }, API],
  // A segment prefix: /apix is not under /api.
  [{ path: '/apix', headers: { 'x-beta': '1' } }, WEB],
  [{ path: '/' }, WEB],
  [{ path: '/cart', headers: { 'x-beta': '1' } }, WEB],
  [{ path: '/', headers: { 'x-lane': 'canary' } }, WEB],
];
const TARGETS: [string, Entrance][] = [
  ['istio', { gateway: 'istio-system/public-gateway' }],
  ['traefik', { entryPoint: 'websecure' }],
];

describe('storefront-paths', () => {
  it('compiles without diagnostics', () => {
    assert.deepEqual(result.diagnostics, []);
  });

  for (const [target, entrance] of TARGETS) {
    const objects = manifestsOf(result, target);
    it(`${target}: routes every path and header as EXPECTED.md says`, () => {
      for (const [request, expected] of CASES)
        assert.deepEqual(describeRouted(routeRequest(objects, entrance, { host: HOST, ...request, ...(target === 'traefik' ? { scheme: 'https' as const } : {}) }), 'x-lane'), [expected], JSON.stringify(request));
    });
  }

  it('istio: inside the mesh, api requests tagged canary reach api-canary; web has no canary', () => {
    const objects = manifestsOf(result, 'istio');
    const mesh = (host: string, lane?: string) =>
      describeRouted(routeRequest(objects, { mesh: true }, { host, ...(lane ? { headers: { 'x-lane': lane } } : {}) }), 'x-lane');
    assert.deepEqual(mesh('api.shop.svc.cluster.local', 'canary'), ['100% api-canary.shop.svc.cluster.local x-lane=canary']);
    assert.deepEqual(mesh('api.shop.svc.cluster.local'), ['100% api.shop.svc.cluster.local x-lane=(none)']);
    assert.deepEqual(mesh('web.shop.svc.cluster.local', 'canary'), ['100% web.shop.svc.cluster.local x-lane=canary']);
  });

  it('traefik: the IngressRoute serves TLS with the shop certificate, on websecure and HTTPS only', () => {
    const objects = manifestsOf(result, 'traefik');
    const route = objects.find((m) => m.kind === 'IngressRoute')!;
    assert.deepEqual(route.spec.tls, { secretName: 'shop-example-com-tls' });
    assert.deepEqual(describeRouted(routeRequest(objects, { entryPoint: 'web' }, { host: HOST, path: '/api', scheme: 'https' })), ['no route']);
    // A router with tls takes HTTPS requests only.
    assert.deepEqual(describeRouted(routeRequest(objects, { entryPoint: 'websecure' }, { host: HOST, path: '/api' })), ['no route']);
  });
});
