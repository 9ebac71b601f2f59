/**
 * Sticky sessions on Istio (issue 12, part 4), the way Flagger keeps Istio sessions (fluxcd/flagger
 * pkg/router/istio.go session affinity): a Set-Cookie on each weighted destination, and cookie routes first.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compile, formatDiagnostic, type Manifest } from '../compiler';
import { simulateIstio } from '../compiler/simulate/istio';
import { BASE_SPEC, mutate } from './support/base-spec';

const STICKY = mutate('      - name: rollout\n', '      - name: rollout\n        sticky: { cookie: { name: shop-lane, secure: true, httpOnly: true, sameSite: lax, maxAge: 3600 } }\n');

function entry(text: string, step: number, targets: ('istio' | 'asm')[] = ['istio']): Manifest {
  const result = compile(text, { step, targets });
  assert.ok(result.ok, result.diagnostics.map(formatDiagnostic).join('\n'));
  return result.outputs[0]!.manifests.find((m) => m.metadata.name === 'shop-entry')!;
}

describe('sticky sessions on istio', () => {
  it('was byte-identical to the spec without sticky; now differs, with the cookie routes before the weighted route', () => {
    const plain = entry(BASE_SPEC, 1);
    const sticky = entry(STICKY, 1);
    assert.notDeepEqual(sticky, plain);
    assert.deepEqual((sticky.spec.http as { name: string }[]).map((r) => r.name), ['beta', 'rollout-sticky-base', 'rollout-sticky-gray', 'rollout']);
    const rollout = (sticky.spec.http as { route: { headers: unknown }[] }[])[3]!;
    assert.deepEqual(rollout.route.map((d) => d.headers), [
      { request: { remove: ['x-lane'] }, response: { add: { 'Set-Cookie': 'shop-lane=base; Path=/; Max-Age=3600; Secure; HttpOnly; SameSite=Lax' } } },
      { request: { set: { 'x-lane': 'gray' } }, response: { add: { 'Set-Cookie': 'shop-lane=gray; Path=/; Max-Age=3600; Secure; HttpOnly; SameSite=Lax' } } },
    ]);
    assert.deepEqual((sticky.spec.http as { match?: unknown }[])[2]!.match, [{ headers: { cookie: { regex: '(.*;\\s*)?shop-lane=gray(;.*)?' } } }]);
  });

  it('in the simulator the cookie route wins for a request with the cookie; without it the weighted route sets the cookie', () => {
    const result = compile(STICKY, { step: 1, targets: ['istio'] });
    assert.ok(result.ok);
    const objects = result.outputs[0]!.manifests;
    const at = (headers: Record<string, string>) => simulateIstio(objects, { gateway: 'istio-system/public', host: 'shop.example.com', headers });
    const pinned = at({ cookie: 'theme=dark; shop-lane=gray; other=1' });
    assert.equal(pinned.route, 'rollout-sticky-gray');
    // Lane gray runs cart only: web is its baseline copy, and the request carries lane gray on to cart.
    assert.deepEqual(pinned.destinations.map((d) => [d.weight, d.host, d.subset, d.headers['x-lane']]), [[100, 'web.shop.svc.cluster.local', 'base', 'gray']]);
    assert.equal(at({ cookie: 'shop-lane=base' }).route, 'rollout-sticky-base');
    assert.equal(at({ cookie: 'shop-lane=grayish' }).route, 'rollout', 'a lane name is matched whole');
    const fresh = at({});
    assert.equal(fresh.route, 'rollout');
    assert.deepEqual(fresh.destinations.map((d) => [d.weight, d.responseHeaders?.['set-cookie']]), [
      [50, 'shop-lane=base; Path=/; Max-Age=3600; Secure; HttpOnly; SameSite=Lax'],
      [50, 'shop-lane=gray; Path=/; Max-Age=3600; Secure; HttpOnly; SameSite=Lax'],
    ]);
  });

  it('a step with one lane has nothing to keep: no cookie routes, so old cookies stop pinning', () => {
    assert.deepEqual((entry(STICKY, 0).spec.http as { name: string }[]).map((r) => r.name), ['beta', 'rollout']);
  });

  it('ASM shares the entry routes, sticky ones included; the default cookie name is <release>-<rule>, maxAge 0 a session cookie', () => {
    const text = mutate('      - name: rollout\n', '      - name: rollout\n        sticky: { cookie: { maxAge: 0 } }\n');
    const http = entry(text, 1, ['asm']).spec.http as { name: string; route: { headers?: { response?: { add: Record<string, string> } } }[] }[];
    assert.deepEqual(http.map((r) => r.name), ['beta', 'rollout-sticky-base', 'rollout-sticky-gray', 'rollout']);
    assert.equal(http[3]!.route[1]!.headers!.response!.add['Set-Cookie'], 'shop-rollout=gray; Path=/');
  });

  it('GL402 where Istio cannot keep the session: a rule that already matches the Cookie header, a cookie name that is no token', () => {
    const cookieMatch = mutate('      - name: rollout\n', '      - name: rollout\n        match:\n          headers: { Cookie: { regex: ".*beta.*" } }\n        sticky: { cookie: { name: lane } }\n');
    const result = compile(cookieMatch, { step: 1 });
    assert.deepEqual(result.diagnostics.map((d) => [d.code, d.severity, d.path.join('.'), d.message]), [
      ['GL402', 'warning', 'spec.entry.rules.1.sticky', 'Target istio cannot keep rule "rollout" sticky: the rule already matches the Cookie header, and an Istio match holds one condition per header; the split is emitted without stickiness.'],
    ]);
    const badName = compile(mutate('      - name: rollout\n', '      - name: rollout\n        sticky: { cookie: { name: "my lane" } }\n'), { step: 1 });
    assert.deepEqual(badName.diagnostics.map((d) => [d.code, d.path.join('.')]), [['GL402', 'spec.entry.rules.1.sticky.cookie.name']]);
    assert.deepEqual((entry(mutate('      - name: rollout\n', '      - name: rollout\n        sticky: { cookie: { name: "my lane" } }\n'), 1).spec.http as { name: string }[]).map((r) => r.name), ['beta', 'rollout']);
  });
});
