/**
 * EXPECTED.md, bookinfo-gateway: bookinfo's own gateway routes, through the Istio gateway and through Traefik,
 * and side by side with upstream's samples/bookinfo/networking/bookinfo-gateway.yaml (test/fixtures/upstream/istio/bookinfo).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parseAllDocuments } from 'yaml';
import type { Manifest } from '../compiler';
import { compileExample, manifestsOf, ROOT } from './support/examples';
import { describeRouted, routeRequest, type Entrance } from './support/route-request';

const result = compileExample('bookinfo-gateway.release.yaml');
const HOST = 'bookinfo.example.com';
const PRODUCTPAGE = ['100% productpage.bookinfo.svc.cluster.local'];
const TARGETS: [string, Entrance][] = [
  ['istio', { gateway: 'bookinfo/bookinfo-gateway' }],
  ['traefik', { entryPoint: 'web' }],
];
const ROUTED = ['/productpage', '/static', '/static/', '/static/bootstrap/css/bootstrap.min.css', '/login', '/logout', '/api/v1/products', '/api/v1/products/0/reviews'];
const NOT_ROUTED = ['/', '/productpage/x', '/staticfoo', '/login/x', '/logoutx', '/api/v1/productsx', '/api/v1', '/reviews'];

describe('bookinfo-gateway', () => {
  it('compiles without diagnostics', () => {
    assert.deepEqual(result.diagnostics, []);
  });

  for (const [target, entrance] of TARGETS) {
    const objects = manifestsOf(result, target);
    it(`${target}: sends the five bookinfo paths to productpage`, () => {
      for (const path of ROUTED) assert.deepEqual(describeRouted(routeRequest(objects, entrance, { host: HOST, path })), PRODUCTPAGE, path);
    });
    it(`${target}: gives every other path no route, a prefix only whole segments`, () => {
      for (const path of NOT_ROUTED) assert.deepEqual(describeRouted(routeRequest(objects, entrance, { host: HOST, path })), ['no route'], path);
    });
  }

  it('routes as upstream bookinfo-gateway.yaml, except where upstream\'s string prefix takes a longer segment', () => {
    const upstream = parseAllDocuments(readFileSync(join(ROOT, 'test/fixtures/upstream/istio/bookinfo/bookinfo-gateway.yaml'), 'utf8'))
      .map((d) => d.toJS() as Manifest)
      .map((m) => ({ ...m, metadata: { ...m.metadata, namespace: 'bookinfo' } }));
    const ours = manifestsOf(result, 'istio');
    const where = (objects: readonly Manifest[], path: string) =>
      routeRequest(objects, { gateway: 'bookinfo/bookinfo-gateway' }, { host: HOST, path }).destinations.map((d) => d.host.split('.')[0]);
    // Upstream names the short host "productpage", which Istio qualifies in the VirtualService's namespace.
    const differs = [...ROUTED, ...NOT_ROUTED].filter((path) => JSON.stringify(where(upstream, path)) !== JSON.stringify(where(ours, path)));
    assert.deepEqual(differs, ['/staticfoo', '/api/v1/productsx']);
    assert.deepEqual(where(upstream, '/staticfoo'), ['productpage']);
  });
});
