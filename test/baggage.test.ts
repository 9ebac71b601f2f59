/**
 * trafficLabel.propagation: baggage — the member and its RE2 regex (compiler/baggage.ts), what each target
 * emits, the example bookinfo-baggage hop by hop (EXPECTED.md), the diagnostics, the check rule
 * istio-baggage-match-anchored, and fast-check properties over generated baggage lists and specs.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { compile, formatDiagnostic, trafficOf, type Manifest, type ReleaseSpec } from '../compiler';
import {
  baggageLanes,
  baggageMatchProblem,
  baggageMember,
  baggageMemberRegex,
  decodeBaggageValue,
  encodeBaggageValue,
  parseBaggage,
} from '../compiler/baggage';
import { istioSemanticProblems } from '../compiler/rules/istio-semantics';
import { istioBaggageMatchAnchored } from '../compiler/rules/checks/istio-baggage-match-anchored';
import { runRules } from '../compiler/rules/run';
import { simulateIstio } from '../compiler/simulate/istio';
import { matchString, re2AsJs } from '../compiler/simulate/string-match';
import { mutate } from './support/base-spec';
import { compileExample, manifestsOf, ROOT } from './support/examples';
import { istioCrds } from './support/istio-crds';
import { describeRouted, routeRequest } from './support/route-request';
import { traefikCrds } from './support/traefik-crds';
import { runCli } from '../scripts/run-cli';

const RUNS = Number(process.env.GRAYLANE_PROPERTY_RUNS ?? 150);
const holds = (regex: string, list: string) => matchString({ regex }, list);

describe('baggage member and regex', () => {
  const gray = baggageMemberRegex('lane', 'gray');

  it('writes the member as OpenTelemetry encodes it, and the regex octet by octet', () => {
    assert.equal(baggageMember('lane', 'gray'), 'lane=gray');
    assert.equal(baggageMember('lane', 'a b%'), 'lane=a%20b%25');
    assert.equal(gray, '(?:.*,)?[ \\t]*lane[ \\t]*=[ \\t]*(?:g|%67)(?:r|%72)(?:a|%61)(?:y|%79)[ \\t]*(?:[;,].*)?');
    // Istio's webhook takes regexes of at most 1024 bytes (validateStringRegexp): the largest lane and key fit.
    assert.ok(baggageMemberRegex('|'.repeat(64), 'z'.repeat(63)).length <= 1024);
  });

  it('holds for the member among others, in any order, with OWS and properties', () => {
    for (const list of ['lane=gray', 'userId=7,lane=gray', 'lane=gray,userId=7', ' lane = gray ', 'a=b , lane=gray ;p=1;q , c=d', 'lane=gray;p', 'a=b;p=x,lane=gray', 'k=v=w,lane=gray'])
      assert.ok(holds(gray, list), list);
  });

  it('counts a percent-encoded lane as the lane, as W3C and the OpenTelemetry decoders read it', () => {
    // opentelemetry-go baggage.parseMember (url.PathUnescape), opentelemetry-java Parser (BaggageCodec.decode).
    for (const list of ['lane=gr%61y', 'lane=%67%72%61%79', 'x=1,lane=%67ray']) assert.ok(holds(gray, list), list);
    assert.ok(holds(baggageMemberRegex('lane', 'dev-x'), 'lane=dev%2dx'));
    assert.ok(holds(baggageMemberRegex('lane', 'dev-x'), 'lane=dev%2Dx'));
    assert.deepEqual(baggageLanes('lane=gr%61y', 'lane'), ['gray']);
  });

  it('does not hold for near misses', () => {
    for (const list of ['lane=gray2', 'xlane=gray', 'lanex=gray', 'lane=grayx;p', 'lane=xgray', 'lane=gra', 'a=b;lane=gray', 'a=lane=gray', 'l%61ne=gray', 'lane=gray%', 'lane=gr%6', '', 'lane=', 'lane=GRAY'])
      assert.ok(!holds(gray, list), list);
  });

  it('parses lists leniently and decodes values', () => {
    assert.deepEqual(parseBaggage(' a = 1 ;p, ,bad,lane=dev%2Dx,c=%zz'), [
      { key: 'a', value: '1', raw: 'a = 1 ;p' },
      { key: 'lane', value: 'dev-x', raw: 'lane=dev%2Dx' },
      { key: 'c', raw: 'c=%zz' },
    ]);
    assert.equal(decodeBaggageValue('%E2%82%AC'), '€');
    assert.equal(decodeBaggageValue('%FF'), '\uFFFD');
    assert.equal(encodeBaggageValue('€'), '%E2%82%AC');
  });

  it('reads . and \\s as RE2 does (any character but \\n; [\\t\\n\\f\\r ])', () => {
    assert.equal(re2AsJs('a.b\\.c[.]\\s[\\s]'), 'a[^\\n]b\\.c[.][\\t\\n\\f\\r ][\\t\\n\\f\\r ]');
    assert.equal(re2AsJs('[]a.]'), '[\\]a.]');
    assert.ok(matchString({ regex: 'a.b' }, 'a\rb'), 'RE2 . takes \\r');
    assert.ok(matchString({ regex: 'a.b' }, 'a\u2028b'), 'RE2 . takes U+2028');
    assert.ok(!matchString({ regex: 'a.b' }, 'a\nb'));
    assert.ok(!matchString({ regex: 'a\\sb' }, 'a\u00a0b'), 'RE2 \\s is ASCII');
  });
});

describe('baggage match check (istio-baggage-match-anchored)', () => {
  const problem = (sm: { regex?: string; exact?: string; prefix?: string }) =>
    baggageMatchProblem((l) => matchString(sm, l), sm.regex ?? sm.exact ?? sm.prefix ?? '', ['lane']);

  it('accepts graylane\'s regex for every lane shape', () => {
    for (const lane of ['gray', 'dev-x', 'a', '0', 'x'.repeat(63)]) assert.equal(problem({ regex: baggageMemberRegex('lane', lane) }), undefined, lane);
  });

  it('names the list that shows each defect', () => {
    assert.deepEqual(problem({ regex: '.*lane=gray.*' }), { member: 'lane=gray', list: 'lane=grayx', matchesWithout: true });
    assert.deepEqual(problem({ exact: 'lane=gray' }), { member: 'lane=gray', list: 'other=1,lane=gray', matchesWithout: false });
    assert.deepEqual(problem({ prefix: 'lane=gray' }), { member: 'lane=gray', list: 'other=1,lane=gray', matchesWithout: false });
    assert.deepEqual(problem({ regex: '(.*,)?lane=gray(,.*)?' }), { member: 'lane=gray', list: 'lane=gray;p=1', matchesWithout: false });
    assert.deepEqual(problem({ regex: '(^|.*[,; ])lane=gray([,;].*)?' }), { member: 'lane=gray', list: 'other=1;lane=gray', matchesWithout: true });
    assert.deepEqual(problem({ regex: '.*' }), { member: 'lane=…', list: 'other=1', matchesWithout: true });
  });

  it('reports hand-written VirtualServices, and nothing on other headers', () => {
    const vs = (regex: string, header = 'baggage'): Manifest => ({
      apiVersion: 'networking.istio.io/v1',
      kind: 'VirtualService',
      metadata: { name: 'reviews', namespace: 'shop', labels: {} },
      spec: { hosts: ['reviews'], http: [{ name: 'gray', match: [{ headers: { [header]: { regex } } }], route: [{ destination: { host: 'reviews', subset: 'v2' } }] }] },
    });
    const context = { environment: 'dev', config: {} } as never;
    assert.deepEqual(istioBaggageMatchAnchored.check(vs('.*lane=gray.*'), context), [
      'VirtualService shop/reviews route gray matches baggage with regex ".*lane=gray.*", which is not anchored to member boundaries: it also holds for "lane=grayx", which has no member lane=gray.',
    ]);
    assert.deepEqual(istioBaggageMatchAnchored.check(vs('.*lane=gray.*', 'x-lane'), context), []);
    assert.deepEqual(istioBaggageMatchAnchored.check(vs(baggageMemberRegex('tenant-lane', 'gray')), { environment: 'dev', config: { baggageKey: 'tenant-lane' } } as never), []);
  });
});

// EXPECTED.md, bookinfo-baggage.
describe('bookinfo-baggage (EXPECTED.md)', () => {
  const result = compileExample('bookinfo-baggage.release.yaml');
  const istio = manifestsOf(result, 'istio');
  const traefik = manifestsOf(result, 'traefik');
  const both = [...istio, ...traefik];
  const host = (s: string) => `${s}.bookinfo.svc.cluster.local`;
  const mesh = (service: string, baggage?: string) =>
    describeRouted(routeRequest(istio, { mesh: true }, { host: host(service), ...(baggage !== undefined ? { headers: { baggage } } : {}) }));

  it('compiles without diagnostics', () => {
    assert.deepEqual(result.diagnostics.map(formatDiagnostic), []);
  });

  it('gateway: each rule sets baggage to the lane\'s member; other requests lose the client\'s baggage', () => {
    const edge = (headers: Record<string, string>) => describeRouted(routeRequest(istio, { gateway: 'istio-system/bookinfo-gateway' }, { host: 'bookinfo.example.com', headers }), 'baggage');
    assert.deepEqual(edge({ location: 'shenzhen', baggage: 'userId=7' }), [`100% ${host('productpage')}/base baggage=lane=gray`]);
    assert.deepEqual(edge({ 'x-dev-lane': 'dev-x' }), [`100% ${host('productpage')}/base baggage=lane=dev-x`]);
    assert.deepEqual(edge({ baggage: 'lane=dev-x,userId=7' }), [`100% ${host('productpage')}/base baggage=(none)`]);
    assert.deepEqual(edge({ 'x-lane': 'dev-x' }), [`100% ${host('productpage')}/base baggage=(none)`]);
  });

  it('Traefik: strips the client\'s baggage, then sets the lane\'s member, in front of the same mesh', () => {
    const edge = (headers: Record<string, string>) => describeRouted(routeRequest(both, { entryPoint: 'web' }, { host: 'bookinfo.example.com', headers }), 'baggage');
    assert.deepEqual(edge({ location: 'shenzhen', baggage: 'lane=dev-x' }), [`100% ${host('productpage')} baggage=lane=gray`]);
    assert.deepEqual(edge({ 'x-dev-lane': 'dev-x' }), [`100% ${host('productpage')} baggage=lane=dev-x`]);
    assert.deepEqual(edge({ baggage: 'lane=dev-x' }), [`100% ${host('productpage')} baggage=(none)`]);
  });

  it('mesh: each service routes by the baggage member, whatever else the list holds', () => {
    const table: [string | undefined, Record<string, string[]>][] = [
      [undefined, { productpage: ['base'], reviews: ['base'], ratings: ['base', 'gray'], details: ['base'] }],
      ['userId=7', { productpage: ['base'], reviews: ['base'], ratings: ['base', 'gray'], details: ['base'] }],
      ['lane=gray2', { productpage: ['base'], reviews: ['base'], ratings: ['base', 'gray'], details: ['base'] }],
      ['userId=7, lane=gray;ttl=3', { productpage: ['base'], reviews: ['gray'], ratings: ['gray'], details: ['base'] }],
      ['lane=dev-x', { productpage: ['base'], reviews: ['dev-x'], ratings: ['gray'], details: ['base'] }],
      ['lane=dev%2Dx,userId=7', { productpage: ['base'], reviews: ['dev-x'], ratings: ['gray'], details: ['base'] }],
      ['lane=mock', { productpage: ['base'], reviews: ['base'], ratings: ['base'], details: ['mock'] }],
    ];
    const name = (line: string) => (line.includes('/') ? line.split('/').pop()! : line.includes('mock') ? 'mock' : line);
    for (const [baggage, want] of table)
      for (const [service, subsets] of Object.entries(want)) assert.deepEqual(mesh(service, baggage).map(name), subsets, `${service} with baggage ${baggage}`);
    assert.deepEqual(mesh('ratings'), [`80% ${host('ratings')}/base`, `20% ${host('ratings')}/gray`]);
    assert.deepEqual(mesh('details', 'lane=mock'), ['100% details.mock.bookinfo.graylane.internal']);
  });

  it('explain --baggage shows the lane each hop carries', async () => {
    const run = await runCli(['explain', 'examples/bookinfo-baggage.release.yaml', '--mesh', '--host', 'reviews', '--baggage', 'lane=dev-x', '--header', 'baggage=userId=7', '--hops', 'ratings'], ROOT);
    assert.equal(run.status, 0, run.stderr);
    const lines = run.stdout.split('\n').filter((l) => l.includes('→'));
    assert.deepEqual(lines.map((l) => l.trim()), [
      '→ 100% to reviews.bookinfo.svc.cluster.local subset dev-x ({lane: dev-x}); baggage: userId=7,lane=dev-x (lane dev-x)',
      '→ 100% to ratings.bookinfo.svc.cluster.local subset gray (v2); baggage: userId=7,lane=dev-x (lane dev-x)',
    ]);
    const json = await runCli(['explain', 'examples/bookinfo-baggage.release.yaml', '--gateway', 'istio-system/bookinfo-gateway', '--host', 'bookinfo.example.com', '--baggage', 'lane=gray', '--format', 'json'], ROOT);
    const hop = JSON.parse(json.stdout) as { destinations: { lane?: string; baggageLane?: string }[] };
    assert.deepEqual(hop.destinations.map((d) => [d.lane, d.baggageLane]), [[undefined, undefined]]);
  });

  it('diff and the weight gates see each lane as a request class (its member in baggage)', () => {
    const traffic = trafficOf(istio, { laneHeader: 'baggage' });
    assert.equal(traffic.get('reviews.bookinfo, lane dev-x'), '{lane: dev-x} 100%');
    assert.equal(traffic.get('reviews.bookinfo, lane gray'), 'v2 100%');
    assert.equal(traffic.get('ratings.bookinfo, no lane'), 'v1 80% / v2 [baggage: lane=gray] 20%');
    assert.deepEqual([...traffic.keys()].filter((k) => k.startsWith('reviews')), ['reviews.bookinfo, lane base', 'reviews.bookinfo, lane dev-x', 'reviews.bookinfo, lane gray', 'reviews.bookinfo, lane mock', 'reviews.bookinfo, no lane']);
  });

  it('every object passes the CRDs, Istio\'s semantic rules and graylane check', () => {
    for (const m of istio) {
      assert.deepEqual(istioCrds().validate(m), [], `${m.kind} ${m.metadata.name}`);
      assert.deepEqual(istioSemanticProblems(m), [], `${m.kind} ${m.metadata.name}`);
    }
    for (const m of traefik) assert.deepEqual(traefikCrds('v3').validate(m), [], `${m.kind} ${m.metadata.name}`);
    assert.deepEqual(runRules(both, { environment: 'dev' }).map((f) => f.message), []);
  });
});

describe('baggage diagnostics', () => {
  const codes = (text: string) => {
    const r = compile(text, { file: 'spec.yaml' });
    return r.diagnostics.map((d) => `${d.code} ${d.severity} ${d.path.join('.')}`);
  };
  const baggage = (extra = '') => mutate('    header: x-lane\n', `    header: x-lane\n    propagation: baggage\n${extra}`);

  it('GL260: baggageKey without propagation baggage', () => {
    assert.deepEqual(codes(mutate('    header: x-lane\n', '    header: x-lane\n    baggageKey: tenant\n')), ['GL260 error spec.trafficLabel.baggageKey']);
  });

  it('GL262: a key graylane cannot write', () => {
    assert.deepEqual(codes(baggage('    baggageKey: "l%ne"\n')), ['GL262 error spec.trafficLabel.baggageKey']);
  });

  it('GL211: a gateway rule matching baggage; GL261: a lane header match that is not exact', () => {
    assert.deepEqual(codes(mutate('headers: { x-beta: { exact: "1" } }', 'headers: { baggage: { regex: ".*" } }', baggage())), ['GL211 error spec.entry.rules.0.match.headers.baggage']);
    const trusted = baggage('    trusted: true\n');
    assert.deepEqual(codes(mutate('headers: { x-beta: { exact: "1" } }', 'headers: { x-lane: { prefix: gr } }', trusted)), ['GL261 error spec.entry.rules.0.match.headers.x-lane']);
  });

  it('a rule on the lane header (mesh entry: trusted) becomes the member\'s regex', () => {
    // At a gateway, trusted: true with a lane-header match is GL500 in header mode too (istio-lane-header-guarded
    // does not read trusted), so the mesh entry shows it.
    const text = mutate('    gateway: istio-system/public\n    hosts: [shop.example.com]\n', '    gateway: mesh\n', baggage());
    const r = compile(mutate('headers: { x-beta: { exact: "1" } }', 'headers: { x-lane: { exact: gray } }', text));
    assert.deepEqual(r.diagnostics.map((d) => d.code), ['GL415']);
    const web = manifestsOf(r).find((m) => m.metadata.name === 'web')!;
    const route = (web.spec as { http: { name: string; match?: unknown }[] }).http.find((h) => h.name === 'beta')!;
    assert.deepEqual(route.match, [{ headers: { baggage: { regex: baggageMemberRegex('lane', 'gray') } } }]);
  });

  it('GL415: a mesh entry replaces the caller\'s baggage', () => {
    const text = mutate('    gateway: istio-system/public\n    hosts: [shop.example.com]\n', '    gateway: mesh\n', baggage());
    assert.deepEqual(codes(text), ['GL415 warning spec.entry.gateway']);
  });

  it('GL416, GL417: ASM label sources that contradict baggage', () => {
    const asm = mutate('targets: [istio]', 'targets: [istio, asm]', baggage('    valueFrom: [{ header: baggage }]\n'));
    assert.deepEqual(codes(asm), ['GL416 warning spec.trafficLabel.valueFrom', 'GL417 warning spec.trafficLabel.valueFrom']);
    const ok = mutate('targets: [istio]', 'targets: [istio, asm]', baggage('    valueFrom: [{ header: x-lane }, { context: x-request-id }]\n'));
    assert.deepEqual(codes(ok), []);
  });

  it('ASM keeps its label: the asm entry sets the lane header, istio\'s the baggage member', () => {
    const r = compile(mutate('targets: [istio]', 'targets: [istio, asm]', baggage('    valueFrom: [{ header: x-lane }, { context: x-request-id }]\n')));
    const ops = (target: string) => JSON.stringify((manifestsOf(r, target).find((m) => m.metadata.name === 'shop-entry')!.spec as { http: { route: { headers?: unknown }[] }[] }).http[0]!.route[0]!.headers);
    assert.equal(ops('istio'), '{"request":{"set":{"baggage":"lane=gray"}}}');
    assert.equal(ops('asm'), '{"request":{"set":{"x-lane":"gray"}}}');
  });
});

// Properties.

const laneName = fc.stringMatching(/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/);
const token = fc.stringMatching(/^[A-Za-z0-9!#$&'*+.^_|~-]{1,12}$/);
const ows = fc.constantFrom('', ' ', '\t', '  ');
const octetValue = fc.stringMatching(/^[!#$&-+\--:<-[\]-~]{0,10}$/);

/** A value written as a producer may: each octet plain or percent-encoded (either hex case). */
function encodedVariant(value: string, mask: readonly boolean[], lower: boolean): string {
  return [...value]
    .map((c, i) => {
      if (!mask[i % Math.max(mask.length, 1)]) return c;
      const h = c.charCodeAt(0).toString(16).padStart(2, '0');
      return `%${lower ? h : h.toUpperCase()}`;
    })
    .join('');
}

describe('baggage properties', () => {
  it('a lane route\'s regex holds iff the list holds exactly that lane\'s member (W3C, percent-decoded)', () => {
    fc.assert(
      fc.property(
        fc.record({
          key: fc.oneof(fc.constant('lane'), token),
          lane: laneName,
          other: laneName,
          members: fc.array(fc.record({ key: token, value: octetValue, props: fc.array(fc.tuple(token, fc.option(octetValue, { nil: undefined })), { maxLength: 2 }) }), { maxLength: 4 }),
          mine: fc.constantFrom('none', 'lane', 'other', 'near'),
          at: fc.nat(),
          mask: fc.array(fc.boolean(), { minLength: 1, maxLength: 8 }),
          lower: fc.boolean(),
          spaces: fc.array(ows, { minLength: 8, maxLength: 8 }),
        }),
        ({ key, lane, other, members, mine, at, mask, lower, spaces }) => {
          const s = (i: number) => spaces[i % spaces.length]!;
          const unrelated = members.filter((m) => m.key !== key);
          const parts = unrelated.map((m, i) => `${m.key}${s(i)}=${s(i + 1)}${m.value}${m.props.map(([k, v]) => `${s(i + 2)};${s(i + 3)}${k}${v !== undefined ? `=${v}` : ''}`).join('')}`);
          const value = mine === 'lane' ? lane : mine === 'other' ? other : mine === 'near' ? `${lane}${other}` : undefined;
          if (value !== undefined) parts.splice(at % (parts.length + 1), 0, `${key}${s(4)}=${s(5)}${encodedVariant(value, mask, lower)}${s(6)}${mask[0] ? ';p=1' : ''}`);
          const list = parts.join(`${s(7)},${s(0)}`);
          const expected = value === lane;
          assert.equal(holds(baggageMemberRegex(key, lane), list), expected, `${key}=${lane} in ${JSON.stringify(list)}`);
          assert.equal(baggageLanes(list, key).includes(lane), expected, `parser: ${list}`);
        },
      ),
      { numRuns: RUNS * 4 },
    );
  });

  it('for generated specs with propagation baggage, every object passes the CRDs and Istio\'s rules, and every lane routes by its member', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(laneName.filter((l) => l !== 'base'), { minLength: 1, maxLength: 3 }),
        fc.oneof(fc.constant(undefined), token),
        fc.array(fc.boolean(), { minLength: 3, maxLength: 3 }),
        (lanes, key, runsCart) => {
          const spec: ReleaseSpec = {
            apiVersion: 'graylane.dev/v1alpha1',
            kind: 'Release',
            metadata: { name: 'shop', namespace: 'shop' },
            spec: {
              targets: ['istio', 'traefik'],
              services: { web: { port: 8080 }, cart: { port: 8080 } },
              lanes: {
                base: { baseline: true, selector: { version: 'v1' } },
                ...Object.fromEntries(lanes.map((l, i) => [l, { selector: { lane: l }, services: runsCart[i] ? ['cart', 'web'] : ['web'], fallback: ['base'] }])),
              },
              trafficLabel: { header: 'x-lane', propagation: 'baggage', ...(key !== undefined ? { baggageKey: key } : {}) },
              entry: {
                gateway: 'istio-system/public',
                hosts: ['shop.example.com'],
                service: 'web',
                traefik: { entryPoints: ['web'] },
                rules: lanes.map((l, i) => ({ name: `r${i}`, match: { headers: { 'x-pick': { exact: String(i) } } }, lane: l })),
              },
            },
          };
          const r = compile(spec);
          assert.deepEqual(r.diagnostics.map(formatDiagnostic), []);
          const istio = manifestsOf(r, 'istio');
          const traefik = manifestsOf(r, 'traefik');
          for (const m of istio) {
            assert.deepEqual(istioCrds().validate(m), [], `${m.kind} ${m.metadata.name}`);
            assert.deepEqual(istioSemanticProblems(m), [], `${m.kind} ${m.metadata.name}`);
          }
          for (const m of traefik) assert.deepEqual(traefikCrds('v3').validate(m), [], `${m.kind} ${m.metadata.name}`);
          const k = key ?? 'lane';
          lanes.forEach((lane, i) => {
            for (const entrance of [{ gateway: 'istio-system/public' }, { entryPoint: 'web' }] as const) {
              const edge = routeRequest([...istio, ...traefik], entrance, { host: 'shop.example.com', headers: { 'x-pick': String(i), baggage: `${k}=base` } });
              assert.deepEqual(edge.destinations.map((d) => d.headers.baggage), [baggageMember(k, lane)]);
            }
            const cart = simulateIstio(istio, { gateway: 'mesh', host: 'cart.shop.svc.cluster.local', headers: { baggage: `other=1, ${baggageMember(k, lane)};p` } });
            assert.deepEqual(cart.destinations.map((d) => d.subset), [runsCart[i] ? lane : 'base']);
            const near = simulateIstio(istio, { gateway: 'mesh', host: 'cart.shop.svc.cluster.local', headers: { baggage: `${k}=${lane}x` } });
            assert.deepEqual(near.destinations.map((d) => d.subset), ['base']);
          });
        },
      ),
      { numRuns: Math.max(20, RUNS / 5) },
    );
  });
});
