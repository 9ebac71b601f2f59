/**
 * The entry as an ingress: releases without an entry, rules that fan out to several services (each with its
 * lanes, weights and lane header), path / method / port matches on every target, and Traefik TLS.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compile, type Manifest } from '../compiler';
import { istioCrds } from './support/istio-crds';
import { traefikCrds } from './support/traefik-crds';
import { describeRouted, routeRequest } from './support/route-request';

const HEAD = `apiVersion: graylane.dev/v1alpha1
kind: Release
metadata: { name: shop, namespace: shop }
spec:
  services:
    api: { port: 8080 }
    web: { port: 8080 }
  lanes:
    base: { baseline: true, selector: { version: v1 } }
    gray: { selector: { version: v2 } }
  trafficLabel: { header: x-lane }
`;

function objectsOf(text: string, target: string): Manifest[] {
  const result = compile(text);
  assert.deepEqual(result.diagnostics.filter((d) => d.severity === 'error'), []);
  return result.outputs.find((o) => o.target === target)!.manifests;
}

describe('a release without an entry', () => {
  const spec = `${HEAD}  targets: [istio, asm]\n  canary:\n    api: { base: 90, gray: 10 }\n`;

  it('renders the mesh objects only, with no warning', () => {
    const result = compile(spec);
    assert.deepEqual(result.diagnostics, []);
    const istio = result.outputs.find((o) => o.target === 'istio')!.manifests;
    assert.deepEqual(istio.map((m) => `${m.kind}/${m.metadata.name}`), [
      'DestinationRule/api-base',
      'DestinationRule/api-gray',
      'DestinationRule/web-base',
      'DestinationRule/web-gray',
      'VirtualService/api',
      'VirtualService/web',
    ]);
    assert.deepEqual(result.plan!.entry.rules, []);
  });

  it('routes its canary inside the mesh, and lanes by the lane header', () => {
    const objects = objectsOf(spec, 'istio');
    const mesh = (host: string, headers: Record<string, string> = {}) => describeRouted(routeRequest(objects, { mesh: true }, { host, headers }), 'x-lane');
    assert.deepEqual(mesh('api.shop.svc.cluster.local'), [
      '90% api.shop.svc.cluster.local/base x-lane=(none)',
      '10% api.shop.svc.cluster.local/gray x-lane=gray',
    ]);
    assert.deepEqual(mesh('api.shop.svc.cluster.local', { 'x-lane': 'gray' }), ['100% api.shop.svc.cluster.local/gray x-lane=gray']);
    assert.deepEqual(mesh('web.shop.svc.cluster.local'), ['100% web.shop.svc.cluster.local/base x-lane=(none)']);
  });

  it('says at the target that Traefik needs an entry', () => {
    const result = compile(`${HEAD}  targets: [traefik]\n`);
    assert.deepEqual(
      result.diagnostics.map((d) => [d.code, d.severity, `${d.position?.line}:${d.position?.column}`, d.path.join('.'), d.message, d.hint]),
      [['GL245', 'error', '12:13', 'spec.targets.0', 'Target traefik emits the entry (an IngressRoute), but the spec has no entry.', 'add entry: { hosts: [...], service: <name>, rules: [...] }, or remove target traefik']],
    );
  });
});

describe('one host, several services', () => {
  const entry = (targets: string, extra = '') => `${HEAD}  targets: [${targets}]
  entry:
    gateway: istio-system/public
    hosts: [shop.example.com]
    traefik: { entryPoints: [web]${extra} }
    rules:
      - name: api-beta
        service: api
        match: { path: { prefix: /api/ }, headers: { x-beta: { exact: "1" } } }
        lane: gray
      - name: api-writes
        service: api
        match: { path: { prefix: /api }, method: [POST, PUT] }
        weights: { base: 80, gray: 20 }
      - name: api
        service: api
        match: { path: { regex: "/api(?:/.*)?" } }
        lane: base
      - name: web-admin
        service: web
        match: { path: { exact: /admin }, port: 8443 }
        lane: gray
      - name: web
        service: web
        lane: base
`;

  it('istio: each rule reaches its own service, with its lanes and weights, the lane header set by the edge', () => {
    const objects = objectsOf(entry('istio'), 'istio');
    const at = (path: string, extra: { method?: string; port?: number; headers?: Record<string, string> } = {}) =>
      describeRouted(routeRequest(objects, { gateway: 'istio-system/public' }, { host: 'shop.example.com', path, ...extra }), 'x-lane');
    assert.deepEqual(at('/api/cart', { headers: { 'x-beta': '1' } }), ['100% api.shop.svc.cluster.local/gray x-lane=gray']);
    assert.deepEqual(at('/api', { method: 'POST' }), ['80% api.shop.svc.cluster.local/base x-lane=(none)', '20% api.shop.svc.cluster.local/gray x-lane=gray']);
    assert.deepEqual(at('/api/x', { method: 'PUT' }), ['80% api.shop.svc.cluster.local/base x-lane=(none)', '20% api.shop.svc.cluster.local/gray x-lane=gray']);
    assert.deepEqual(at('/api/x', { method: 'GET', headers: { 'x-lane': 'gray' } }), ['100% api.shop.svc.cluster.local/base x-lane=(none)']);
    assert.deepEqual(at('/apix', { method: 'POST' }), ['100% web.shop.svc.cluster.local/base x-lane=(none)']);
    assert.deepEqual(at('/admin', { port: 8443 }), ['100% web.shop.svc.cluster.local/gray x-lane=gray']);
    assert.deepEqual(at('/admin', { port: 80 }), ['100% web.shop.svc.cluster.local/base x-lane=(none)']);
    assert.deepEqual(at('/admin'), ['100% web.shop.svc.cluster.local/base x-lane=(none)']);
  });

  it('istio: methods become one full-match regex, ports a port, prefixes two match blocks', () => {
    const objects = objectsOf(entry('istio'), 'istio');
    const vs = objects.find((m) => m.metadata.name === 'shop-entry')!;
    const matches = (vs.spec.http as { name: string; match?: unknown[] }[]).map((r) => [r.name, r.match]);
    assert.deepEqual(matches, [
      ['api-beta', [{ uri: { exact: '/api' }, headers: { 'x-beta': { exact: '1' } } }, { uri: { prefix: '/api/' }, headers: { 'x-beta': { exact: '1' } } }]],
      ['api-writes', [{ uri: { exact: '/api' }, method: { regex: 'POST|PUT' } }, { uri: { prefix: '/api/' }, method: { regex: 'POST|PUT' } }]],
      ['api', [{ uri: { regex: '/api(?:/.*)?' } }]],
      ['web-admin', [{ uri: { exact: '/admin' }, port: 8443 }]],
      ['web', undefined],
    ]);
    assert.deepEqual(istioCrds().validate(vs), []);
  });

  it('istio: the entry service label is left off an entry of several services', () => {
    const vs = objectsOf(entry('istio'), 'istio').find((m) => m.metadata.name === 'shop-entry')!;
    assert.equal(vs.metadata.labels['graylane.dev/service'], undefined);
  });

  it('traefik: a port cannot be matched (GL404 at the rule), and weighted pod-label lanes stay GL404', () => {
    const result = compile(entry('istio, traefik'));
    assert.deepEqual(
      result.diagnostics.filter((d) => d.code === 'GL404').map((d) => [d.path.join('.'), d.message]),
      [
        ['spec.entry.rules.1', 'Rule "api-writes" splits requests by weight between pod-label lanes (base 80%, gray 20%); Traefik would have to set a different lane header per weighted share, which its middlewares cannot do.'],
        ['spec.entry.rules.3.match.port', 'Traefik rules cannot match on the port (rule "web-admin" asks for port 8443); a port is an entry point of Traefik\'s static configuration.'],
      ],
    );
  });

  const traefikEntry = (apiGroup: string) =>
    entry('istio, traefik', `, apiGroup: ${apiGroup}, tls: { certResolver: le, options: { name: modern, namespace: traefik }, domains: [{ main: shop.example.com, sans: [www.shop.example.com] }] }`)
      .replace('weights: { base: 80, gray: 20 }', 'lane: gray')
      .replace(', port: 8443', '');

  for (const [apiGroup, syntax] of [['traefik.io', 'v3'], ['traefik.containo.us', 'v2']] as const) {
    it(`traefik ${syntax}: paths, methods and services per rule route as on Istio`, () => {
      const objects = objectsOf(traefikEntry(apiGroup), 'traefik');
      const at = (path: string, extra: { method?: string; headers?: Record<string, string> } = {}) =>
        describeRouted(routeRequest(objects, { entryPoint: 'web' }, { host: 'shop.example.com', path, scheme: 'https', ...extra }), 'x-lane');
      assert.deepEqual(at('/api/cart', { headers: { 'x-beta': '1' } }), ['100% api.shop.svc.cluster.local x-lane=gray']);
      assert.deepEqual(at('/api', { method: 'POST' }), ['100% api.shop.svc.cluster.local x-lane=gray']);
      assert.deepEqual(at('/api/x', { method: 'PUT' }), ['100% api.shop.svc.cluster.local x-lane=gray']);
      assert.deepEqual(at('/api/x', { method: 'GET', headers: { 'x-lane': 'gray' } }), ['100% api.shop.svc.cluster.local x-lane=(none)']);
      assert.deepEqual(at('/apix', { method: 'POST' }), ['100% web.shop.svc.cluster.local x-lane=(none)']);
      assert.deepEqual(at('/admin'), ['100% web.shop.svc.cluster.local x-lane=gray']);
      assert.deepEqual(at('/admin/x'), ['100% web.shop.svc.cluster.local x-lane=(none)']);
    });

    it(`traefik ${syntax}: the IngressRoute carries tls as Traefik's CRD names it`, () => {
      const objects = objectsOf(traefikEntry(apiGroup), 'traefik');
      const route = objects.find((m) => m.kind === 'IngressRoute')!;
      assert.deepEqual(route.spec.tls, { certResolver: 'le', options: { name: 'modern', namespace: 'traefik' }, domains: [{ main: 'shop.example.com', sans: ['www.shop.example.com'] }] });
      assert.deepEqual(traefikCrds(syntax).validate(route), []);
    });
  }

  it('traefik v3 and v2 write the matchers each syntax defines', () => {
    const matchOf = (apiGroup: string) => (objectsOf(traefikEntry(apiGroup), 'traefik').find((m) => m.kind === 'IngressRoute')!.spec.routes as { match: string }[]).map((r) => r.match);
    assert.deepEqual(matchOf('traefik.io'), [
      'Host(`shop.example.com`) && (Path(`/api`) || PathPrefix(`/api/`)) && Header(`x-beta`, `1`)',
      'Host(`shop.example.com`) && (Path(`/api`) || PathPrefix(`/api/`)) && (Method(`POST`) || Method(`PUT`))',
      'Host(`shop.example.com`) && PathRegexp(`^(?:/api(?:/.*)?)$`)',
      'Host(`shop.example.com`) && Path(`/admin`)',
      'Host(`shop.example.com`)',
    ]);
    assert.deepEqual(matchOf('traefik.containo.us').slice(1, 3), [
      'Host(`shop.example.com`) && (Path(`/api`) || PathPrefix(`/api/`)) && Method(`POST`, `PUT`)',
      'Host(`shop.example.com`) && Path(`{path:(?:/api(?:/.*)?)}`)',
    ]);
  });
});

describe('an entry inside the mesh with several services', () => {
  const spec = `${HEAD}  targets: [istio]
  entry:
    gateway: mesh
    rules:
      - { name: api-beta, service: api, match: { headers: { x-beta: { exact: "1" } } }, lane: gray }
      - { name: web-post, service: web, match: { method: { exact: POST } }, lane: gray }
`;
  it('puts each service\'s rules into its own mesh VirtualService, after its lane routes', () => {
    const objects = objectsOf(spec, 'istio');
    const names = (host: string) => ((objects.find((m) => m.kind === 'VirtualService' && (m.spec.hosts as string[])[0] === host)!.spec.http) as { name: string }[]).map((r) => r.name);
    assert.deepEqual(names('api.shop.svc.cluster.local'), ['lane-base', 'lane-gray', 'api-beta', 'default']);
    assert.deepEqual(names('web.shop.svc.cluster.local'), ['lane-base', 'lane-gray', 'web-post', 'default']);
    const mesh = (host: string, extra: { method?: string; headers?: Record<string, string> }) => describeRouted(routeRequest(objects, { mesh: true }, { host, ...extra }), 'x-lane');
    assert.deepEqual(mesh('api.shop.svc.cluster.local', { headers: { 'x-beta': '1' } }), ['100% api.shop.svc.cluster.local/gray x-lane=gray']);
    assert.deepEqual(mesh('web.shop.svc.cluster.local', { headers: { 'x-beta': '1' } }), ['100% web.shop.svc.cluster.local/base x-lane=(none)']);
    assert.deepEqual(mesh('web.shop.svc.cluster.local', { method: 'POST' }), ['100% web.shop.svc.cluster.local/gray x-lane=gray']);
  });
});
