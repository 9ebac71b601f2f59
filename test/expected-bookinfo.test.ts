/** EXPECTED.md, bookinfo-lanes: the routing Envoy would do with the emitted Istio objects. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { simulateIstio, type SimulatedDestination } from '../compiler/simulate/istio';
import { compileExample, manifestsOf } from './support/examples';

const objects = manifestsOf(compileExample('bookinfo-lanes.release.yaml'));
const GATEWAY = 'istio-system/bookinfo-gateway';
const host = (service: string) => `${service}.bookinfo.svc.cluster.local`;

/** "v1", "v2", "{lane: dev-x}" or "endpoint 10.10.0.7:9080", as EXPECTED.md names destinations. */
function describeDestination(d: SimulatedDestination): string {
  assert.equal(d.problem, undefined, d.problem);
  if (d.endpoints) return d.endpoints.map((e) => `endpoint ${e.address}:${e.port}`).join(', ');
  assert.ok(d.labels, `destination ${d.host} names no subset, so it would reach every pod`);
  if (d.labels.version !== undefined && Object.keys(d.labels).length === 1) return d.labels.version;
  return `{${Object.entries(d.labels).map(([k, v]) => `${k}: ${v}`).join(', ')}}`;
}

function split(destinations: readonly SimulatedDestination[]): string {
  return destinations.map((d) => `${d.weight}% ${describeDestination(d)}`).join(' / ');
}

describe('bookinfo-lanes through the gateway', () => {
  const edge = (headers: Record<string, string>) =>
    simulateIstio(objects, { gateway: GATEWAY, host: 'bookinfo.example.com', headers });

  it('location: shenzhen goes to productpage v1 and carries x-lane: gray', () => {
    const hop = edge({ location: 'shenzhen' });
    assert.equal(split(hop.destinations), '100% v1');
    assert.equal(hop.destinations[0]!.headers['x-lane'], 'gray');
    assert.equal(hop.destinations[0]!.host, host('productpage'));
  });

  it('x-dev-lane: dev-x goes to productpage v1 and carries x-lane: dev-x', () => {
    const hop = edge({ 'x-dev-lane': 'dev-x' });
    assert.equal(split(hop.destinations), '100% v1');
    assert.equal(hop.destinations[0]!.headers['x-lane'], 'dev-x');
  });

  for (const [label, headers] of [
    ['a spoofed x-lane: dev-x', { 'x-lane': 'dev-x' }],
    ['no headers', {}],
  ] as const) {
    it(`${label} is split 90/10, the 90% without x-lane and the 10% with x-lane: gray`, () => {
      const hop = edge(headers);
      assert.equal(hop.route, 'canary');
      assert.equal(split(hop.destinations), '90% v1 / 10% v1');
      assert.equal(hop.destinations[0]!.headers['x-lane'], undefined);
      assert.equal(hop.destinations[1]!.headers['x-lane'], 'gray');
    });
  }

  it('never forwards the client\'s own x-lane value on any route', () => {
    for (const headers of [{ location: 'shenzhen' }, { 'x-dev-lane': 'dev-x' }, {}] as Record<string, string>[]) {
      const hop = edge({ ...headers, 'x-lane': 'spoofed' });
      for (const d of hop.destinations) assert.notEqual(d.headers['x-lane'], 'spoofed');
    }
  });
});

describe('bookinfo-lanes inside the mesh', () => {
  const EXPECTED: Record<string, Record<string, string>> = {
    '': { productpage: '100% v1', reviews: '100% v1', ratings: '80% v1 / 20% v2', details: '100% v1' },
    nolane: { productpage: '100% v1', reviews: '100% v1', ratings: '80% v1 / 20% v2', details: '100% v1' },
    gray: { productpage: '100% v1', reviews: '100% v2', ratings: '100% v2', details: '100% v1' },
    'dev-x': { productpage: '100% v1', reviews: '100% {lane: dev-x}', ratings: '100% v2', details: '100% v1' },
    mock: { productpage: '100% v1', reviews: '100% v1', ratings: '100% v1', details: '100% endpoint 10.10.0.7:9080' },
  };
  for (const [lane, row] of Object.entries(EXPECTED)) {
    for (const [service, expected] of Object.entries(row)) {
      it(`x-lane ${lane === '' ? 'absent' : `"${lane}"`} → ${service}: ${expected}`, () => {
        const hop = simulateIstio(objects, { gateway: 'mesh', host: host(service), headers: lane === '' ? {} : { 'x-lane': lane } });
        assert.equal(hop.status, 'routed');
        assert.equal(split(hop.destinations), expected);
      });
    }
  }

  it('keeps the lane header of a lane request (mock stays mock on ratings)', () => {
    const hop = simulateIstio(objects, { gateway: 'mesh', host: host('ratings'), headers: { 'x-lane': 'mock' } });
    assert.equal(hop.destinations[0]!.headers['x-lane'], 'mock');
  });
});
