/** The Traefik simulator itself: rule grammar, priorities, middlewares and nested weighted services. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { simulateTraefik } from '../compiler/simulate/traefik';
import { evaluateRule, parseRule } from '../compiler/simulate/traefik-rule';
import type { KubeObject } from '../compiler/simulate/istio';

const obj = (kind: string, name: string, spec: unknown): KubeObject => ({ apiVersion: 'traefik.io/v1alpha1', kind, metadata: { name, namespace: 'ns' }, spec });

describe('Traefik rule grammar', () => {
  const r = { host: 'a.example.com', path: '/api/v1', headers: { 'X-Env': 'blue' }, query: { q: 'x1' } };
  for (const [rule, expected] of [
    ['Host(`a.example.com`) && PathPrefix(`/api`)', true],
    ['Host(`b.example.com`) || Header(`x-env`, `blue`)', true],
    ['!Header(`x-env`, `blue`)', false],
    ['Host(`a.example.com`) && (Header(`x-env`, `green`) || Query(`q`, `x1`))', true],
    ['Host(`a.example.com`) && !(Header(`x-env`, `green`) || Query(`q`, `x2`))', true],
    ['HeaderRegexp(`x-env`, `lu`)', true],
    ['HeaderRegexp(`x-env`, `^(?:lu)$`)', false],
    ['QueryRegexp(`q`, `^x[0-9]$`)', true],
  ] as const) {
    it(`${rule} → ${expected}`, () => assert.equal(evaluateRule(parseRule(rule), r), expected));
  }
  it('reads v2 matcher names in v2 syntax only', () => {
    assert.equal(evaluateRule(parseRule('Headers(`X-Env`, `blue`) && Query(`q=x1`)', 'v2'), r), true);
    assert.throws(() => parseRule('Headers(`X-Env`, `blue`)'), /unknown matcher Headers in Traefik v3 syntax/);
  });
  it('rejects an unknown matcher and an unbalanced rule', () => {
    assert.throws(() => parseRule('Hots(`a`)'), /unknown matcher Hots/);
    assert.throws(() => parseRule('(Host(`a`)'), /expected \)/);
  });
});

describe('Traefik routing', () => {
  it('picks the highest priority, and without priorities the longest rule, not file order', () => {
    const short = { match: 'Host(`a`)', services: [{ name: 'short', port: 80 }] };
    const long = { match: 'Host(`a`) && Header(`x`, `1`)', services: [{ name: 'long', port: 80 }] };
    const byLength = simulateTraefik([obj('IngressRoute', 'r', { routes: [short, long] })], { host: 'a', headers: { x: '1' } });
    assert.equal(byLength.backends[0]!.service, 'long');
    const byPriority = simulateTraefik([obj('IngressRoute', 'r', { routes: [{ ...short, priority: 10 }, { ...long, priority: 5 }] })], { host: 'a', headers: { x: '1' } });
    assert.equal(byPriority.backends[0]!.service, 'short');
  });

  it('runs headers middlewares in order: an empty value removes, a value sets', () => {
    const objects = [
      obj('Middleware', 'strip', { headers: { customRequestHeaders: { 'x-lane': '' } } }),
      obj('Middleware', 'tag', { headers: { customRequestHeaders: { 'x-lane': 'gray' } } }),
      obj('IngressRoute', 'r', { routes: [{ match: 'Host(`a`)', middlewares: [{ name: 'strip' }], services: [{ name: 's', port: 80 }] }, { match: 'Host(`a`) && Header(`t`, `1`)', middlewares: [{ name: 'strip' }, { name: 'tag' }], services: [{ name: 's', port: 80 }] }] }),
    ];
    assert.equal(simulateTraefik(objects, { host: 'a', headers: { 'x-lane': 'evil' } }).headers['x-lane'], undefined);
    assert.equal(simulateTraefik(objects, { host: 'a', headers: { 'x-lane': 'evil', t: '1' } }).headers['x-lane'], 'gray');
  });

  it('multiplies nested weighted TraefikService shares', () => {
    const objects = [
      obj('TraefikService', 'outer', { weighted: { services: [{ name: 'inner', kind: 'TraefikService', weight: 3 }, { name: 'c', port: 80, weight: 1 }] } }),
      obj('TraefikService', 'inner', { weighted: { services: [{ name: 'a', port: 80, weight: 1 }, { name: 'b', port: 80, weight: 1 }] } }),
      obj('IngressRoute', 'r', { routes: [{ match: 'Host(`a`)', services: [{ name: 'outer', kind: 'TraefikService' }] }] }),
    ];
    const hop = simulateTraefik(objects, { host: 'a' });
    assert.deepEqual(hop.backends.map((b) => [b.service, b.weight]), [['a', 37.5], ['b', 37.5], ['c', 25]]);
  });

  it('does not serve a router whose Middleware is missing: the request falls to 404 (router.go buildEntryPointHandler)', () => {
    const objects = [obj('IngressRoute', 'r', { routes: [{ match: 'Host(`a`)', middlewares: [{ name: 'nope' }], services: [{ name: 'c', port: 80 }] }] })];
    const hop = simulateTraefik(objects, { host: 'a' });
    assert.equal(hop.status, 'no-route');
    assert.deepEqual(hop.notes, ['router ns/r#0 would match, but Traefik does not serve it: Middleware ns/nope does not exist', 'no router takes this request: Traefik answers 404']);
  });
});
