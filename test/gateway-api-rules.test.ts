/**
 * The Gateway API check rules beyond the policy pack's one case each: every limit of the HTTPRoute CRD
 * (apis/v1/httproute_types.go), backendRefs and mirrors that do not resolve, graylane's own output, and the
 * VirtualService / HTTPRoute overlap in the mesh.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KubeObject } from '../compiler/model/object-set';
import { gatewayApiBackendResolves } from '../compiler/rules/checks/gateway-api-backend-resolves';
import { gatewayApiIstioHostConflict } from '../compiler/rules/checks/gateway-api-istio-host-conflict';
import { gatewayApiRouteLimits } from '../compiler/rules/checks/gateway-api-route-limits';
import { runRules } from '../compiler/rules/run';
import { runCli } from '../scripts/run-cli';

const G = 'gateway.networking.k8s.io/v1';
const route = (spec: Record<string, unknown>, name = 'r', namespace = 'shop'): KubeObject => ({ apiVersion: G, kind: 'HTTPRoute', metadata: { name, namespace }, spec });
const service = (name: string, namespace = 'shop', labels: Record<string, string> = {}): KubeObject => ({ apiVersion: 'v1', kind: 'Service', metadata: { name, namespace, labels }, spec: { ports: [{ port: 80 }] } });
const n = <T>(count: number, f: (i: number) => T): T[] => Array.from({ length: count }, (_, i) => f(i));
const ctx = { environment: 'dev', config: {} };
const limits = (spec: Record<string, unknown>) => gatewayApiRouteLimits.check(route(spec), ctx);
const resolves = (objects: KubeObject[]) => gatewayApiBackendResolves.check(objects, ctx).map((f) => f.message);

describe('gateway-api-route-limits', () => {
  const rule = (matches: number, extra: Record<string, unknown> = {}) => ({ matches: n(matches, (i) => ({ path: { type: 'Exact', value: `/${i}` } })), backendRefs: [{ name: 'a', port: 80 }], ...extra });

  it('accepts a route at every limit', () => {
    assert.deepEqual(limits({ parentRefs: n(32, (i) => ({ name: `g${i}` })), hostnames: n(16, (i) => `h${i}.example.com`), rules: [...n(2, () => rule(64)), ...n(14, () => rule(0))] }), []);
  });

  it('names each limit crossed, with the count', () => {
    assert.deepEqual(limits({ parentRefs: n(33, (i) => ({ name: `g${i}` })), hostnames: n(17, (i) => `h${i}.example.com`) }), [
      'HTTPRoute shop/r has 33 parentRefs; the HTTPRoute CRD allows at most 32.',
      'HTTPRoute shop/r has 17 hostnames; the HTTPRoute CRD allows at most 16.',
    ]);
    assert.deepEqual(limits({ rules: [rule(65, { filters: n(17, () => ({ type: 'RequestHeaderModifier' })), backendRefs: n(17, (i) => ({ name: `b${i}`, port: 80, filters: i === 0 ? n(17, () => ({})) : [] })) })] }), [
      'HTTPRoute shop/r has 65 matches in rule #0; the HTTPRoute CRD allows at most 64.',
      'HTTPRoute shop/r has 17 filters in rule #0; the HTTPRoute CRD allows at most 16.',
      'HTTPRoute shop/r has 17 backendRefs in rule #0; the HTTPRoute CRD allows at most 16.',
      'HTTPRoute shop/r has 17 filters on rule #0 backendRef #0; the HTTPRoute CRD allows at most 16.',
    ]);
    assert.deepEqual(limits({ rules: [{ matches: [{ headers: n(17, (i) => ({ name: `h${i}`, value: 'v' })), queryParams: n(17, (i) => ({ name: `q${i}`, value: 'v' })) }] }] }), [
      'HTTPRoute shop/r has 17 headers in rule #0 match #0; the HTTPRoute CRD allows at most 16.',
      'HTTPRoute shop/r has 17 queryParams in rule #0 match #0; the HTTPRoute CRD allows at most 16.',
    ]);
  });

  it('counts matches across rules against the CEL rule (at most 128 in one route)', () => {
    assert.deepEqual(limits({ rules: [rule(64), rule(64)] }), []);
    assert.deepEqual(limits({ rules: [rule(64), rule(64), rule(1)] }), ['HTTPRoute shop/r has 129 matches across its rules; the HTTPRoute CRD\'s CEL rule allows at most 128 in one route.']);
  });
});

describe('gateway-api-backend-resolves', () => {
  const to = (name: string, extra: Record<string, unknown> = {}) => ({ name, port: 80, ...extra });

  it('reports a missing Service, a missing port, another kind and a mirror that does not resolve', () => {
    const objects = [
      service('web'),
      route({ rules: [{ name: 'main', filters: [{ type: 'RequestMirror', requestMirror: { backendRef: { name: 'shadow', port: 80 } } }], backendRefs: [to('web'), to('gone'), { name: 'web' }, to('bucket', { group: 'storage.example.com', kind: 'Bucket' })] }] }),
    ];
    assert.deepEqual(resolves(objects), [
      'HTTPRoute shop/r rule main: Service shop/gone is not in the input (BackendNotFound); its share of requests gets 500.',
      'HTTPRoute shop/r rule main: backendRef to Service shop/web has no port, which a Service reference requires; its share of requests gets 500.',
      'HTTPRoute shop/r rule main: backendRef kind storage.example.com/Bucket is not a Service (InvalidKind; the model reads Services only); its share of requests gets 500.',
      'HTTPRoute shop/r rule main mirror: Service shop/shadow is not in the input (BackendNotFound); the rule is not served as written.',
    ]);
  });

  it('needs no ReferenceGrant for the Services of a Service parent\'s namespace (GEP-1426), one elsewhere', () => {
    const backends = { rules: [{ backendRefs: [to('web', { namespace: 'other' })] }] };
    const consumer = route({ parentRefs: [{ group: '', kind: 'Service', name: 'web', namespace: 'other', port: 80 }], ...backends });
    const producer = route({ parentRefs: [{ group: '', kind: 'Service', name: 'api', port: 80 }], ...backends });
    const mixed = route({ parentRefs: [{ group: '', kind: 'Service', name: 'web', namespace: 'other', port: 80 }, { name: 'gw' }], ...backends });
    assert.deepEqual(resolves([service('web', 'other'), service('api'), consumer]), []);
    const refused = 'HTTPRoute shop/r rule #0: backendRef to Service other/web from HTTPRoute shop/r in another namespace has no ReferenceGrant in other allowing it (RefNotPermitted); its share of requests gets 500.';
    assert.deepEqual(resolves([service('web', 'other'), service('api'), producer]), [refused.replace('(RefNotPermitted)', '(RefNotPermitted; Istio accepts it for mesh routes, other meshes do not)')]);
    assert.deepEqual(resolves([service('web', 'other'), mixed]), [refused]);
  });

  it('does not judge graylane\'s output by the application Services it never holds', () => {
    const emitted = [service('web-gray', 'shop', { 'app.kubernetes.io/managed-by': 'graylane' }), route({ rules: [{ backendRefs: [to('web', { weight: 90 }), to('web-gray', { weight: 10 })] }] })];
    assert.deepEqual(resolves(emitted), []);
    assert.deepEqual(resolves([...emitted, service('other')]), ['HTTPRoute shop/r rule #0: Service shop/web is not in the input (BackendNotFound); its share of requests gets 500.']);
  });

  it('runs clean over the hand-written Gateway API fixture, through graylane check', async () => {
    const r = await runCli(['check', 'test/fixtures/gateway-api'], process.cwd());
    assert.equal(r.status, 0, r.stdout + r.stderr);
    assert.equal(r.stdout, 'no findings (environment dev)\n');
  });
});

describe('gateway-api-istio-host-conflict', () => {
  const vs = (hosts: string[], gateways?: string[], namespace = 'shop'): KubeObject => ({ apiVersion: 'networking.istio.io/v1', kind: 'VirtualService', metadata: { name: 'vs', namespace }, spec: { hosts, ...(gateways ? { gateways } : {}), http: [{ route: [{ destination: { host: hosts[0] } }] }] } });
  const gamma = route({ parentRefs: [{ group: '', kind: 'Service', name: 'web', port: 80 }], rules: [{ backendRefs: [{ name: 'web', port: 80 }] }] }, 'web-mesh');
  const conflicts = (objects: KubeObject[]) => gatewayApiIstioHostConflict.check(objects, ctx).map((f) => f.message);

  it('finds a mesh VirtualService for a Service that GAMMA routes, by any spelling of the host', () => {
    const message = 'HTTPRoute shop/web-mesh routes Service shop/web in the mesh, which VirtualService other/vs also routes (host web.shop.svc.cluster.local); Istio uses one of them, undefined which: route a service with one API.';
    assert.deepEqual(conflicts([service('web'), gamma, vs(['web.shop.svc.cluster.local'], undefined, 'other')]), [message]);
    assert.deepEqual(conflicts([service('web'), gamma, vs(['web.shop.svc.cluster.local'], ['mesh', 'istio-system/public'], 'other')]), [message]);
  });

  it('leaves gateway-bound VirtualServices and other hosts alone', () => {
    assert.deepEqual(conflicts([service('web'), gamma, vs(['web'], ['istio-system/public'])]), []);
    assert.deepEqual(conflicts([service('web'), gamma, vs(['api'])]), []);
  });

  it('is found by the runner over a mixed object set', () => {
    const findings = runRules([service('web'), gamma, vs(['web'])]).filter((f) => f.rule.startsWith('gateway-api-'));
    assert.deepEqual(findings.map((f) => f.rule), ['gateway-api-istio-host-conflict']);
  });
});
