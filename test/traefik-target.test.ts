/** Target traefik: modes, anti-spoofing, resilience, sticky splits, v2 syntax, upstream CRDs, diagnostics. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compile, formatDiagnostic, type Manifest } from '../compiler';
import { simulateTraefik } from '../compiler/simulate/traefik';
import { readExample } from './support/examples';
import { traefikCrds } from './support/traefik-crds';

const DEMO = readExample('coding-demo.release.yaml');
const BOOKINFO = readExample('bookinfo-lanes.release.yaml');

function traefik(text: string): Manifest[] {
  const result = compile(text, { targets: ['traefik'] });
  assert.ok(result.ok, result.diagnostics.map(formatDiagnostic).join('\n'));
  return result.outputs[0]!.manifests;
}

/** bookinfo without its weighted canary rule: every rule is expressible in tag mode. */
const BOOKINFO_TAGGED = BOOKINFO.replace('      - name: canary\n        weights: { base: 90, gray: 10 }\n', '');

describe('target traefik', () => {
  it('tag mode: label-selected lanes are reached through the entry Service with a lane-header Middleware', () => {
    const objects = traefik(BOOKINFO_TAGGED);
    const at = (headers: Record<string, string>) => simulateTraefik(objects, { host: 'bookinfo.example.com', headers });
    const shenzhen = at({ location: 'shenzhen', 'x-lane': 'spoofed' });
    assert.deepEqual(shenzhen.backends.map((b) => `${b.weight}% ${b.service}:${b.port}`), ['100% productpage:9080']);
    assert.equal(shenzhen.headers['x-lane'], 'gray');
    assert.equal(at({ 'x-dev-lane': 'dev-x' }).headers['x-lane'], 'dev-x');
    assert.equal(at({ 'x-lane': 'dev-x' }).headers['x-lane'], undefined, 'a client cannot pick a lane');
  });

  it('every route strips the client\'s lane header first, and none matches on it', () => {
    for (const m of traefik(BOOKINFO_TAGGED).filter((x) => x.kind === 'IngressRoute')) {
      for (const route of m.spec.routes as { match: string; middlewares: { name: string }[] }[]) {
        assert.equal(route.middlewares[0]!.name, 'bookinfo-strip-lane-header');
        assert.doesNotMatch(route.match, /x-lane/);
      }
    }
  });

  it('says which rule it cannot express, and which target can', () => {
    const result = compile(BOOKINFO, { targets: ['traefik'] });
    assert.equal(result.ok, false);
    assert.deepEqual(result.diagnostics.map((d) => [d.code, d.path.join('.'), d.message]), [
      ['GL404', 'spec.entry.rules.2', 'Rule "canary" splits requests by weight between pod-label lanes (base 90%, gray 10%); Traefik would have to set a different lane header per weighted share, which its middlewares cannot do.'],
    ]);
    assert.match(result.diagnostics[0]!.hint!, /use target istio or asm/);
  });

  it('rejects endpoint lanes (Traefik routes to Services only)', () => {
    const result = compile(BOOKINFO_TAGGED.replace('x-dev-lane: { exact: dev-x } }\n        lane: dev-x', 'x-dev-lane: { exact: dev-x } }\n        lane: dev-x\n      - name: mocked\n        match:\n          headers: { x-mock: { exact: "1" } }\n        lane: mock').replace('services: [details]', 'services: [details, productpage]'), { targets: ['traefik'] });
    assert.deepEqual(result.diagnostics.filter((d) => d.severity === 'error').map((d) => d.code), ['GL404']);
    assert.match(result.diagnostics[0]!.message, /lane "mock", whose copy of "productpage" is fixed endpoints/);
  });

  it('warns that weighted shares to distinct Services cannot carry the lane header', () => {
    const result = compile(DEMO.replace('  entry:', '  trafficLabel:\n    header: x-lane\n  entry:'), { targets: ['traefik'] });
    assert.equal(result.ok, true);
    assert.deepEqual(result.diagnostics.map((d) => [d.code, d.severity, d.path.join('.'), d.message]), [
      ['GL405', 'warning', 'spec.entry.rules.1.weights', 'Traefik cannot tag the weighted shares of rule "canary" with lane header "x-lane"; each share reaches its lane\'s Service, but hops behind it see no lane.'],
      ['GL402', 'warning', 'spec.entry.resilience.rateLimit', 'Traefik\'s in-memory rate limiter keeps one bucket set per router (traefik/traefik#13706): the 2 routes of this entry each get their own, so one source may send up to 2× the limit, 1000 requests per 1s instead of 500.'],
    ]);
  });

  it('converts retries (Traefik counts the first try) and keeps middlewares in a fixed order', () => {
    const objects = traefik(DEMO.replace('      rateLimit:', '      retries: { attempts: 2 }\n      rateLimit:'));
    assert.deepEqual(objects.find((m) => m.metadata.name === 'k8s-flask-retry')!.spec, { retry: { attempts: 3 } });
    const route = (objects.find((m) => m.kind === 'IngressRoute')!.spec.routes as { middlewares: { name: string }[] }[])[0]!;
    assert.deepEqual(route.middlewares.map((m) => m.name), ['k8s-flask-ratelimit', 'k8s-flask-circuitbreaker', 'k8s-flask-retry']);
  });

  it('adds a sticky cookie to a weighted split when the rule asks for one', () => {
    const objects = traefik(DEMO.replace('        weights: { stable: 50, canary: 50 }', '        weights: { stable: 50, canary: 50 }\n        sticky: { cookie: { name: lane, secure: true, httpOnly: true, sameSite: lax, maxAge: 3600 } }'));
    const split = objects.find((m) => m.kind === 'TraefikService')!;
    assert.deepEqual((split.spec.weighted as { sticky: unknown }).sticky, { cookie: { name: 'lane', secure: true, httpOnly: true, sameSite: 'lax', maxAge: 3600 } });
    assert.deepEqual(traefikCrds('v3').validate(split), []);
  });

  it('anchors regexes, so they match the whole value as in Istio', () => {
    const objects = traefik(DEMO.replace('location: { exact: shenzhen }', 'location: { regex: "shen.*" }'));
    const route = (objects.find((m) => m.kind === 'IngressRoute')!.spec.routes as { match: string }[])[0]!;
    assert.equal(route.match, 'Host(`pro.coding`) && HeaderRegexp(`location`, `^(?:shen.*)$`)');
    const to = (location: string) => simulateTraefik(objects, { host: 'pro.coding', headers: { location } }).backends.length;
    assert.equal(to('shenzhen'), 1);
    assert.equal(to('east-shenzhen'), 2, 'an unanchored regex would have matched here');
  });

  it('emits Traefik v2 syntax and group for apiGroup traefik.containo.us, valid against the v2 CRDs', () => {
    const objects = traefik(
      DEMO.replace('      entryPoints: [web]', '      entryPoints: [web]\n      apiGroup: traefik.containo.us').replace('          headers: { location: { exact: shenzhen } }', '          headers: { location: { exact: shenzhen } }\n          queryParams: { ab: { exact: b } }'),
    );
    const route = (objects.find((m) => m.kind === 'IngressRoute')!.spec.routes as { match: string }[])[0]!;
    assert.equal(route.match, 'Host(`pro.coding`) && Headers(`location`, `shenzhen`) && Query(`ab=b`)');
    for (const m of objects) {
      assert.equal(m.apiVersion, 'traefik.containo.us/v1alpha1');
      assert.deepEqual(traefikCrds('v2').validate(m), [], `${m.kind} ${m.metadata.name}`);
    }
    assert.equal(simulateTraefik(objects, { host: 'pro.coding', headers: { location: 'shenzhen' }, query: { ab: 'b' } }).backends[0]!.service, 'k8s-flask-canary');
  });

  it('every object of every mode validates against the v3 CRDs, which reject unknown fields', () => {
    for (const m of [...traefik(DEMO), ...traefik(BOOKINFO_TAGGED)]) assert.deepEqual(traefikCrds('v3').validate(m), [], `${m.kind} ${m.metadata.name}`);
    const bad = { ...traefik(DEMO).find((m) => m.kind === 'IngressRoute')!, spec: { routes: [{ match: 'Host(`a`)', kind: 'Rule', servics: [] }] } };
    assert.deepEqual(traefikCrds('v3').validate(bad), ['/spec/routes/0/servics: unknown field "servics"; did you mean "services"?']);
  });
});

describe('target traefik: lanes in other namespaces', () => {
  const spec = (extra: string) => `apiVersion: graylane.dev/v1alpha1
kind: Release
metadata: { name: web, namespace: web }
spec:
  targets: [traefik]
  services: { web: { port: 8080 } }
  lanes:
    stable: { baseline: true }
    canary: { namespace: web-canary }
  entry:
    hosts: [web.example.com]
    service: web
    traefik: { entryPoints: [web]${extra} }
    rules:
      - name: split
        weights: { stable: 90, canary: 10 }
`;

  it('refuses a route to another namespace unless the spec says Traefik allows it (GL407): Traefik would drop the route', () => {
    const result = compile(spec(''), { file: 'x.yaml' });
    assert.equal(result.ok, false);
    assert.deepEqual(result.diagnostics.filter((d) => d.code === 'GL407').map(formatDiagnostic), [
      'x.yaml:15:9: error GL407 spec.entry.rules[0]: The route reaches Service web-canary/web, in another namespace than the IngressRoute (web); Traefik drops such routes unless it runs with providers.kubernetesCRD.allowCrossNamespace=true, which is off by default.\n  hint: enable allowCrossNamespace in Traefik and say so with entry.traefik.allowCrossNamespace: true, or give the lane a Service in the release namespace (serviceName)',
    ]);
  });

  it('with entry.traefik.allowCrossNamespace the IngressRoute says so, and the model routes 10% to the other namespace', () => {
    const objects = traefik(spec(', allowCrossNamespace: true'));
    const ir = objects.find((o) => o.kind === 'IngressRoute')!;
    assert.equal(ir.metadata.annotations?.['graylane.dev/traefik-allow-cross-namespace'], 'true');
    const hop = simulateTraefik(objects, { entryPoint: 'web', host: 'web.example.com' });
    assert.deepEqual(hop.backends.map((b) => `${b.weight}% ${b.namespace}/${b.service}`), ['90% web/web', '10% web-canary/web']);
  });
});
