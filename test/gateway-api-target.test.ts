/**
 * Target gateway-api: the spec's first-match order kept under Gateway API's precedence, the API limits, what
 * the standard channel cannot express, and the upstream CRD's CEL rules really evaluated.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compile, formatDiagnostic, type CompileResult, type Manifest, type ReleaseSpec } from '../compiler';
import { gatewayApiCrds } from './support/gateway-api-crds';
import { gatewayApiObjects, routedTo } from './support/gateway-api-routing';

type Spec = ReleaseSpec['spec'];
function release(spec: Partial<Spec>): ReleaseSpec {
  return {
    apiVersion: 'graylane.dev/v1alpha1',
    kind: 'Release',
    metadata: { name: 'shop', namespace: 'shop' },
    spec: {
      targets: ['gateway-api'],
      services: { web: { port: 8080 }, cart: { port: 8080 } },
      lanes: { base: { baseline: true, selector: { version: 'v1' } }, gray: { selector: { version: 'v2' } } },
      trafficLabel: { header: 'x-lane' },
      ...spec,
    } as Spec,
  };
}
const gatewayEntry = (rules: NonNullable<Spec['entry']>['rules'], extra: Partial<NonNullable<Spec['entry']>> = {}): Spec['entry'] => ({ gateway: 'shop/public', hosts: ['shop.example.com'], service: 'web', rules, ...extra });

function ok(spec: ReleaseSpec): CompileResult {
  const r = compile(spec);
  assert.ok(r.ok, r.diagnostics.map(formatDiagnostic).join('\n'));
  return r;
}
const codes = (r: CompileResult) => r.diagnostics.map((d) => `${d.severity} ${d.code}`);
const routes = (r: CompileResult) => r.outputs[0]!.manifests.filter((m) => m.kind === 'HTTPRoute');
const at = (objects: Manifest[], path: string, headers: Record<string, string> = {}) =>
  routedTo(objects, { via: 'shop/public', authority: 'shop.example.com', path, headers }, 'x-lane');

describe('first match wins under Gateway API precedence', () => {
  // Gateway API prefers the longer path of "api" over the header of "beta"; the spec says beta comes first.
  const spec = release({ entry: gatewayEntry([{ name: 'beta', match: { headers: { 'x-beta': { exact: '1' } } }, lane: 'gray' }, { name: 'api', match: { path: { prefix: '/api' } }, lane: 'base' }]) });
  it('adds the conjunction of an earlier rule and a more specific later one to the earlier rule', () => {
    const beta = (routes(ok(spec)).find((r) => r.metadata.name === 'shop-entry')!.spec.rules as { name: string; matches: unknown[] }[]).find((r) => r.name === 'beta')!;
    assert.deepEqual(beta.matches, [
      { path: { type: 'PathPrefix', value: '/' }, headers: [{ name: 'x-beta', type: 'Exact', value: '1' }] },
      { path: { type: 'PathPrefix', value: '/api' }, headers: [{ name: 'x-beta', type: 'Exact', value: '1' }] },
    ]);
  });
  it('so the simulator sends every request where the spec says', () => {
    const objects = gatewayApiObjects(ok(spec));
    assert.equal(at(objects, '/api/x', { 'x-beta': '1' }), '100% shop/web-gray x-lane=gray');
    assert.equal(at(objects, '/api/x'), '100% shop/web-base x-lane=(none)');
    assert.equal(at(objects, '/cart', { 'x-beta': '1' }), '100% shop/web-gray x-lane=gray');
    assert.equal(at(objects, '/cart'), '100% shop/web-base x-lane=(none)');
  });
  it('and the model can fail: without the added match the later, more specific rule takes the request', () => {
    const objects = gatewayApiObjects(ok(spec)).map((o) =>
      o.kind === 'HTTPRoute' && o.metadata.name === 'shop-entry'
        ? { ...o, spec: { ...o.spec, rules: (o.spec.rules as { name: string; matches: unknown[] }[]).map((r) => (r.name === 'beta' ? { ...r, matches: r.matches.slice(0, 1) } : r)) } }
        : o,
    );
    assert.equal(at(objects, '/api/x', { 'x-beta': '1' }), '100% shop/web-base x-lane=(none)');
  });
  it('refuses a regex path whose precedence against another rule would decide (GL411)', () => {
    const r = compile(release({ entry: gatewayEntry([{ name: 'v', match: { path: { regex: '/v[0-9]+/.*' } }, lane: 'gray' }]) }));
    assert.deepEqual(codes(r), ['error GL411']);
    assert.match(r.diagnostics[0]!.message, /Rules "v" and "default" can match the same request .* regex/);
  });
  it('accepts a regex path no differently routed rule can meet', () => {
    const r = ok(release({ entry: { gateway: 'shop/public', hosts: ['shop.example.com'], rules: [{ name: 'v', service: 'web', match: { path: { regex: '/v[0-9]+/.*' } }, lane: 'gray' }] } }));
    assert.deepEqual((routes(r).find((x) => x.metadata.name === 'shop-entry')!.spec.rules as { matches: unknown[] }[])[0]!.matches, [{ path: { type: 'RegularExpression', value: '^(?:/v[0-9]+/.*)$' } }]);
  });
  it('refuses two regexes on one header that one match cannot hold (GL411)', () => {
    const r = compile(release({ entry: gatewayEntry([{ name: 'a', match: { headers: { x: { regex: 'a.*' } } }, lane: 'gray' }, { name: 'b', match: { path: { prefix: '/b' }, headers: { x: { regex: '.*b' } } }, lane: 'base' }]) }));
    assert.deepEqual(codes(r), ['error GL411']);
  });
});

describe('the API limits hold by construction', () => {
  const paths = Array.from({ length: 40 }, (_, i) => ({ name: `p${i}`, match: { path: { exact: `/p${i}` } }, lane: i % 2 === 0 ? 'gray' : 'base' }));
  const hosts = Array.from({ length: 20 }, (_, i) => `h${i}.example.com`);
  const r = ok(release({ entry: gatewayEntry(paths, { hosts }) }));
  const entryRoutes = routes(r).filter((m) => m.metadata.name.startsWith('shop-entry'));
  it('40 rules and 20 hosts become routes of at most 16 rules, 127 matches and 16 hostnames, every one accepted by the CRD', () => {
    assert.deepEqual(entryRoutes.map((m) => [m.metadata.name, (m.spec.rules as unknown[]).length, (m.spec.hostnames as unknown[]).length]), [
      // By rank: the 30 four-character exact paths (16 + 14), then the 10 shorter ones and the default.
      ['shop-entry', 16, 16], ['shop-entry-2', 14, 16], ['shop-entry-3', 11, 16],
      ['shop-entry-4', 16, 4], ['shop-entry-5', 14, 4], ['shop-entry-6', 11, 4],
    ]);
    for (const m of entryRoutes) assert.deepEqual(gatewayApiCrds().validate(m), [], m.metadata.name);
  });
  it('and route every request as the spec does', () => {
    const objects = gatewayApiObjects(r);
    for (const host of [hosts[0]!, hosts[19]!]) {
      for (let i = 0; i < 40; i += 13) {
        const expected = i % 2 === 0 ? '100% shop/web-gray x-lane=gray' : '100% shop/web-base x-lane=(none)';
        assert.equal(routedTo(objects, { via: 'shop/public', authority: host, path: `/p${i}` }, 'x-lane'), expected, `${host} /p${i}`);
      }
      assert.equal(routedTo(objects, { via: 'shop/public', authority: host, path: '/other' }, 'x-lane'), '100% shop/web-base x-lane=(none)');
    }
  });
  it('refuses to cut equally specific, overlapping rules across routes (their order would be the routes\' age)', () => {
    const headers = Array.from({ length: 20 }, (_, i) => ({ name: `h${i}`, match: { headers: { [`x-h${i}`]: { exact: '1' } } }, lane: i % 2 === 0 ? 'gray' : 'base' }));
    const refused = compile(release({ entry: gatewayEntry(headers) }));
    assert.ok(codes(refused).includes('error GL411'), codes(refused).join());
  });
  it('more than 16 backendRefs in one split is GL414', () => {
    const lanes = Object.fromEntries(Array.from({ length: 17 }, (_, i) => [`l${i}`, { selector: { l: `${i}` } }]));
    const weights = Object.fromEntries([...Array.from({ length: 17 }, (_, i) => [`l${i}`, 5]), ['base', 15]]);
    const refused = compile(release({ lanes: { base: { baseline: true, selector: { version: 'v1' } }, ...lanes }, entry: gatewayEntry([{ name: 'wide', weights }]) }));
    assert.deepEqual(codes(refused), ['error GL414']);
  });
});

describe('what Gateway API cannot express is said', () => {
  it('a port match, a method regex, an empty exact header, a caller-aware split are errors', () => {
    const r = compile(release({
      callerSplits: [{ lane: 'gray', from: 'gray', weights: { base: 100 } }],
      entry: gatewayEntry([
        { name: 'port', match: { port: 8443 }, lane: 'gray' },
        { name: 'method', match: { method: { regex: 'GET|HEAD' } }, lane: 'gray' },
        { name: 'empty', match: { headers: { 'x-e': { exact: '' } } }, lane: 'gray' },
      ]),
    }));
    assert.deepEqual(r.diagnostics.map((d) => `${d.code} ${d.path.join('.')}`).sort(), [
      'GL410 spec.entry.rules.0.match.port',
      'GL410 spec.entry.rules.1.match.method',
      'GL410 spec.entry.rules.2.match.headers.x-e',
      'GL412 spec.callerSplits.0',
    ]);
  });
  it('retries, rate limits and circuit breakers are warnings naming the loss; timeouts become timeouts.request and backendRequest', () => {
    const r = ok(release({
      resilience: { timeout: '90s', retries: { attempts: 2, perTryTimeout: '2500ms' }, rateLimit: { average: 10 }, circuitBreaker: { consecutiveErrors: 5 } },
      entry: gatewayEntry([{ name: 'all', weights: { base: 100 } }]),
    }));
    assert.deepEqual(r.diagnostics.map((d) => `${d.severity} ${d.code} ${d.path.join('.')}`), [
      'warning GL402 spec.services.cart.resilience.circuitBreaker',
      'warning GL402 spec.services.cart.resilience.rateLimit',
      'warning GL402 spec.services.cart.resilience.retries',
      'warning GL402 spec.services.web.resilience.circuitBreaker',
      'warning GL402 spec.services.web.resilience.rateLimit',
      'warning GL402 spec.services.web.resilience.retries',
    ]);
    const web = routes(r).find((m) => m.metadata.name === 'web')!;
    assert.deepEqual((web.spec.rules as { name: string; timeouts?: unknown }[]).map((x) => [x.name, x.timeouts]), [
      ['lane-gray', { request: '1m30s', backendRequest: '2s500ms' }],
      ['default', { request: '1m30s', backendRequest: '2s500ms' }],
    ]);
    for (const m of routes(r)) assert.deepEqual(gatewayApiCrds().validate(m), [], m.metadata.name);
  });
  it('a duration finer than a millisecond is GL251', () => {
    const r = compile(release({ resilience: { timeout: '1500us' } }));
    assert.deepEqual([...new Set(codes(r))], ['error GL251']);
  });
  it('run-time fallback (when: unavailable) is an error alone, a warning beside asm', () => {
    const lanes = { base: { baseline: true, selector: { version: 'v1' } }, gray: { selector: { version: 'v2' }, services: ['cart'], fallback: { lanes: ['base'], when: ['unavailable' as const] } } };
    assert.ok(codes(compile(release({ lanes }))).includes('error GL404'));
    const beside = compile(release({ lanes, targets: ['asm', 'gateway-api'] }));
    assert.ok(codes(beside).includes('warning GL404'), codes(beside).join());
  });
  it('a per-lane Service named like one of the application\'s is GL253; a name that is no DNS-1035 label is GL252', () => {
    const clash = compile(release({ services: { web: { port: 8080 }, 'web-gray': { port: 8080 } } }));
    assert.deepEqual([...new Set(codes(clash))], ['error GL253']);
    assert.match(clash.diagnostics[0]!.message, /Service shop\/web-gray .* has the name of the application's Service for service "web-gray"/);
    const digit = compile(release({ services: { '1web': { port: 8080 } } }));
    assert.ok(codes(digit).includes('error GL252'), codes(digit).join());
  });
  it('entry.gatewayApi without target gateway-api, or without a gateway, is GL250', () => {
    const other = compile(release({ targets: ['istio'], entry: gatewayEntry([{ name: 'all', lane: 'base' }], { gatewayApi: { port: 443 } }) }));
    assert.deepEqual(other.diagnostics.map((d) => `${d.severity} ${d.code} ${d.path.join('.')}`), ['warning GL250 spec.entry.gatewayApi']);
    const mesh = compile(release({ entry: { service: 'web', rules: [{ name: 'all', lane: 'base' }], gatewayApi: { sectionName: 'http' } } }));
    assert.deepEqual(mesh.diagnostics.map((d) => `${d.severity} ${d.code} ${d.path.join('.')}`), ['warning GL250 spec.entry.gatewayApi']);
  });
  it('entry.gatewayApi picks the listener: sectionName and port on the parentRef', () => {
    const r = ok(release({ entry: gatewayEntry([{ name: 'all', lane: 'base' }], { gatewayApi: { sectionName: 'https', port: 443 } }) }));
    assert.deepEqual(routes(r).find((m) => m.metadata.name === 'shop-entry')!.spec.parentRefs, [{ group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'public', namespace: 'shop', sectionName: 'https', port: 443 }]);
  });
});

describe('the CRD validator evaluates HTTPRoute\'s CEL rules (a bad route is rejected)', () => {
  const base = routes(ok(release({ entry: gatewayEntry([{ name: 'all', lane: 'gray' }]) }))).find((m) => m.metadata.name === 'shop-entry')!;
  const json = () => JSON.parse(JSON.stringify(base)) as { spec: { parentRefs: Record<string, unknown>[]; rules: Record<string, unknown>[] } };
  it('the emitted route is valid', () => assert.deepEqual(gatewayApiCrds().validate(base), []));
  it('a Service backendRef without port', () => {
    const bad = json();
    delete (bad.spec.rules[0]!.backendRefs as Record<string, unknown>[])[0]!.port;
    assert.deepEqual(gatewayApiCrds().validate(bad), ['/spec/rules/0/backendRefs/0: Must have port for Service reference']);
  });
  it('backendRequest longer than request (CEL durations)', () => {
    const bad = json();
    bad.spec.rules[0]!.timeouts = { request: '1s', backendRequest: '2s' };
    assert.deepEqual(gatewayApiCrds().validate(bad), ['/spec/rules/0/timeouts: backendRequest timeout cannot be longer than request timeout']);
  });
  it('more than 128 matches in one route (the CEL sum over rules)', () => {
    const bad = json();
    const rule = bad.spec.rules[0]!;
    bad.spec.rules = Array.from({ length: 16 }, (_, i) => ({ ...rule, name: `r${i}`, matches: Array.from({ length: 9 }, (_, j) => ({ path: { type: 'Exact', value: `/r${i}/${j}` } })) }));
    assert.deepEqual(gatewayApiCrds().validate(bad), ['/spec/rules: While 16 rules and 64 matches per rule are allowed, the total number of matches across all rules in a route must be less than 128']);
  });
  it('a ReplacePrefixMatch redirect with two matches (has() on an indexed field)', () => {
    const bad = json();
    const rule = bad.spec.rules[0]!;
    bad.spec.rules = [{ name: rule.name, matches: [{ path: { type: 'PathPrefix', value: '/a' } }, { path: { type: 'PathPrefix', value: '/b' } }], filters: [{ type: 'RequestRedirect', requestRedirect: { path: { type: 'ReplacePrefixMatch', replacePrefixMatch: '/c' } } }] }];
    assert.deepEqual(gatewayApiCrds().validate(bad), ['/spec/rules/0: When using RequestRedirect filter with path.replacePrefixMatch, exactly one PathPrefix match must be specified']);
  });
  it('two parentRefs to one Gateway, one without sectionName (a rule over `__namespace__`)', () => {
    const bad = json();
    bad.spec.parentRefs = [bad.spec.parentRefs[0]!, { ...bad.spec.parentRefs[0]!, sectionName: 'https' }];
    assert.deepEqual(gatewayApiCrds().validate(bad), ['/spec/parentRefs: sectionName must be specified when parentRefs includes 2 or more references to the same parent']);
  });
  it('a path with "//"', () => {
    const bad = json();
    (bad.spec.rules[0]!.matches as { path: { value: string } }[])[0]!.path.value = '/a//b';
    assert.deepEqual(gatewayApiCrds().validate(bad), ["/spec/rules/0/matches/0/path: must not contain '//' when type one of ['Exact', 'PathPrefix']"]);
  });
});

describe('the lane header is written per backendRef only', () => {
  it('no rule-level filter anywhere; every share of an entry route sets or removes the header', () => {
    const r = ok(release({ canary: { cart: { base: 50, gray: 50 } }, entry: gatewayEntry([{ name: 'beta', match: { headers: { 'x-beta': { exact: '1' } } }, lane: 'gray' }, { name: 'split', weights: { base: 80, gray: 20 } }]) }));
    for (const m of routes(r)) {
      for (const rule of m.spec.rules as { filters?: unknown; backendRefs: { filters?: { requestHeaderModifier: { set?: { name: string }[]; remove?: string[] } }[] }[] }[]) {
        assert.equal(rule.filters, undefined, m.metadata.name);
        if (m.metadata.name !== 'shop-entry') continue;
        for (const b of rule.backendRefs) {
          const op = b.filters![0]!.requestHeaderModifier;
          assert.ok(op.set?.[0]?.name === 'x-lane' || op.remove?.[0] === 'x-lane', JSON.stringify(b));
        }
      }
    }
  });
});

describe('features of the other targets that gateway-api cannot carry are said, not dropped', () => {
  const split = (sticky: boolean) => gatewayEntry([{ name: 'split', weights: { base: 90, gray: 10 }, ...(sticky ? { sticky: { cookie: { name: 'shop-split' } } } : {}) }]);
  const found = (spec: ReleaseSpec) => compile(spec).diagnostics.map((d) => `${d.severity} ${d.code} ${d.path.join('.')}`);

  it('refuses propagation: baggage at its spec line (GL412) and emits nothing', () => {
    const spec = release({ trafficLabel: { header: 'x-lane', propagation: 'baggage' }, entry: split(false) });
    assert.equal(compile(spec).ok, false);
    assert.ok(found(spec).includes('error GL412 spec.trafficLabel.propagation'));
  });

  it('warns that sticky shares are lost (GL402), and only when sticky is set', () => {
    assert.ok(found(release({ entry: split(true) })).includes('warning GL402 spec.entry.rules.0.sticky'));
    assert.ok(!found(release({ entry: split(false) })).some((d) => d.includes('GL402')));
  });
});
