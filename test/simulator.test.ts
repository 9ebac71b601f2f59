/** The route simulator itself, on hand-written Istio objects: it must evaluate them the way Envoy does. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { simulateIstio, type KubeObject } from '../compiler/simulate/istio';

const vs = (spec: Record<string, unknown>, name = 'vs', namespace = 'app'): KubeObject => ({
  apiVersion: 'networking.istio.io/v1',
  kind: 'VirtualService',
  metadata: { name, namespace },
  spec,
});
const dr = (host: string, subsets: Record<string, Record<string, string>>, name = `dr-${host}`): KubeObject => ({
  apiVersion: 'networking.istio.io/v1',
  kind: 'DestinationRule',
  metadata: { name, namespace: 'app' },
  spec: { host, subsets: Object.entries(subsets).map(([n, labels]) => ({ name: n, labels })) },
});
const to = (subset: string, extra: Record<string, unknown> = {}) => ({ destination: { host: 'api', subset }, ...extra });
const HOST = 'api.app.svc.cluster.local';
const subsets = dr('api', { a: { v: 'a' }, b: { v: 'b' }, c: { v: 'c' } });
const mesh = (headers: Record<string, string> = {}, query: Record<string, string> = {}) => ({ gateway: 'mesh', host: HOST, headers, query });

describe('route simulator', () => {
  it('takes the first route that matches, not the most specific one', () => {
    const objects = [
      subsets,
      vs({ hosts: ['api'], http: [{ name: 'broad', match: [{ headers: { x: { prefix: '' } } }], route: [to('a')] }, { name: 'narrow', match: [{ headers: { x: { exact: '1' } } }], route: [to('b')] }] }),
    ];
    assert.equal(simulateIstio(objects, mesh({ x: '1' })).route, 'broad');
  });

  it('ANDs the conditions of one match block and ORs the blocks', () => {
    const objects = [
      subsets,
      vs({
        hosts: ['api'],
        http: [
          { name: 'both', match: [{ headers: { x: { exact: '1' }, y: { exact: '2' } } }, { queryParams: { q: { exact: 'z' } } }], route: [to('a')] },
          { name: 'rest', route: [to('b')] },
        ],
      }),
    ];
    assert.equal(simulateIstio(objects, mesh({ x: '1' })).route, 'rest');
    assert.equal(simulateIstio(objects, mesh({ x: '1', y: '2' })).route, 'both');
    const byQuery = simulateIstio(objects, mesh({}, { q: 'z' }));
    assert.deepEqual([byQuery.route, byQuery.matchIndex], ['both', 1]);
  });

  it('matches regexes against the whole value (RE2 full match), and header names case-insensitively', () => {
    const objects = [subsets, vs({ hosts: ['api'], http: [{ name: 'v1', match: [{ headers: { 'X-Ver': { regex: 'v1' } } }], route: [to('a')] }, { name: 'rest', route: [to('b')] }] })];
    assert.equal(simulateIstio(objects, mesh({ 'x-ver': 'v1' })).route, 'v1');
    assert.equal(simulateIstio(objects, mesh({ 'x-ver': 'v10' })).route, 'rest');
  });

  it('splits by weight and applies destination header operations before the route\'s', () => {
    const objects = [
      subsets,
      vs({
        hosts: ['api'],
        http: [
          {
            name: 'split',
            headers: { request: { remove: ['x-lane'] } },
            route: [to('a', { weight: 70, headers: { request: { set: { 'x-lane': 'a' } } } }), to('b', { weight: 30 })],
          },
        ],
      }),
    ];
    const hop = simulateIstio(objects, mesh({ 'x-lane': 'client' }));
    // The route-level remove runs after the destination's set, and erases it: the trap graylane avoids.
    assert.deepEqual(hop.destinations.map((d) => [d.weight, d.labels, d.headers['x-lane']]), [
      [70, { v: 'a' }, undefined],
      [30, { v: 'b' }, undefined],
    ]);
  });

  it('reports a subset that no DestinationRule defines (503 NC) and merges DestinationRules of one host', () => {
    const objects = [dr('api', { a: { v: 'a' } }, 'first'), dr('api.app.svc.cluster.local', { b: { v: 'b' }, a: { v: 'other' } }, 'second'), vs({ hosts: ['api'], http: [{ route: [to('a', { weight: 50 }), to('b', { weight: 25 }), to('c', { weight: 25 })] }] })];
    const [a, b, c] = simulateIstio(objects, mesh()).destinations;
    assert.deepEqual(a!.labels, { v: 'a' }, 'the first DestinationRule wins a subset name');
    assert.deepEqual(b!.labels, { v: 'b' });
    assert.match(c!.problem!, /no DestinationRule visible in namespace default defines subset "c" for host api\.app\.svc\.cluster\.local \(Envoy answers 503 NC\)/);
  });

  it('uses only VirtualServices bound to the request\'s gateway, and passes through when none applies', () => {
    const objects = [subsets, vs({ hosts: ['shop.example.com'], gateways: ['istio-system/gw'], http: [{ route: [to('a')] }] })];
    assert.equal(simulateIstio(objects, { gateway: 'istio-system/gw', host: 'shop.example.com' }).status, 'routed');
    assert.equal(simulateIstio(objects, { gateway: 'mesh', host: 'shop.example.com' }).status, 'passthrough');
    // A gateway with no VirtualService for the host has no virtual host for it: Envoy answers 404 (gateway.go).
    assert.equal(simulateIstio(objects, { gateway: 'istio-system/other', host: 'shop.example.com' }).status, 'not-found');
  });

  it('answers no-route when no route matches', () => {
    const objects = [subsets, vs({ hosts: ['api'], http: [{ match: [{ headers: { x: { exact: '1' } } }], route: [to('a')] }] })];
    const hop = simulateIstio(objects, mesh());
    assert.deepEqual([hop.status, hop.destinations.length], ['no-route', 0]);
  });

  it('resolves ServiceEntry hosts to their endpoints, filtered by subset labels', () => {
    const objects: KubeObject[] = [
      { kind: 'ServiceEntry', metadata: { name: 'mock', namespace: 'app' }, spec: { hosts: ['mock.internal'], ports: [{ number: 80, name: 'http', protocol: 'HTTP' }], resolution: 'STATIC', endpoints: [{ address: '10.0.0.1', labels: { lane: 'x' } }, { address: '10.0.0.2', labels: { lane: 'y' } }] } },
      { kind: 'DestinationRule', metadata: { name: 'mock', namespace: 'app' }, spec: { host: 'mock.internal', subsets: [{ name: 'y', labels: { lane: 'y' } }] } },
      vs({ hosts: ['api'], http: [{ route: [{ destination: { host: 'mock.internal', subset: 'y' } }] }] }),
    ];
    assert.deepEqual(simulateIstio(objects, mesh()).destinations[0]!.endpoints, [{ address: '10.0.0.2', port: 80 }]);
  });
  it('gives a host to its oldest VirtualService by creationTimestamp, then by name (istiod configCompareByCreationTime)', () => {
    const stamped = (name: string, at: string | undefined, subset: string) => {
      const o = vs({ hosts: ['api'], http: [{ name, route: [to(subset)] }] }, name);
      return at === undefined ? o : { ...o, metadata: { ...o.metadata, creationTimestamp: at } };
    };
    // Without timestamps (rendered YAML) the first name wins; with them, the older object, whatever its name.
    assert.equal(simulateIstio([subsets, stamped('b', undefined, 'b'), stamped('a', undefined, 'a')], mesh()).route, 'a');
    assert.equal(simulateIstio([subsets, stamped('a', '2026-06-02T10:00:00Z', 'a'), stamped('b', '2026-06-01T10:00:00Z', 'b')], mesh()).route, 'b');
    assert.equal(simulateIstio([subsets, stamped('a', '2026-06-02T10:00:00Z', 'a'), stamped('b', undefined, 'b')], mesh()).route, 'b');
  });

  it("qualifies a delegate's short destination hosts with the delegate's namespace, not the root's", () => {
    // istiod runs ResolveVirtualServiceShortnames on each delegate's own config before merging it into a root
    // (pilot/pkg/model/virtualservice_controller.go), so `reviews` in a delegate of namespace team is
    // reviews.team.svc.cluster.local whichever namespace the root is in.
    const objects = [
      vs({ hosts: ['api'], http: [{ name: 'root', delegate: { name: 'leaf', namespace: 'team' } }] }),
      vs({ http: [{ name: 'leaf-route', route: [{ destination: { host: 'reviews' } }], mirror: { host: 'shadow' } }] }, 'leaf', 'team'),
    ];
    const hop = simulateIstio(objects, mesh());
    assert.equal(hop.delegate?.ref, 'team/leaf');
    assert.deepEqual(hop.destinations.map((d) => d.host), ['reviews.team.svc.cluster.local']);
    assert.deepEqual(hop.mirrors?.map((m) => m.host), ['shadow.team.svc.cluster.local']);
  });
});
