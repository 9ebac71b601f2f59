/**
 * EXPECTED.md for target gateway-api: bookinfo-lanes, flip-flop, storefront-paths and bookinfo-gateway route as
 * the tables say, checked by the Gateway API simulator (compiler/simulate/gateway-api.ts, the object model's
 * reading of HTTPRoutes, Services and ReferenceGrants, itself checked against the upstream conformance tables).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compileExample } from './support/examples';
import { gatewayApiObjects, routedTo } from './support/gateway-api-routing';

describe('bookinfo-lanes → gateway-api routes as EXPECTED.md says', () => {
  const objects = gatewayApiObjects(compileExample('bookinfo-lanes.release.yaml', { targets: ['gateway-api'] }));
  const entry = (headers: Record<string, string>) => routedTo(objects, { via: 'istio-system/bookinfo-gateway', authority: 'bookinfo.example.com', headers }, 'x-lane');
  const SPLIT = '10% bookinfo/productpage-base x-lane=gray / 90% bookinfo/productpage-base x-lane=(none)';
  for (const [headers, expected] of [
    [{ location: 'shenzhen' }, '100% bookinfo/productpage-base x-lane=gray'],
    [{ 'x-dev-lane': 'dev-x' }, '100% bookinfo/productpage-base x-lane=dev-x'],
    // The client's own lane header never reaches the mesh: every share sets or removes it.
    [{ 'x-lane': 'dev-x' }, SPLIT],
    [{}, SPLIT],
  ] as [Record<string, string>, string][]) {
    it(`at the gateway, headers ${JSON.stringify(headers)}`, () => assert.equal(entry(headers), expected));
  }

  const mesh = (service: string, lane: string | undefined) =>
    routedTo(objects, { via: 'mesh', authority: `${service}.bookinfo`, sourceNamespace: 'bookinfo', headers: lane === undefined ? {} : { 'x-lane': lane } }, 'x-lane');
  const keep = (lane: string | undefined) => lane ?? '(none)';
  const TABLE: [string | undefined, Record<string, string>][] = [
    [undefined, { productpage: 'productpage-base', reviews: 'reviews-base', details: 'details-base' }],
    ['nolane', { productpage: 'productpage-base', reviews: 'reviews-base', details: 'details-base' }],
    ['gray', { productpage: 'productpage-base', reviews: 'reviews-gray', ratings: 'ratings-gray', details: 'details-base' }],
    ['dev-x', { productpage: 'productpage-base', reviews: 'reviews-dev-x', ratings: 'ratings-gray', details: 'details-base' }],
    ['mock', { productpage: 'productpage-base', reviews: 'reviews-base', ratings: 'ratings-base', details: 'details-mock' }],
  ];
  for (const [lane, row] of TABLE) {
    for (const [service, backend] of Object.entries(row)) {
      it(`inside the mesh, x-lane ${lane ?? 'absent'} → ${service}: ${backend}`, () => assert.equal(mesh(service, lane), `100% bookinfo/${backend} x-lane=${keep(lane)}`));
    }
  }
  it('inside the mesh, no lane (or an unknown one) → ratings 80% v1 / 20% v2, each share tagged', () => {
    for (const lane of [undefined, 'nolane']) assert.equal(mesh('ratings', lane), '20% bookinfo/ratings-gray x-lane=gray / 80% bookinfo/ratings-base x-lane=(none)');
  });
  it('the mock lane reaches the endpoint 10.10.0.7:9080 (a selector-less Service and its EndpointSlice)', () => {
    const slice = objects.find((o) => o.kind === 'EndpointSlice')!;
    assert.deepEqual(
      [slice.metadata.name, slice.metadata.labels['kubernetes.io/service-name'], (slice as unknown as { endpoints: unknown }).endpoints, (slice as unknown as { ports: unknown }).ports],
      ['details-mock', 'details-mock', [{ addresses: ['10.10.0.7'], conditions: { ready: true } }], [{ name: 'http-9080', port: 9080, protocol: 'TCP' }]],
    );
    const service = objects.find((o) => o.kind === 'Service' && o.metadata.name === 'details-mock')!;
    assert.equal((service.spec as { selector?: unknown }).selector, undefined);
  });
  it('the per-lane Services select workloadLabels plus the lane\'s selector, on the service\'s ports', () => {
    const selectors = Object.fromEntries(objects.filter((o) => o.kind === 'Service' && o.metadata.labels['app.kubernetes.io/managed-by'] === 'graylane').map((o) => [o.metadata.name, (o.spec as { selector?: unknown }).selector ?? null]));
    assert.deepEqual(selectors, {
      'details-base': { app: 'details', version: 'v1' },
      'details-mock': null,
      'productpage-base': { app: 'productpage', version: 'v1' },
      'ratings-base': { app: 'ratings', version: 'v1' },
      'ratings-gray': { app: 'ratings', version: 'v2' },
      'reviews-base': { app: 'reviews', version: 'v1' },
      'reviews-dev-x': { app: 'reviews', lane: 'dev-x' },
      'reviews-gray': { app: 'reviews', version: 'v2' },
    });
  });
});

describe('flip-flop → gateway-api routes as EXPECTED.md says', () => {
  const at = (step: number) => gatewayApiObjects(compileExample('flip-flop.release.yaml', { step, targets: ['gateway-api'] }));
  const call = (objects: ReturnType<typeof at>, service: string, side?: string) =>
    routedTo(objects, { via: 'mesh', authority: `${service}.search-flop`, sourceNamespace: 'web', headers: side ? { 'x-search-side': side } : {} }, 'x-search-side');
  it('step 1: search-api 75% flop / 25% flip, the flip share tagged; the cross-namespace share is granted', () => {
    assert.equal(call(at(1), 'search-api'), '25% search-flip/search-api x-search-side=flip / 75% search-flop/search-api x-search-side=(none)');
  });
  for (const service of ['search-ranker', 'search-index']) {
    it(`step 1: ${service} follows x-search-side`, () => {
      const objects = at(1);
      assert.equal(call(objects, service, 'flip'), `100% search-flip/${service} x-search-side=flip`);
      assert.equal(call(objects, service), `100% search-flop/${service} x-search-side=(none)`);
    });
  }
  it('step 4: every request reaches flip', () => {
    assert.equal(call(at(4), 'search-api'), '100% search-flip/search-api x-search-side=flip');
  });
  it('without the ReferenceGrant the flip share would answer 500 (the grant is what makes it route)', () => {
    const objects = at(1).filter((o) => !(o.kind === 'ReferenceGrant' && o.metadata.name === 'search-search-flop-to-search-flip-search-api'));
    assert.match(call(objects, 'search-api'), /25% search-flip\/search-api x-search-side=flip \(500: .*RefNotPermitted/);
  });
});

describe('storefront-paths → gateway-api routes as EXPECTED.md says', () => {
  const objects = gatewayApiObjects(compileExample('storefront-paths.release.yaml', { targets: ['gateway-api'] }));
  const API = '100% shop/api x-lane=(none)';
  const CANARY = '100% shop/api-canary x-lane=canary';
  const WEB = '100% shop/web x-lane=(none)';
  for (const [request, expected] of [
    [{ path: '/api', headers: { 'x-beta': '1' } }, CANARY],
    [{ path: '/api/orders/7', headers: { 'x-beta': '1' } }, CANARY],
    [{ path: '/api' }, API],
    [{ path: '/api/orders/7', method: 'POST' }, API],
    [{ path: '/api', headers: { 'x-beta': '2' } }, API],
    [{ path: '/api', headers: { 'x-lane': 'canary' } }, API],
    [{ path: '/apix', headers: { 'x-beta': '1' } }, WEB],
    [{ path: '/' }, WEB],
    [{ path: '/cart', headers: { 'x-beta': '1' } }, WEB],
    [{ path: '/', headers: { 'x-lane': 'canary' } }, WEB],
  ] as [{ path: string; method?: string; headers?: Record<string, string> }, string][]) {
    it(`${request.method ?? 'GET'} ${request.path} ${JSON.stringify(request.headers ?? {})}`, () =>
      assert.equal(routedTo(objects, { via: 'istio-system/public-gateway', authority: 'shop.example.com', ...request }, 'x-lane'), expected));
  }
  it('inside the mesh api with x-lane canary reaches api-canary; web keeps its lane header', () => {
    const mesh = (service: string) => routedTo(objects, { via: 'mesh', authority: `${service}.shop`, sourceNamespace: 'shop', headers: { 'x-lane': 'canary' } }, 'x-lane');
    assert.equal(mesh('api'), '100% shop/api-canary x-lane=canary');
    assert.equal(mesh('web'), '100% shop/web x-lane=canary');
  });
});

describe('bookinfo-gateway → gateway-api routes as EXPECTED.md says', () => {
  const objects = gatewayApiObjects(compileExample('bookinfo-gateway.release.yaml', { targets: ['gateway-api'] }));
  const at = (path: string) => routedTo(objects, { via: 'bookinfo/bookinfo-gateway', authority: 'bookinfo.example.com', path }, 'x-lane');
  for (const path of ['/productpage', '/login', '/logout', '/static', '/static/', '/static/app.js', '/api/v1/products', '/api/v1/products/7'])
    it(`${path} → productpage`, () => assert.equal(at(path), '100% bookinfo/productpage x-lane=(none)'));
  for (const path of ['/', '/productpage/x', '/login/x', '/logoutx', '/api/v1', '/reviews', '/staticfoo', '/api/v1/productsx'])
    it(`${path} → no route (404)`, () => assert.equal(at(path), '404'));
});
