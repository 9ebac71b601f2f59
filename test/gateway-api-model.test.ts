/**
 * The Gateway API model, behaviour by behaviour, each named after the upstream text it follows
 * (kubernetes-sigs/gateway-api v1.6.1 apis/v1/*_types.go, GEP-1426).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { Model } from '../compiler/model/model';
import type { KubeObject } from '../compiler/model/object-set';
import type { Request } from '../compiler/model/request';
import { intersectHostnames } from '../compiler/model/gateway-api-model';
import { simulateGatewayApi } from '../compiler/simulate/gateway-api';

const G = 'gateway.networking.k8s.io/v1';

function gateway(listeners: Record<string, unknown>[], namespace = 'infra', name = 'gw'): KubeObject {
  return { apiVersion: G, kind: 'Gateway', metadata: { name, namespace }, spec: { gatewayClassName: 'x', listeners } };
}
function route(name: string, spec: Record<string, unknown>, namespace = 'infra', extra: Record<string, unknown> = {}): KubeObject {
  return { apiVersion: G, kind: 'HTTPRoute', metadata: { name, namespace, ...extra } as KubeObject['metadata'], spec };
}
function service(name: string, namespace = 'infra', ports = [8080]): KubeObject {
  return { apiVersion: 'v1', kind: 'Service', metadata: { name, namespace }, spec: { ports: ports.map((port) => ({ port })) } };
}
const http = (extra: Record<string, unknown> = {}) => ({ name: 'http', port: 80, protocol: 'HTTP', ...extra });
const parent = { parentRefs: [{ name: 'gw' }] };
const to = (name: string, extra: Record<string, unknown> = {}) => ({ name, port: 8080, ...extra });
const at = (path: string, extra: Partial<Request> = {}): Request => ({ via: 'infra/gw', authority: 'shop.example.com', path, ...extra });
const names = (objects: KubeObject[], request: Request) => simulateGatewayApi(objects, request).backends.map((b) => `${b.namespace}/${b.name}:${b.weight}`);

describe('Gateway API model: attachment (ParentReference, Listener, HTTPRouteSpec.Hostnames)', () => {
  it('intersects hostnames: a wildcard label is a suffix of one or more labels; the narrower side is kept', () => {
    assert.deepEqual(intersectHostnames('*.example.com', ['foo.example.com', 'a.b.example.com', 'example.com', 'x.net']), ['foo.example.com', 'a.b.example.com']);
    assert.deepEqual(intersectHostnames('test.example.com', ['*.example.com']), ['test.example.com']);
    assert.deepEqual(intersectHostnames('*.foo.example.com', ['*.example.com']), ['*.foo.example.com']);
    assert.deepEqual(intersectHostnames('*.example.com', ['*.foo.example.com']), ['*.foo.example.com']);
    assert.equal(intersectHostnames('test.example.com', ['example.com']), undefined);
    assert.deepEqual(intersectHostnames(undefined, []), []);
    assert.deepEqual(intersectHostnames('a.example.com', []), ['a.example.com']);
  });

  it('ignores the route hostnames the listener does not match, and refuses a route with none left', () => {
    const objects = [
      gateway([http({ hostname: '*.example.com' })]),
      service('a'),
      route('r', { ...parent, hostnames: ['shop.example.com', 'shop.example.net'], rules: [{ backendRefs: [to('a')] }] }),
      route('other', { ...parent, hostnames: ['x.example.org'], rules: [{ backendRefs: [to('a')] }] }),
    ];
    assert.deepEqual(names(objects, at('/')), ['infra/a:100']);
    assert.equal(simulateGatewayApi(objects, at('/', { authority: 'shop.example.net' })).status, 'not-found');
    const model = new Model(objects).gatewayApi;
    assert.deepEqual(model.refusals.map((r) => r.route.ref), ['infra/other']);
    assert.match(model.refusals[0]!.reason, /none of the route's hostnames \(x\.example\.org\) matches the listener's \*\.example\.com/);
  });

  it('allowedRoutes: Same by default, a Selector over the Namespace labels (and its implicit name label), kinds', () => {
    const objects = [
      gateway([http(), { name: 'sel', port: 8000, protocol: 'HTTP', allowedRoutes: { namespaces: { from: 'Selector', selector: { matchLabels: { team: 'shop' } } } } }, { name: 'byname', port: 9000, protocol: 'HTTP', allowedRoutes: { namespaces: { from: 'Selector', selector: { matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'In', values: ['apps'] }] } } } }, { name: 'grpc', port: 7000, protocol: 'HTTP', allowedRoutes: { kinds: [{ kind: 'GRPCRoute' }] } }]),
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'apps', labels: { team: 'shop' } } },
      service('a', 'apps'),
      route('r', { parentRefs: [{ name: 'gw', namespace: 'infra' }], rules: [{ backendRefs: [to('a')] }] }, 'apps'),
    ];
    assert.equal(simulateGatewayApi(objects, at('/')).status, 'not-found');
    assert.deepEqual(names(objects, at('/', { port: 8000 })), ['apps/a:100']);
    assert.deepEqual(names(objects, at('/', { port: 9000 })), ['apps/a:100']);
    assert.equal(simulateGatewayApi(objects, at('/', { port: 7000 })).status, 'not-found');
    const reason = new Model(objects).gatewayApi.refusals.map((r) => r.reason).join('\n');
    assert.match(reason, /listener http of Gateway infra\/gw does not accept it: it admits routes of namespace infra only/);
    assert.match(reason, /listener grpc of Gateway infra\/gw does not accept it: its allowedRoutes.kinds do not include HTTPRoute/);
  });

  it('sectionName and port narrow a parentRef to those listeners', () => {
    const objects = [
      gateway([http(), { name: 'alt', port: 8080, protocol: 'HTTP' }]),
      service('a'),
      service('b'),
      route('r', { parentRefs: [{ name: 'gw', sectionName: 'alt' }], rules: [{ backendRefs: [to('a')] }] }),
      route('s', { parentRefs: [{ name: 'gw', port: 80 }], rules: [{ backendRefs: [to('b')] }] }),
    ];
    assert.deepEqual(names(objects, at('/', { port: 8080 })), ['infra/a:100']);
    assert.deepEqual(names(objects, at('/')), ['infra/b:100']);
    assert.equal(simulateGatewayApi(objects, at('/', { port: 9999 })).status, 'no-listener');
  });

  it('assumes a Gateway the input does not hold (graylane\'s output), unless it holds that namespace\'s Gateways', () => {
    const objects = [service('a'), route('r', { parentRefs: [{ name: 'edge', namespace: 'gateways' }], hostnames: ['shop.example.com'], rules: [{ backendRefs: [to('a')] }] })];
    const hop = simulateGatewayApi(objects, { via: 'gateways/edge', authority: 'shop.example.com' });
    assert.deepEqual([hop.status, hop.listener, hop.backends.map((b) => b.name)], ['routed', { gateway: 'gateways/edge', name: '', port: 80, protocol: 'HTTP', assumed: true }, ['a']]);
    assert.deepEqual(hop.notes, ['Gateway gateways/edge is not in the input: assumed to have a listener on port 80 without hostname that admits every route naming it']);
    const described = [...objects, gateway([http()], 'gateways', 'other')];
    assert.equal(simulateGatewayApi(described, { via: 'gateways/edge', authority: 'shop.example.com' }).status, 'no-listener');
    assert.deepEqual(new Model(described).gatewayApi.refusals.map((r) => r.reason), ['its parentRef Gateway gateways/edge is not in the input']);
  });

  it('chooses the listener with the most specific hostname on the port', () => {
    const objects = [
      gateway([http({ name: 'any' }), http({ name: 'wild', hostname: '*.example.com' }), http({ name: 'exact', hostname: 'shop.example.com' })]),
      service('a'),
      route('r', { ...parent, rules: [{ backendRefs: [to('a')] }] }),
    ];
    assert.equal(simulateGatewayApi(objects, at('/')).listener?.name, 'exact');
    assert.equal(simulateGatewayApi(objects, at('/', { authority: 'x.example.com' })).listener?.name, 'wild');
    assert.equal(simulateGatewayApi(objects, at('/', { authority: 'x.org' })).listener?.name, 'any');
  });
});

describe('Gateway API model: precedence (HTTPRouteRule.Matches, HTTPRouteSpec.Hostnames)', () => {
  it('ranks a RegularExpression path below every prefix (implementation-specific, as the spec allows)', () => {
    const objects = [
      gateway([http()]),
      service('a'),
      service('b'),
      route('r', { ...parent, rules: [{ matches: [{ path: { type: 'RegularExpression', value: '/api/.*' } }], backendRefs: [to('a')] }, { matches: [{ path: { type: 'PathPrefix', value: '/' } }], backendRefs: [to('b')] }] }),
    ];
    assert.deepEqual(names(objects, at('/api/x')), ['infra/b:100']);
  });

  it('breaks ties by the oldest creationTimestamp, then namespace/name, and says when timestamps are missing', () => {
    const rules = (svc: string) => ({ ...parent, rules: [{ backendRefs: [to(svc)] }] });
    const dated = [gateway([http()]), service('a'), service('b'), route('z-old', rules('a'), 'infra', { creationTimestamp: '2026-01-01T00:00:00Z' }), route('a-new', rules('b'), 'infra', { creationTimestamp: '2026-02-01T00:00:00Z' })];
    const hop = simulateGatewayApi(dated, at('/'));
    assert.equal(hop.route, 'infra/z-old');
    assert.deepEqual(hop.notes, []);
    const undated = [gateway([http()]), service('a'), service('b'), route('z', rules('a')), route('a', rules('b'))];
    const tie = simulateGatewayApi(undated, at('/'));
    assert.equal(tie.route, 'infra/a');
    assert.deepEqual(tie.notes, ['HTTPRoute infra/z matches as specifically; infra/a wins by name because the objects carry no creationTimestamp (in a cluster the older one wins)']);
  });

  it('gives the most specific hostname the request, without falling through to a wildcard route', () => {
    const objects = [
      gateway([http()]),
      service('a'),
      service('b'),
      route('exact', { ...parent, hostnames: ['shop.example.com'], rules: [{ matches: [{ path: { type: 'PathPrefix', value: '/cart' } }], backendRefs: [to('a')] }] }),
      route('wild', { ...parent, hostnames: ['*.example.com'], rules: [{ backendRefs: [to('b')] }] }),
    ];
    assert.deepEqual(names(objects, at('/cart')), ['infra/a:100']);
    assert.deepEqual(names(objects, at('/', { authority: 'other.example.com' })), ['infra/b:100']);
    const miss = simulateGatewayApi(objects, at('/'));
    assert.equal(miss.status, 'not-found');
    assert.match(miss.notes.join('\n'), /HTTPRoute infra\/wild \(hostname \*\.example\.com\) would match, but a more specific hostname's routes take shop\.example\.com/);
  });

  it('compares header names case-insensitively and counts only the first of equivalent names', () => {
    const objects = [
      gateway([http()]),
      service('a'),
      route('r', { ...parent, rules: [{ matches: [{ headers: [{ name: 'X-Lane', value: 'dev' }, { name: 'x-lane', value: 'other' }] }], backendRefs: [to('a')] }] }),
    ];
    assert.deepEqual(names(objects, at('/', { headers: { 'x-LANE': 'dev' } })), ['infra/a:100']);
    assert.equal(simulateGatewayApi(objects, at('/', { headers: { 'x-lane': 'other' } })).status, 'not-found');
  });
});

describe('Gateway API model: backendRefs (HTTPBackendRef, ReferenceGrant)', () => {
  it('defaults weights to 1, sends nothing to weight 0, and gives an invalid backend\'s share a 500', () => {
    const objects = [gateway([http()]), service('a'), route('r', { ...parent, rules: [{ backendRefs: [to('a'), to('missing'), to('a', { weight: 0 })] }] })];
    const hop = simulateGatewayApi(objects, at('/'));
    assert.deepEqual(hop.backends.map((b) => [b.name, b.weight, b.problem]), [
      ['a', 50, undefined],
      ['missing', 50, 'Service infra/missing is not in the input (BackendNotFound): its share gets 500'],
      ['a', 0, undefined],
    ]);
  });

  it('refuses a backendRef to another namespace without a ReferenceGrant there, and allows it with one', () => {
    const grant = (name?: string): KubeObject => ({
      apiVersion: 'gateway.networking.k8s.io/v1beta1',
      kind: 'ReferenceGrant',
      metadata: { name: 'g', namespace: 'apps' },
      spec: { from: [{ group: 'gateway.networking.k8s.io', kind: 'HTTPRoute', namespace: 'infra' }], to: [{ group: '', kind: 'Service', ...(name ? { name } : {}) }] },
    });
    const base = [gateway([http()]), service('a', 'apps'), route('r', { ...parent, rules: [{ backendRefs: [to('a', { namespace: 'apps' })] }] })];
    assert.match(simulateGatewayApi(base, at('/')).backends[0]!.problem ?? '', /no ReferenceGrant in apps allowing it \(RefNotPermitted\)/);
    assert.equal(simulateGatewayApi([...base, grant()], at('/')).backends[0]!.problem, undefined);
    assert.equal(simulateGatewayApi([...base, grant('a')], at('/')).backends[0]!.problem, undefined);
    assert.match(simulateGatewayApi([...base, grant('b')], at('/')).backends[0]!.problem ?? '', /RefNotPermitted/);
  });

  it('assumes absent Services when the input has none, or when asked to', () => {
    const objects = [gateway([http()]), route('r', { ...parent, rules: [{ backendRefs: [to('a')] }] })];
    assert.equal(simulateGatewayApi(objects, at('/')).backends[0]!.assumed, true);
    const withOther = [...objects, service('b')];
    assert.match(simulateGatewayApi(withOther, at('/')).backends[0]!.problem ?? '', /BackendNotFound/);
    assert.equal(simulateGatewayApi(withOther, at('/'), { absentServices: 'assumed' }).backends[0]!.problem, undefined);
  });

  it('answers 500 for a rule without backendRefs or with every weight 0', () => {
    const none = simulateGatewayApi([gateway([http()]), route('r', { ...parent, rules: [{ matches: [{ path: { type: 'PathPrefix', value: '/' } }] }] })], at('/'));
    assert.deepEqual([none.status, none.httpStatus], ['error', 500]);
    const zero = simulateGatewayApi([gateway([http()]), service('a'), route('r', { ...parent, rules: [{ backendRefs: [to('a', { weight: 0 })] }] })], at('/'));
    assert.deepEqual([zero.status, zero.httpStatus], ['error', 500]);
  });
});

describe('Gateway API model: filters (HTTPRouteFilter; istio conversion.go for their order)', () => {
  it('applies a backendRef\'s RequestHeaderModifier before the rule\'s, so a rule-level remove undoes a lane', () => {
    const lane = (svc: string, op: Record<string, unknown>) => to(svc, { filters: [{ type: 'RequestHeaderModifier', requestHeaderModifier: op }] });
    const good = [gateway([http()]), service('a'), service('a-dev'), route('r', { ...parent, rules: [{ backendRefs: [lane('a', { remove: ['x-lane'] }), lane('a-dev', { set: [{ name: 'X-Lane', value: 'dev' }] })] }] })];
    const hop = simulateGatewayApi(good, at('/', { headers: { 'x-lane': 'spoofed' } }));
    assert.deepEqual(hop.backends.map((b) => [b.name, b.headers['x-lane']]), [['a', undefined], ['a-dev', 'dev']]);
    const bad = [gateway([http()]), service('a-dev'), route('r', { ...parent, rules: [{ filters: [{ type: 'RequestHeaderModifier', requestHeaderModifier: { remove: ['X-Lane'] } }], backendRefs: [lane('a-dev', { set: [{ name: 'X-Lane', value: 'dev' }] })] }] })];
    const undone = simulateGatewayApi(bad, at('/'));
    assert.equal(undone.backends[0]!.headers['x-lane'], undefined);
    assert.deepEqual(undone.notes, ['the rule\'s RequestHeaderModifier and backendRef a-dev\'s both change x-lane: Envoy applies the backendRef\'s first, so the rule\'s wins']);
  });

  it('rewrites paths (ReplacePrefixMatch segment-wise, ReplaceFullPath) and the hostname, keeping the query', () => {
    const rw = (match: string, path: Record<string, unknown>, hostname?: string) => route('r', { ...parent, rules: [{ matches: [{ path: { type: 'PathPrefix', value: match } }], filters: [{ type: 'URLRewrite', urlRewrite: { path, ...(hostname ? { hostname } : {}) } }], backendRefs: [to('a')] }] });
    const sim = (r: KubeObject, path: string) => simulateGatewayApi([gateway([http()]), service('a'), r], at(path)).backends[0]!;
    assert.equal(sim(rw('/foo', { type: 'ReplacePrefixMatch', replacePrefixMatch: '/xyz' }), '/foo/bar?q=1').path, '/xyz/bar?q=1');
    assert.equal(sim(rw('/foo', { type: 'ReplacePrefixMatch', replacePrefixMatch: '/xyz' }), '/foo').path, '/xyz');
    assert.equal(sim(rw('/foo/', { type: 'ReplacePrefixMatch', replacePrefixMatch: '/' }), '/foo/bar').path, '/bar');
    assert.equal(sim(rw('/foo', { type: 'ReplacePrefixMatch', replacePrefixMatch: '/' }), '/foo').path, '/');
    const full = sim(rw('/foo', { type: 'ReplaceFullPath', replaceFullPath: '/one' }, 'backend.internal'), '/foo/bar?q=1');
    assert.deepEqual([full.path, full.authority], ['/one?q=1', 'backend.internal']);
  });

  it('redirects with 302 by default, the scheme\'s well-known port when the scheme is set, else the listener\'s', () => {
    const redirect = (f: Record<string, unknown>, port = 80) => simulateGatewayApi([gateway([http({ port })]), route('r', { ...parent, rules: [{ filters: [{ type: 'RequestRedirect', requestRedirect: f }] }] })], at('/a?b=1', { port }));
    assert.deepEqual(redirect({ scheme: 'https' }).redirect, { status: 302, location: 'https://shop.example.com/a?b=1' });
    assert.deepEqual(redirect({ hostname: 'x.org', statusCode: 301 }, 8080).redirect, { status: 301, location: 'http://x.org:8080/a?b=1' });
    assert.deepEqual(redirect({ port: 8443, scheme: 'https', path: { type: 'ReplaceFullPath', replaceFullPath: '/z' } }).redirect, { status: 302, location: 'https://shop.example.com:8443/z?b=1' });
  });

  it('mirrors a percentage (percent, fraction, 100 by default)', () => {
    const mirror = (m: Record<string, unknown>) => simulateGatewayApi([gateway([http()]), service('a'), service('m'), route('r', { ...parent, rules: [{ filters: [{ type: 'RequestMirror', requestMirror: { backendRef: to('m'), ...m } }], backendRefs: [to('a')] }] })], at('/')).mirrors.map((x) => [x.name, x.percent]);
    assert.deepEqual(mirror({}), [['m', 100]]);
    assert.deepEqual(mirror({ percent: 10 }), [['m', 10]]);
    assert.deepEqual(mirror({ fraction: { numerator: 1, denominator: 4 } }), [['m', 25]]);
  });
});

describe('Gateway API model: the mesh (GEP-1426 GAMMA)', () => {
  const svcParent = (name: string, namespace?: string) => ({ parentRefs: [{ group: '', kind: 'Service', name, ...(namespace ? { namespace } : {}), port: 9080 }] });
  const objects = [
    service('reviews', 'bookinfo', [9080]),
    service('reviews-dev', 'bookinfo', [9080]),
    route('reviews', { ...svcParent('reviews'), rules: [{ matches: [{ headers: [{ name: 'x-lane', value: 'dev' }] }], backendRefs: [{ name: 'reviews-dev', port: 9080 }] }, { backendRefs: [{ name: 'reviews', port: 9080 }] }] }, 'bookinfo'),
  ];
  const mesh = (extra: Partial<Request> = {}): Request => ({ via: 'mesh', authority: 'reviews', sourceNamespace: 'bookinfo', ...extra });

  it('routes by the routes attached to the Service, resolving short names in the caller\'s namespace', () => {
    assert.deepEqual(names(objects, mesh({ headers: { 'x-lane': 'dev' } })), ['bookinfo/reviews-dev:100']);
    assert.deepEqual(names(objects, mesh()), ['bookinfo/reviews:100']);
    assert.deepEqual(names(objects, mesh({ authority: 'reviews.bookinfo.svc.cluster.local', sourceNamespace: 'other' })), ['bookinfo/reviews:100']);
  });

  it('leaves a Service without routes (or a port they do not name) to the mesh\'s default', () => {
    const hop = simulateGatewayApi(objects, mesh({ authority: 'reviews-dev' }));
    assert.deepEqual([hop.status, hop.backends.map((b) => b.name)], ['routed', ['reviews-dev']]);
    assert.match(hop.notes.join(), /no HTTPRoute is attached to Service bookinfo\/reviews-dev: the mesh sends the request to the Service itself/);
    assert.equal(simulateGatewayApi(objects, mesh({ port: 80 })).backends[0]!.name, 'reviews');
  });

  it('takes the port the routes name for a Service the input does not hold (graylane\'s output)', () => {
    const emitted = [route('reviews', { ...svcParent('reviews'), rules: [{ backendRefs: [{ name: 'reviews-dev', port: 9080 }] }] }, 'bookinfo')];
    const hop = simulateGatewayApi(emitted, mesh());
    assert.deepEqual([hop.port, hop.route, hop.backends.map((b) => [b.name, b.assumed])], [9080, 'bookinfo/reviews', [['reviews-dev', true]]]);
  });

  it('rejects with 404 what no attached route matches', () => {
    const strict = [service('reviews', 'bookinfo', [9080]), route('r', { ...svcParent('reviews'), rules: [{ matches: [{ path: { type: 'Exact', value: '/only' } }], backendRefs: [{ name: 'reviews', port: 9080 }] }] }, 'bookinfo')];
    assert.deepEqual([simulateGatewayApi(strict, mesh()).status, simulateGatewayApi(strict, mesh()).httpStatus], ['not-found', 404]);
  });

  it('applies a consumer route only to callers in its namespace, instead of the producer\'s', () => {
    const consumer = route('fast', { ...svcParent('reviews', 'bookinfo'), rules: [{ backendRefs: [{ name: 'reviews-dev', namespace: 'bookinfo', port: 9080 }] }] }, 'clients');
    const grant: KubeObject = { apiVersion: 'gateway.networking.k8s.io/v1beta1', kind: 'ReferenceGrant', metadata: { name: 'g', namespace: 'bookinfo' }, spec: { from: [{ group: 'gateway.networking.k8s.io', kind: 'HTTPRoute', namespace: 'clients' }], to: [{ group: '', kind: 'Service' }] } };
    const all = [...objects, consumer, grant];
    assert.deepEqual(names(all, mesh({ authority: 'reviews.bookinfo', sourceNamespace: 'clients' })), ['bookinfo/reviews-dev:100']);
    assert.deepEqual(names(all, mesh()), ['bookinfo/reviews:100']);
  });
});

describe('Gateway API model: properties over generated routes', () => {
  const paths = ['/', '/a', '/a/b', '/ab', '/a/'];
  const matchArb = fc.record(
    {
      path: fc.record({ type: fc.constantFrom('Exact', 'PathPrefix', 'RegularExpression'), value: fc.constantFrom(...paths) }),
      method: fc.constantFrom('GET', 'POST'),
      headers: fc.array(fc.record({ name: fc.constantFrom('x-a', 'X-B'), value: fc.constantFrom('1', '2') }), { maxLength: 2 }),
      queryParams: fc.array(fc.record({ name: fc.constantFrom('q', 'Q'), value: fc.constantFrom('1', '2') }), { maxLength: 2 }),
    },
    { requiredKeys: [] },
  );
  const ruleArb = fc.record({
    matches: fc.array(matchArb, { maxLength: 3 }),
    backendRefs: fc.array(fc.record({ name: fc.constantFrom('a', 'b', 'c'), port: fc.constant(8080), weight: fc.integer({ min: 0, max: 5 }) }), { minLength: 1, maxLength: 3 }),
  });
  const routesArb = fc.uniqueArray(fc.record({ name: fc.constantFrom('r1', 'r2', 'r3', 'r4'), hostnames: fc.constantFrom([], ['shop.example.com'], ['*.example.com']), rules: fc.array(ruleArb, { minLength: 1, maxLength: 3 }) }), { selector: (r) => r.name, maxLength: 4 });
  const requestArb = fc.record({
    path: fc.constantFrom('/', '/a', '/a/b', '/ab', '/a/b/c', '/b?q=1', '/a?Q=2&q=1'),
    method: fc.constantFrom('GET', 'POST'),
    headers: fc.dictionary(fc.constantFrom('x-a', 'x-b'), fc.constantFrom('1', '2'), { maxKeys: 2 }),
  });

  it('answers the same whatever order the objects come in, with weights summing to 100', () => {
    fc.assert(
      fc.property(routesArb, requestArb, fc.integer({ min: 0, max: 1000 }), (routes, req, seed) => {
        const objects = [gateway([http()]), service('a'), service('b'), service('c'), ...routes.map((r) => route(r.name, { ...parent, hostnames: r.hostnames, rules: r.rules }))];
        const shuffled = [...objects].sort((x, y) => ((JSON.stringify(x).length * 31 + seed) % 7) - ((JSON.stringify(y).length * 31 + seed) % 7));
        const request = at(req.path, { method: req.method, headers: req.headers });
        const one = simulateGatewayApi(objects, request);
        const two = simulateGatewayApi(shuffled, request);
        assert.deepEqual([two.status, two.route, two.ruleIndex, two.matchIndex, two.backends.map((b) => [b.name, b.weight])], [one.status, one.route, one.ruleIndex, one.matchIndex, one.backends.map((b) => [b.name, b.weight])]);
        if (one.status === 'routed') assert.ok(Math.abs(one.backends.reduce((s, b) => s + b.weight, 0) - 100) < 1e-9);
        if (one.status === 'not-found') assert.equal(one.httpStatus, 404);
      }),
      { numRuns: 300 },
    );
  });
});
