/**
 * An adversarial second reading of `diff`'s shortcut (compiler/inspect/traffic-scope.ts): small hand-written
 * Istio worlds — short, two-label, upper-case, trailing-dot and wildcard hosts, exportTo, several namespaces,
 * delegates, DestinationRules and ServiceEntries of other namespaces, Services on one side — changed one object
 * at a time, and the scoped diff compared with the every-row reference (`everyClass`) byte for byte.
 * Each named case below is a way a change can reach a host it does not name (upstream Istio semantics cited).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import type { Manifest } from '../compiler';
import { diffReleases, type DiffReport } from '../compiler/inspect/diff';
import { sameData } from '../compiler/inspect/same-data';
import { assertSameAsEveryClass as assertScopedDiff } from './support/scoped-diff';
import { trafficScope } from '../compiler/inspect/traffic-scope';
import { Model } from '../compiler/model/model';
import { baggageMemberRegex } from '../compiler/baggage';

const RUNS = Number(process.env.GRAYLANE_PROPERTY_RUNS ?? 150);
const CONTEXT = { laneHeader: 'x-lane' };

type Json = Record<string, unknown>;

function object(kind: string, namespace: string, name: string, spec: Json): Manifest {
  const apiVersion = kind === 'Service' ? 'v1' : 'networking.istio.io/v1';
  return { apiVersion, kind, metadata: { name, namespace }, spec } as unknown as Manifest;
}

const vs = (namespace: string, name: string, spec: Json) => object('VirtualService', namespace, name, spec);
const dr = (namespace: string, name: string, spec: Json) => object('DestinationRule', namespace, name, spec);
const se = (namespace: string, name: string, spec: Json) => object('ServiceEntry', namespace, name, spec);
const service = (namespace: string, name: string, ports: number[] = [80]) => object('Service', namespace, name, { ports: ports.map((port) => ({ port, name: `http-${port}` })) });
const to = (host: string, subset?: string) => ({ destination: { host, ...(subset !== undefined ? { subset } : {}) } });

/** The scoped diff equals the every-row one in every format (test/support/scoped-diff.ts); returns the report. */
function assertSameAsEveryClass(before: readonly Manifest[], after: readonly Manifest[], context: { laneHeader?: string } = CONTEXT): DiffReport {
  return assertScopedDiff({ label: 'old', objects: before }, { label: 'new', objects: after }, context);
}

/** Both directions (an added object is a removed one read backwards); the forward report. */
function assertBothWays(before: readonly Manifest[], after: readonly Manifest[], context: { laneHeader?: string } = CONTEXT): DiffReport {
  assertSameAsEveryClass(after, before, context);
  return assertSameAsEveryClass(before, after, context);
}

/** The report as JSON, or the error it fails with. */
function outcome(before: readonly Manifest[], after: readonly Manifest[], everyClass: boolean, context: { laneHeader?: string } = CONTEXT): string {
  try {
    return JSON.stringify(diffReleases({ label: 'old', objects: before }, { label: 'new', objects: after }, context, { everyClass }));
  } catch (e) {
    return `threw ${String(e)}`;
  }
}

/** The same objects (by identity and data), in any order. */
function sameObjects(before: readonly Manifest[], after: readonly Manifest[]): boolean {
  const a = new Model(before).objects;
  const b = new Model(after).objects;
  return a.all.length === b.all.length && b.all.every((s) => {
    const was = a.find(s.group, s.kind, s.namespace, s.name);
    return was !== undefined && sameData(was.object, s.object);
  });
}

const mayDiffer = (before: readonly Manifest[], after: readonly Manifest[], host: string) => trafficScope(new Model(before), new Model(after), true).meshHostMayDiffer(host);

describe('diff shortcut, adversarial cases (a change reaching a host it does not name)', () => {
  // Three hosts: front routes to back's subset; other is unrelated and must stay out of the scope.
  const base = [
    service('shop', 'front'),
    service('shop', 'back'),
    service('shop', 'other'),
    vs('shop', 'front', { hosts: ['front'], http: [{ route: [to('back', 'v2')] }] }),
    vs('shop', 'other', { hosts: ['other'], http: [{ route: [to('other')] }] }),
    dr('shop', 'back', { host: 'back', subsets: [{ name: 'v2', labels: { version: 'v2' } }] }),
  ];

  it('a DestinationRule in the caller namespace, naming the destination in full, overrides the one of the service namespace', () => {
    // push_context.go destinationRule: the caller's namespace is searched before the service's.
    const caller = [...base, vs('edge', 'front', { hosts: ['front.shop.svc.cluster.local'], http: [{ route: [to('back.shop.svc.cluster.local', 'v2')] }] })];
    const after = [...caller, dr('edge', 'back', { host: 'back.shop.svc.cluster.local', subsets: [{ name: 'v2', labels: { version: 'edge' } }] })];
    const report = assertBothWays(caller, after);
    assert.ok(report.traffic.some((t) => t.where === 'front.shop, no lane' && t.after?.includes('edge')), JSON.stringify(report.traffic));
    assert.equal(mayDiffer(caller, after, 'other.shop.svc.cluster.local'), false);
  });

  it('a DestinationRule in the root namespace reaches every caller of its host', () => {
    // push_context.go destinationRule: the root namespace (istio-system) is the last place searched.
    const without = base.filter((o) => o.kind !== 'DestinationRule');
    const after = [...without, dr('istio-system', 'back', { host: 'back.shop.svc.cluster.local', subsets: [{ name: 'v2', labels: { version: 'root' } }] })];
    const report = assertBothWays(without, after);
    assert.ok(report.traffic.some((t) => t.where === 'front.shop, no lane' && t.after?.includes('root')), JSON.stringify(report.traffic));
    assert.equal(mayDiffer(without, after, 'other.shop.svc.cluster.local'), false);
  });

  it('a DestinationRule short host is read in its own namespace, not the caller one', () => {
    // ResolveShortnameToFQDN qualifies a DestinationRule's short host with the rule's namespace.
    const after = [...base, dr('edge', 'back', { host: 'back', subsets: [{ name: 'v2', labels: { version: 'edge' } }] })];
    const report = assertBothWays(base, after);
    assert.deepEqual(report.traffic, []);
    // back.edge is a host no VirtualService names: the shop hosts stay out.
    assert.equal(mayDiffer(base, after, 'front.shop.svc.cluster.local'), false);
  });

  it('a DestinationRule exportTo change hides subsets from other namespaces', () => {
    // exportTo "." keeps a DestinationRule to its own namespace (networking/v1/destination_rule.proto exportTo).
    const caller = [...base, vs('edge', 'front', { hosts: ['front.shop.svc.cluster.local'], http: [{ route: [to('back.shop.svc.cluster.local', 'v2')] }] })];
    const hidden = caller.map((o) => (o.kind === 'DestinationRule' ? dr('shop', 'back', { host: 'back', exportTo: ['.'], subsets: [{ name: 'v2', labels: { version: 'v2' } }] }) : o));
    assertBothWays(caller, hidden);
  });

  it('DestinationRule hosts in upper case or with a trailing dot', () => {
    for (const host of ['BACK.shop.svc.cluster.local', 'back.shop.svc.cluster.local.', 'Back']) {
      const after = base.map((o) => (o.kind === 'DestinationRule' ? dr('shop', 'back', { host, subsets: [{ name: 'v2', labels: { version: 'v9' } }] }) : o));
      assertBothWays(base, after);
    }
  });

  it('two DestinationRules of one host merge: a second rule changes subsets without naming the routed host', () => {
    // Istio merges DestinationRules of one host in one namespace (push_context.go mergeDestinationRule), first wins.
    const after = [...base, dr('shop', 'aaa-back', { host: 'back', subsets: [{ name: 'v2', labels: { version: 'first' } }] })];
    const report = assertBothWays(base, after);
    assert.ok(report.traffic.some((t) => t.where === 'front.shop, no lane' && t.after?.includes('first')), JSON.stringify(report.traffic));
  });

  it('a wildcard DestinationRule, ServiceEntry or VirtualService reaches every host', () => {
    for (const wild of [
      dr('shop', 'wild', { host: '*.shop.svc.cluster.local', subsets: [{ name: 'v2', labels: { version: 'wild' } }] }),
      se('shop', 'wild', { hosts: ['*.svc.cluster.local'], resolution: 'STATIC', endpoints: [{ address: '10.0.0.1' }] }),
      vs('shop', 'wild', { hosts: ['*'], http: [{ route: [to('other')] }] }),
      vs('shop', 'wild', { hosts: ['*.shop.svc.cluster.local'], http: [{ route: [to('other')] }] }),
    ]) {
      const after = [...base, wild];
      assertBothWays(base, after);
      assert.equal(mayDiffer(base, after, 'other.shop.svc.cluster.local'), true);
    }
  });

  it('a ServiceEntry for the destination host changes its endpoints and ports', () => {
    const after = [...base, se('shop', 'back', { hosts: ['back.shop.svc.cluster.local'], resolution: 'STATIC', ports: [{ number: 80, name: 'http', protocol: 'HTTP' }], endpoints: [{ address: '10.0.0.2', labels: { version: 'v2' } }] })];
    const report = assertBothWays(base, after);
    assert.ok(report.traffic.some((t) => t.where === 'front.shop, no lane' && t.after?.includes('10.0.0.2')), JSON.stringify(report.traffic));
    assert.equal(mayDiffer(base, after, 'other.shop.svc.cluster.local'), false);
  });

  it('a ServiceEntry in another namespace, exported or not, and in upper case', () => {
    for (const exportTo of [undefined, ['.'], ['shop'], ['~']])
      for (const host of ['back.shop.svc.cluster.local', 'BACK.shop.svc.cluster.local']) {
        const after = [...base, se('ext', 'back', { hosts: [host], resolution: 'DNS', ...(exportTo ? { exportTo } : {}) })];
        assertBothWays(base, after);
      }
  });

  it('a ServiceEntry decides which namespace a non-Kubernetes host DestinationRule is looked up in', () => {
    // push_context.go destinationRule: the "service namespace" of a ServiceEntry host is the entry's.
    const ext = [
      ...base,
      vs('shop', 'out', { hosts: ['out'], http: [{ route: [to('api.example.com', 'v1')] }] }),
      se('vendor', 'api', { hosts: ['api.example.com'], resolution: 'DNS' }),
      dr('vendor', 'api', { host: 'api.example.com', subsets: [{ name: 'v1', labels: { version: 'vendor' } }] }),
    ];
    const moved = ext.map((o) => (o.kind === 'ServiceEntry' ? se('elsewhere', 'api', { hosts: ['api.example.com'], resolution: 'DNS' }) : o));
    const report = assertBothWays(ext, [...moved]);
    assert.ok(report.traffic.some((t) => t.where === 'out.shop, no lane'), JSON.stringify(report.traffic));
  });

  it('a Service appearing or its ports changing, also with Services on one side only', () => {
    assertBothWays(base, base.map((o) => (o.kind === 'Service' && o.metadata.name === 'back' ? service('shop', 'back', [80, 9090]) : o)));
    assertBothWays(base, base.filter((o) => !(o.kind === 'Service' && o.metadata.name === 'back')));
    // No Service left: every `*.svc.cluster.local` host is then assumed to exist.
    assertBothWays(base, base.filter((o) => o.kind !== 'Service'));
  });

  it('a VirtualService moving namespace changes the host its short name means', () => {
    // A short host qualifies with the VirtualService's namespace (ResolveShortnameToFQDN).
    const moved = base.map((o) => (o.kind === 'VirtualService' && o.metadata.name === 'front' ? vs('edge', 'front', { hosts: ['front'], http: [{ route: [to('back.shop.svc.cluster.local', 'v2')] }] }) : o));
    assertBothWays(base, moved);
  });

  it('VirtualService exportTo and gateways: hiding it from the caller, or binding it to a gateway only', () => {
    // exportTo and "mesh" in gateways decide which sidecars get the routes (virtual_service.proto gateways, exportTo).
    const edge = [...base, vs('edge', 'caller', { hosts: ['other.shop.svc.cluster.local'], http: [{ route: [to('back.shop.svc.cluster.local', 'v2')] }] })];
    for (const change of [{ exportTo: ['.'] }, { exportTo: ['~'] }, { exportTo: ['edge'] }, { gateways: ['shop/gw'] }, { gateways: ['mesh', 'shop/gw'] }]) {
      const after = edge.map((o) => (o.kind === 'VirtualService' && o.metadata.name === 'other' ? vs('shop', 'other', { hosts: ['other'], http: [{ route: [to('other')] }], ...change }) : o));
      assertBothWays(edge, after);
    }
  });

  it('the oldest VirtualService of a host wins: adding an older one for the same host takes over', () => {
    // config.go sortConfigByCreationTime: the model orders objects applied together by name, then namespace.
    const after = [...base, vs('shop', 'aaa', { hosts: ['front.shop.svc.cluster.local'], http: [{ route: [to('other')] }] })];
    const report = assertBothWays(base, after);
    assert.ok(report.traffic.some((t) => t.where === 'front.shop, no lane'), JSON.stringify(report.traffic));
  });

  it('hosts written in different case, with a trailing dot, short or with two labels', () => {
    for (const host of ['FRONT.shop.svc.cluster.local', 'front.shop.svc.cluster.local.', 'front.shop', 'front.shop.svc']) {
      const after = [...base, vs('shop', 'aaa', { hosts: [host], http: [{ route: [to('other')] }] })];
      assertBothWays(base, after);
    }
  });

  it('a delegate VirtualService changes the routes of the root that names it', () => {
    // virtualservice.go mergeVirtualServicesIfNeeded: a delegate's routes are merged into each root naming it.
    const rooted = [...base.filter((o) => o.metadata.name !== 'front' || o.kind !== 'VirtualService'), vs('shop', 'front', { hosts: ['front'], http: [{ delegate: { name: 'leaf', namespace: 'team' } }] }), vs('team', 'leaf', { http: [{ route: [to('back.shop.svc.cluster.local', 'v2')] }] })];
    assertBothWays(rooted, rooted.map((o) => (o.metadata.name === 'leaf' ? vs('team', 'leaf', { http: [{ route: [to('other.shop.svc.cluster.local')] }] }) : o)));
    assertBothWays(rooted, rooted.map((o) => (o.metadata.name === 'leaf' ? vs('team', 'leaf', { exportTo: ['.'], http: [{ route: [to('back.shop.svc.cluster.local', 'v2')] }] }) : o)));
    // The delegate gains hosts: it is no longer a delegate, the root's route is dropped.
    assertBothWays(rooted, rooted.map((o) => (o.metadata.name === 'leaf' ? vs('team', 'leaf', { hosts: ['leaf'], http: [{ route: [to('back.shop.svc.cluster.local', 'v2')] }] }) : o)));
    // A DestinationRule of a host only the delegate routes to.
    assertBothWays(rooted, rooted.map((o) => (o.kind === 'DestinationRule' ? dr('shop', 'back', { host: 'back', subsets: [{ name: 'v2', labels: { version: 'v7' } }] }) : o)));
    // A short destination host in a delegate of another namespace: istiod qualifies it with the delegate's
    // namespace (pilot/pkg/model/virtualservice_controller.go, ResolveVirtualServiceShortnames on the delegate),
    // and so does the model: a DestinationRule of back.team reaches front, one of back.shop does not.
    const short = rooted.map((o) => (o.metadata.name === 'leaf' ? vs('team', 'leaf', { http: [{ route: [to('back', 'v2')] }] }) : o));
    for (const namespace of ['shop', 'team']) {
      const after = [...short, dr(namespace, 'back-short', { host: 'back', subsets: [{ name: 'v2', labels: { version: namespace } }] })];
      assertBothWays(short, after);
      assert.equal(mayDiffer(short, after, 'front.shop.svc.cluster.local'), namespace === 'team');
      assert.equal(mayDiffer(short, after, 'other.shop.svc.cluster.local'), false);
    }
  });

  it('a route match reached only from another namespace (sourceNamespace) reads DestinationRules there', () => {
    const matched = base.map((o) => (o.kind === 'VirtualService' && o.metadata.name === 'front' ? vs('shop', 'front', { hosts: ['front'], http: [{ match: [{ sourceNamespace: 'edge' }], route: [to('back.shop.svc.cluster.local', 'v2')] }, { route: [to('other')] }] }) : o));
    const after = [...matched, dr('edge', 'back', { host: 'back.shop.svc.cluster.local', subsets: [{ name: 'v2', labels: { version: 'edge' } }] })];
    const report = assertBothWays(matched, after);
    assert.ok(report.traffic.some((t) => t.where.startsWith('front.shop: caller namespace edge') && t.after?.includes('edge')), JSON.stringify(report.traffic));
  });

  it('a mirror destination and a port-specific route', () => {
    const mirrored = base.map((o) => (o.kind === 'VirtualService' && o.metadata.name === 'front' ? vs('shop', 'front', { hosts: ['front'], http: [{ match: [{ port: 9090 }], route: [to('back', 'v2')] }, { route: [to('other')], mirror: { host: 'back', subset: 'v2' } }] }) : o));
    assertBothWays(mirrored, mirrored.map((o) => (o.kind === 'Service' && o.metadata.name === 'front' ? service('shop', 'front', [9090]) : o)));
    assertBothWays(mirrored, mirrored.map((o) => (o.kind === 'DestinationRule' ? dr('shop', 'back', { host: 'back', subsets: [] }) : o)));
  });

  it('a host with a space spells the row key of another host, whose lane is named to match (bug found: fixed by every row)', () => {
    // Not a valid host (Istio's validation rejects it), but read as written: "other.shop, lane gray" + ", no lane"
    // is also other.shop's row for lane "gray, no lane". Scoped, the left-out other.shop no longer owned that key.
    const before = [
      vs('shop', 'other', { hosts: ['other'], http: [{ match: [{ headers: { 'x-lane': { exact: 'gray, no lane' } } }], route: [to('other')] }, { route: [to('other')] }] }),
      vs('shop', 'zzz', { hosts: ['other.shop, lane gray'], http: [{ route: [to('a.shop.svc.cluster.local')] }] }),
    ];
    const after = [before[0]!, vs('shop', 'zzz', { hosts: ['other.shop, lane gray'], http: [{ route: [to('b.shop.svc.cluster.local')] }] })];
    const report = assertBothWays(before, after);
    assert.deepEqual(report.traffic.map((t) => t.where), ['other.shop, lane gray, lane gray, no lane']);
    assert.equal(mayDiffer(before, after, 'other.shop.svc.cluster.local'), true);
  });

  it('routes not in the shape the simulator reads: the same answer, or the same failure, as every row (bug found: the scope threw)', () => {
    // A `route` or `mirrors` that is not a list (a YAML slip) after a catch-all is never read by the simulator;
    // the scope read every route and threw. A destination without a host makes the simulator throw when it is
    // read: left out, the scope answered where the plain diff fails. Both now fall back to every row.
    for (const odd of [
      { tcp: { route: [] } },
      { tls: [{ route: { destination: { host: 'a' } } }] },
      { http: [{ route: [to('other')] }, { route: { destination: { host: 'a' } } }] },
      { http: [{ route: [to('other')] }, null] },
      { http: [{ route: [to('other')], mirrors: { destination: { host: 'a' } } }] },
      { http: [{ route: [{ destination: {} }] }] },
      { http: [{ route: [to('other')], mirror: { subset: 'v1' } }] },
    ]) {
      const before = base.map((o) => (o.kind === 'VirtualService' && o.metadata.name === 'other' ? vs('shop', 'other', { hosts: ['other'], http: [{ route: [to('other')] }], ...odd }) : o));
      for (const after of [
        before.map((o) => (o.kind === 'DestinationRule' ? dr('shop', 'back', { host: 'back', subsets: [{ name: 'v2', labels: { version: 'v5' } }] }) : o)),
        before.map((o) => (o.kind === 'VirtualService' && o.metadata.name === 'front' ? vs('shop', 'front', { hosts: ['front'], http: [{ route: [to('back', 'v1')] }] }) : o)),
      ]) {
        assert.equal(outcome(before, after, false), outcome(before, after, true), JSON.stringify(odd));
        assert.equal(outcome(after, before, false), outcome(after, before, true), JSON.stringify(odd));
      }
    }
  });

  it('objects the sidecar model does not read (Gateway, Sidecar, a new namespace) leave the service rows out', () => {
    const after = [...base, object('Gateway', 'shop', 'gw', { servers: [{ port: { number: 80, name: 'http', protocol: 'HTTP' }, hosts: ['*/front.shop.svc.cluster.local'] }] }), object('Sidecar', 'shop', 'default', { egress: [{ hosts: ['./*'] }] }), object('Namespace', '', 'brand-new', {})];
    assertBothWays(base, after);
    assert.equal(mayDiffer(base, after, 'front.shop.svc.cluster.local'), false);
  });
});

// --- The generator: random small worlds of hand-written objects, and one change to them. ---

const NAMESPACES = ['a', 'b', 'istio-system'];
/** Every spelling of a host the model reads differently: short, two-label, full, upper case, trailing dot, wildcard. */
const HOSTS = ['x', 'y', 'x.a', 'y.b', 'z.a, lane gray', 'x.a.svc.cluster.local', 'y.b.svc.cluster.local', 'z.a.svc.cluster.local', 'X.a.svc.cluster.local', 'x.a.svc.cluster.local.', 'ext.example.com', '*.a.svc.cluster.local', '*.example.com', '*'];
const DESTINATIONS = HOSTS.filter((h) => !h.startsWith('*'));
/** Mostly the spellings of three services (so objects meet), sometimes any. */
const COMMON = ['x', 'z.a.svc.cluster.local', 'y.b.svc.cluster.local'];
const host = fc.oneof({ weight: 5, arbitrary: fc.constantFrom(...COMMON) }, { weight: 2, arbitrary: fc.constantFrom(...HOSTS) });
const destinationHost = fc.oneof({ weight: 5, arbitrary: fc.constantFrom(...COMMON, 'ext.example.com') }, { weight: 2, arbitrary: fc.constantFrom(...DESTINATIONS) });
const NAMES = ['p', 'q', 'r', 'leaf'];
const KINDS = ['VirtualService', 'DestinationRule', 'ServiceEntry', 'Service'] as const;
type Kind = (typeof KINDS)[number];

const opt = <T>(a: fc.Arbitrary<T>) => fc.option(a, { nil: undefined, freq: 2 });
const exportTo = opt(fc.constantFrom(['.'], ['*'], ['a'], ['b', 'istio-system'], ['~']));

const destination = fc.record({ host: destinationHost, subset: opt(fc.constantFrom('v1', 'v2')), port: opt(fc.constantFrom(80, 9090)) });
const match = fc.record(
  { headers: fc.constantFrom({ 'x-lane': { exact: 'gray' } }, { 'x-lane': { exact: 'blue' } }, { 'x-lane': { exact: 'gray, no lane' } }, { baggage: { regex: baggageMemberRegex('lane', 'gray') } }, { baggage: { regex: baggageMemberRegex('env', 'blue') } }, { 'x-user': { exact: '1' } }), sourceNamespace: fc.constantFrom('a', 'b'), port: fc.constantFrom(80, 9090), gateways: fc.constantFrom(['mesh'], ['gw']) },
  { requiredKeys: [] },
);
const httpRoute = fc.oneof(
  { weight: 30, arbitrary: fc.record({ match: opt(fc.array(match, { minLength: 1, maxLength: 2 })), route: fc.array(fc.record({ destination, weight: opt(fc.nat({ max: 100 })) }), { minLength: 1, maxLength: 2 }), mirror: opt(destination.map((d) => ({ host: d.host }))) }) },
  { weight: 7, arbitrary: fc.record({ match: opt(fc.array(match, { minLength: 1, maxLength: 1 })), delegate: fc.record({ name: fc.constant('leaf'), namespace: opt(fc.constantFrom(...NAMESPACES)) }) }) },
  // YAML slips the simulator may never read (after a catch-all) or fail on: a map for a list, no host.
  { weight: 1, arbitrary: fc.constantFrom<Json>({ route: { destination: { host: 'x' } } }, { route: [{ destination: {} }] }, { route: [{ destination: { host: 'x' } }], mirrors: { destination: { host: 'y' } } }) },
);
const SPECS: Record<Kind, fc.Arbitrary<Json>> = {
  VirtualService: fc.record({
    // No hosts: a delegate.
    hosts: fc.oneof({ weight: 4, arbitrary: fc.uniqueArray(host, { minLength: 1, maxLength: 2 }) }, { weight: 1, arbitrary: fc.constant(undefined) }),
    gateways: opt(fc.constantFrom(['mesh'], ['gw'], ['mesh', 'gw'])),
    exportTo,
    http: fc.array(httpRoute, { maxLength: 3 }),
  }),
  DestinationRule: fc.record({
    host,
    exportTo,
    subsets: fc.subarray([{ name: 'v1', labels: { version: 'v1' } }, { name: 'v2', labels: { version: 'v2' } }, { name: 'v2', labels: { version: 'v3' } }]),
  }),
  ServiceEntry: fc.record({
    hosts: fc.uniqueArray(fc.oneof(destinationHost, fc.constant('*.example.com')), { minLength: 1, maxLength: 2 }),
    exportTo,
    resolution: fc.constantFrom('DNS', 'STATIC', 'NONE'),
    ports: opt(fc.constantFrom([{ number: 80, name: 'http', protocol: 'HTTP' }], [{ number: 80, name: 'http', protocol: 'HTTP' }, { number: 9090, name: 'http2', protocol: 'HTTP' }])),
    endpoints: opt(fc.subarray([{ address: '10.0.0.1', labels: { version: 'v1' } }, { address: '10.0.0.2', labels: { version: 'v2' } }], { minLength: 1 })),
  }),
  Service: fc.record({ ports: fc.constantFrom([{ port: 80, name: 'http' }], [{ port: 9090, name: 'http' }], [{ port: 80, name: 'http' }, { port: 9090, name: 'grpc' }]) }),
};

/** JSON as YAML would give it: no undefined members. */
const plain = (x: Json): Json => JSON.parse(JSON.stringify(x)) as Json;

const anObject = fc.constantFrom<Kind>('VirtualService', 'VirtualService', 'DestinationRule', 'DestinationRule', 'ServiceEntry', 'ServiceEntry', 'Service', 'Service').chain((kind) =>
  fc.record({ kind: fc.constant(kind), namespace: fc.constantFrom(...NAMESPACES), name: kind === 'Service' ? fc.constantFrom('x', 'y', 'z') : fc.constantFrom(...NAMES), spec: SPECS[kind] }),
);
type Drawn = { kind: Kind; namespace: string; name: string; spec: Json; apiVersion?: string };
const toManifest = (o: Drawn) => {
  const m = object(o.kind, o.namespace, o.name, plain(o.spec));
  return o.apiVersion !== undefined ? ({ ...m, apiVersion: o.apiVersion } as Manifest) : m;
};
const identity = (o: Drawn) => `${o.kind}/${o.namespace}/${o.name}`;

const world = fc.record({
  objects: fc.uniqueArray(anObject, { maxLength: 14, selector: identity }),
  // Services behind most hosts on both sides (hand-written inputs usually have them), or none at all.
  services: fc.boolean(),
  // A release-like skeleton the random objects meet: hosts routing to subsets of one another.
  skeleton: fc.boolean(),
  // The lane header both sides are read with (diff --lane-header); baggage reads the member key from the objects.
  laneHeader: fc.constantFrom('x-lane', 'x-lane', 'X-Lane', 'baggage', undefined),
});

const change = fc.record({
  op: fc.constantFrom('replace', 'replace', 'delete', 'add', 'move', 'rename', 'regroup'),
  name: fc.constantFrom(...NAMES),
  index: fc.nat({ max: 1000 }),
  drawn: anObject,
  respec: fc.record(SPECS),
  namespace: fc.constantFrom(...NAMESPACES),
});

const SERVICES: Drawn[] = [
  { kind: 'Service', namespace: 'a', name: 'x', spec: { ports: [{ port: 80, name: 'http' }] } },
  { kind: 'Service', namespace: 'b', name: 'y', spec: { ports: [{ port: 80, name: 'http' }] } },
  { kind: 'Service', namespace: 'a', name: 'z', spec: { ports: [{ port: 80, name: 'http' }] } },
];

const SKELETON: Drawn[] = [
  { kind: 'VirtualService', namespace: 'a', name: 'x', spec: { hosts: ['x'], http: [{ match: [{ headers: { 'x-lane': { exact: 'gray' } } }], route: [{ destination: { host: 'z', subset: 'v2' } }] }, { match: [{ port: 9090 }], route: [{ destination: { host: 'y.b.svc.cluster.local' } }] }, { route: [{ destination: { host: 'z', subset: 'v1' }, weight: 90 }, { destination: { host: 'y.b.svc.cluster.local', subset: 'v1' }, weight: 10 }] }] } },
  { kind: 'VirtualService', namespace: 'b', name: 'y', spec: { hosts: ['y'], http: [{ route: [{ destination: { host: 'y', subset: 'v1' } }] }] } },
  { kind: 'VirtualService', namespace: 'a', name: 'z', spec: { hosts: ['z'], http: [{ route: [{ destination: { host: 'z', subset: 'v1' } }] }] } },
  { kind: 'DestinationRule', namespace: 'a', name: 'z', spec: { host: 'z', subsets: [{ name: 'v1', labels: { version: 'v1' } }, { name: 'v2', labels: { version: 'v2' } }] } },
  { kind: 'DestinationRule', namespace: 'b', name: 'y', spec: { host: 'y', subsets: [{ name: 'v1', labels: { version: 'v1' } }] } },
  { kind: 'VirtualService', namespace: 'b', name: 'out', spec: { hosts: ['out'], http: [{ route: [{ destination: { host: 'ext.example.com', subset: 'v1' } }] }] } },
  { kind: 'ServiceEntry', namespace: 'b', name: 'q', spec: { hosts: ['ext.example.com'], resolution: 'STATIC', endpoints: [{ address: '10.0.0.1', labels: { version: 'v1' } }] } },
  { kind: 'DestinationRule', namespace: 'b', name: 'ext', spec: { host: 'ext.example.com', subsets: [{ name: 'v1', labels: { version: 'v1' } }] } },
];

function applyChange(objects: readonly Drawn[], c: typeof change extends fc.Arbitrary<infer T> ? T : never): Drawn[] {
  const out = [...objects];
  const i = out.length > 0 ? c.index % out.length : -1;
  switch (c.op) {
    case 'replace':
      if (i >= 0) out[i] = { ...out[i]!, spec: c.respec[out[i]!.kind] };
      break;
    case 'delete':
      if (i >= 0) out.splice(i, 1);
      break;
    case 'add':
      if (!out.some((o) => identity(o) === identity(c.drawn))) out.push(c.drawn);
      break;
    case 'move':
      if (i >= 0 && !out.some((o) => identity(o) === identity({ ...out[i]!, namespace: c.namespace }))) out[i] = { ...out[i]!, namespace: c.namespace };
      break;
    case 'rename':
      // Another name is another creation order (the model's stand-in for creationTimestamp).
      if (i >= 0 && out[i]!.kind !== 'Service' && !out.some((o) => identity(o) === identity({ ...out[i]!, name: c.name }))) out[i] = { ...out[i]!, name: c.name };
      break;
    case 'regroup':
      // Another version of the same group is the same object; another group is an object the model does not read.
      if (i >= 0 && out[i]!.kind !== 'Service') out[i] = { ...out[i]!, apiVersion: c.index % 2 === 0 ? 'networking.istio.io/v1beta1' : 'example.com/v1' };
      break;
  }
  return out;
}

describe('diff shortcut on random hand-written worlds', () => {
  it('gives the every-row answer for one change of a VirtualService, DestinationRule, ServiceEntry or Service', () => {
    const stats = { changed: 0, leftOut: 0, failed: 0, byKind: new Map<string, number>() };
    fc.assert(
      fc.property(world, change, ({ objects, services, skeleton, laneHeader }, c) => {
        const fixed = [...(services ? SERVICES : []), ...(skeleton ? SKELETON : [])];
        const drawn = [...fixed.filter((s) => !objects.some((o) => identity(o) === identity(s))), ...objects];
        const next = applyChange(drawn, c);
        const before = drawn.map(toManifest);
        const after = next.map(toManifest);
        const context = laneHeader !== undefined ? { laneHeader } : {};
        let report: DiffReport | undefined;
        for (const [x, y] of [[after, before], [before, after]] as const) {
          const plain = outcome(x, y, true, context);
          if (!plain.startsWith('threw')) report = assertSameAsEveryClass(x, y, context);
          else {
            // The plain diff fails on a slip it reads: the scoped one fails the same way, unless nothing changed
            // at all (then it reports no change without simulating anything).
            stats.failed++;
            report = undefined;
            if (!sameObjects(x, y)) assert.equal(outcome(x, y, false, context), plain);
          }
        }
        if (report === undefined) return;
        if (report.traffic.length === 0) return;
        stats.changed++;
        const changedKinds = new Set(report.objects.map((o) => o.object.split(' ')[0]!));
        if (process.env.DIFF_SCOPE_STATS && changedKinds.has('DestinationRule') && stats.changed < 3) console.log(JSON.stringify(report.traffic));
        for (const k of changedKinds) stats.byKind.set(k, (stats.byKind.get(k) ?? 0) + 1);
        // A row of a full service host the scope left out, in a run whose traffic changed: the shortcut was taken.
        const scope = trafficScope(new Model(before), new Model(after), true);
        const hosts = new Model(after).istio.virtualServices.flatMap((v) => v.hosts);
        if (hosts.some((h) => /^[a-z0-9-]+(\.[a-z0-9-]+)*\.svc\.cluster\.local$/.test(h) && !scope.meshHostMayDiffer(h))) stats.leftOut++;
      }),
      { numRuns: RUNS * 4 },
    );
    if (process.env.DIFF_SCOPE_STATS) console.log(stats);
    // Not vacuous: traffic changed often (and the plain diff failed on slips in some runs), through each kind, and often with hosts left out of the scope.
    assert.ok(stats.changed > RUNS / 2, `${stats.changed} runs changed traffic`);
    for (const kind of KINDS) assert.ok((stats.byKind.get(kind) ?? 0) > RUNS / 50, `${kind}: ${stats.byKind.get(kind) ?? 0} traffic changes`);
    assert.ok(stats.leftOut > RUNS / 10, `${stats.leftOut} runs left hosts out`);
    assert.ok(stats.failed > 0, 'no run met a slip the plain diff fails on');
  });
});
