/**
 * `diff` simulates only the sidecar rows a change can reach (compiler/inspect/traffic-scope.ts). These tests
 * compare it with the plain computation (`everyClass`: every request class simulated on both sides), byte for
 * byte, on random spec pairs and on random changes to the objects themselves, and pin the cases where a
 * change reaches a host only through a lookup (a DestinationRule, a Service, a ServiceEntry, a wildcard).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { compile, formatDiagnostic, type Manifest, type Plan, type ReleaseSpec } from '../compiler';
import type { DiffSide } from '../compiler/inspect/diff';
import { trafficScope } from '../compiler/inspect/traffic-scope';
import { Model } from '../compiler/model/model';
import { syntheticChange, syntheticSpec } from '../bench/synthetic-spec';
import { assertSameAsEveryClass } from './support/scoped-diff';
import { specArbitrary, weightsOver } from './support/spec-arbitrary';

const RUNS = Number(process.env.GRAYLANE_PROPERTY_RUNS ?? 150);

interface Compiled {
  readonly objects: Manifest[];
  readonly plan: Plan;
}

function compiled(spec: ReleaseSpec): Compiled | undefined {
  const result = compile(spec);
  if (!result.ok) return undefined;
  return { objects: result.outputs.flatMap((o) => o.manifests), plan: result.plan! };
}

function mustCompile(spec: ReleaseSpec): Compiled {
  const result = compile(spec);
  assert.ok(result.ok, result.diagnostics.map(formatDiagnostic).join('\n'));
  return { objects: result.outputs.flatMap((o) => o.manifests), plan: result.plan! };
}

function side(label: string, objects: Manifest[], plan?: Plan): DiffSide {
  return { label, objects, ...(plan ? { plan } : {}) };
}

const clone = <T>(x: T): T => structuredClone(x);

/** A changed copy of a spec: one or more of the edits reviewers make, drawn at random. */
function specChange(spec: ReleaseSpec): fc.Arbitrary<ReleaseSpec> {
  const laneNames = Object.keys(spec.spec.lanes);
  const services = Object.keys(spec.spec.services);
  const edit = fc.oneof(
    fc.record({ op: fc.constant('weights' as const), weights: weightsOver(laneNames) }),
    fc.record({ op: fc.constant('lane-services' as const), lane: fc.constantFrom(...laneNames), service: fc.constantFrom(...services) }),
    fc.record({ op: fc.constant('fallback' as const), lane: fc.constantFrom(...laneNames), fallback: fc.subarray(laneNames) }),
    fc.record({ op: fc.constant('export-to' as const), exportTo: fc.constantFrom(['.'], ['*'], ['gen', 'istio-system'], undefined) }),
    fc.record({ op: fc.constant('header' as const), header: fc.constantFrom('x-lane', 'x-env-tag', 'X-Lane', undefined) }),
    fc.record({ op: fc.constant('hosts' as const), hosts: fc.constantFrom(['gen.example.com'], ['other.example.com'], ['gen.example.com', 'www.example.com']) }),
    fc.record({ op: fc.constant('gateway' as const), gateway: fc.constantFrom('istio-system/public', 'istio-system/other', 'mesh') }),
    fc.record({ op: fc.constant('canary' as const), service: fc.constantFrom(...services), lane: fc.constantFrom(...laneNames), weight: fc.nat({ max: 100 }) }),
    fc.record({ op: fc.constant('targets' as const), targets: fc.constantFrom<ReleaseSpec['spec']['targets']>(['istio'], ['asm'], ['istio', 'traefik'], ['gateway-api']) }),
    fc.record({ op: fc.constant('service-port' as const), service: fc.constantFrom(...services), port: fc.constantFrom(8080, 9090) }),
    fc.record({ op: fc.constant('realisation' as const), lane: fc.constantFrom(...laneNames), kind: fc.constantFrom('namespace', 'endpoints', 'serviceName', 'selector'), n: fc.nat({ max: 3 }) }),
  );
  return fc.array(edit, { minLength: 1, maxLength: 3 }).map((edits) => {
    const out = clone(spec);
    const s = out.spec as Record<string, unknown> & ReleaseSpec['spec'];
    for (const e of edits) {
      switch (e.op) {
        case 'weights': {
          const rule = s.entry?.rules.find((r) => r.weights);
          if (rule) rule.weights = e.weights;
          break;
        }
        case 'lane-services': {
          const lane = s.lanes[e.lane]!;
          if (lane.baseline || lane.strict) break;
          const runs = lane.services ?? [];
          const next = runs.includes(e.service) ? runs.filter((x) => x !== e.service) : [...runs, e.service];
          if (next.length > 0) lane.services = next;
          break;
        }
        case 'fallback': {
          const lane = s.lanes[e.lane]!;
          if (lane.baseline || lane.strict) break;
          const others = e.fallback.filter((l) => l !== e.lane && !s.lanes[l]!.baseline);
          if (others.length > 0) lane.fallback = others;
          else delete lane.fallback;
          break;
        }
        case 'export-to':
          if (e.exportTo) s.exportTo = [...e.exportTo];
          else delete s.exportTo;
          break;
        case 'header':
          if (e.header) s.trafficLabel = { header: e.header };
          else delete s.trafficLabel;
          break;
        case 'hosts':
          if (s.entry && s.entry.gateway !== 'mesh') s.entry.hosts = [...e.hosts];
          break;
        case 'gateway':
          if (s.entry) {
            s.entry.gateway = e.gateway;
            if (e.gateway === 'mesh') delete s.entry.hosts;
            else s.entry.hosts ??= ['gen.example.com'];
          }
          break;
        case 'canary': {
          const lane = s.lanes[e.lane]!;
          if (lane.baseline || !(lane.strict || (lane.services ?? []).includes(e.service))) break;
          s.canary = { ...(s.canary ?? {}), [e.service]: { base: 100 - e.weight, [e.lane]: e.weight } };
          break;
        }
        case 'targets':
          s.targets = e.targets;
          break;
        case 'service-port':
          s.services[e.service] = { port: e.port };
          break;
        case 'realisation': {
          // Where a lane's copies live: a new namespace, other endpoints (ServiceEntries), other Service names.
          const lane = s.lanes[e.lane]! as Record<string, unknown>;
          if (lane.baseline) break;
          for (const k of ['selector', 'namespace', 'serviceName', 'endpoints']) delete lane[k];
          if (e.kind === 'namespace') lane.namespace = `ns-${e.n}`;
          else if (e.kind === 'endpoints') {
            lane.endpoints = [{ address: `10.9.0.${e.n + 1}` }];
            delete lane.strict;
            lane.services ??= [services[0]!];
          } else if (e.kind === 'serviceName') lane.serviceName = `{service}-${e.n}`;
          else lane.selector = { lane: `${e.lane}-${e.n}` };
          break;
        }
      }
    }
    return out;
  });
}

const specPair = specArbitrary.chain((spec) => fc.tuple(fc.constant(spec), specChange(spec)));

type Json = Record<string, unknown>;

/** Edits to rendered objects, as hand-written YAML may hold them: each reaches traffic through a lookup. */
const OBJECT_EDITS = [
  'delete',
  'subset-labels',
  'drop-subset',
  'route-weight',
  'export-to-self',
  'export-to-none',
  'dr-in-root-namespace',
  'dr-wildcard',
  'service-entry',
  'service',
  'wildcard-vs',
  'short-host-vs',
  'upper-case-host',
  'delegate',
  'namespace-only',
  'gateway-only',
  'route-elsewhere',
  'dr-elsewhere',
  'service-entry-elsewhere',
  'service-entry-wildcard',
] as const;

const ELSEWHERE = 'elsewhere.gen.svc.cluster.local';

/**
 * What hand-written inputs have and compiled ones lack, on both sides before an edit: Kubernetes Services for
 * every host, a route to another host's subset (its DestinationRule is then read for this host's rows), and a
 * VirtualService split into a root and a delegate.
 */
function augment(objects: readonly Manifest[], a: { services: boolean; elsewhere: boolean; delegated: boolean }): Manifest[] {
  const out = objects.map((o) => clone(o)) as unknown as Json[];
  const vss = out.filter((o) => o.kind === 'VirtualService' && ((o.spec as Json).hosts as string[] | undefined)?.length);
  if (a.elsewhere && vss.length > 0) {
    const http = ((vss[0]!.spec as Json).http as Json[] | undefined) ?? [];
    (vss[0]!.spec as Json).http = [{ match: [{ headers: { 'x-elsewhere': { exact: '1' } } }], route: [{ destination: { host: ELSEWHERE, subset: 'base' } }] }, ...http];
    out.push({ apiVersion: 'networking.istio.io/v1', kind: 'DestinationRule', metadata: { name: 'elsewhere', namespace: 'gen' }, spec: { host: ELSEWHERE, subsets: [{ name: 'base', labels: { version: 'v1' } }] } });
  }
  if (a.delegated && vss.length > 1) {
    const root = vss[vss.length - 1]!;
    const meta = root.metadata as Json;
    out.push({ apiVersion: 'networking.istio.io/v1', kind: 'VirtualService', metadata: { name: `${meta.name as string}-leaf`, namespace: meta.namespace }, spec: { http: (root.spec as Json).http } });
    (root.spec as Json).http = [{ delegate: { name: `${meta.name as string}-leaf` } }];
  }
  if (a.services) {
    const hosts = new Set<string>([ELSEWHERE]);
    for (const o of out) if (o.kind === 'VirtualService') for (const h of ((o.spec as Json).hosts as string[] | undefined) ?? []) if (h.endsWith('.svc.cluster.local')) hosts.add(h);
    for (const h of hosts) {
      const [name, namespace] = h.split('.');
      out.push({ apiVersion: 'v1', kind: 'Service', metadata: { name, namespace }, spec: { ports: [{ port: 8080, name: 'http' }] } });
    }
  }
  return out as unknown as Manifest[];
}

function editObjects(objects: readonly Manifest[], edit: (typeof OBJECT_EDITS)[number], pick: number): Manifest[] {
  const out = objects.map((o) => clone(o)) as unknown as Json[];
  const of = (kind: string) => out.filter((o) => o.kind === kind);
  const choose = <T>(xs: readonly T[]): T | undefined => (xs.length > 0 ? xs[pick % xs.length] : undefined);
  const spec = (o: Json) => o.spec as Json;
  const meta = (o: Json) => o.metadata as Json;
  const vs = choose(of('VirtualService'));
  const dr = choose(of('DestinationRule'));
  const anyHost = vs ? ((spec(vs).hosts as string[] | undefined)?.[0] ?? 'api.gen.svc.cluster.local') : 'api.gen.svc.cluster.local';
  switch (edit) {
    case 'delete':
      if (out.length > 0) out.splice(pick % out.length, 1);
      break;
    case 'subset-labels':
      if (dr) for (const s of (spec(dr).subsets as Json[] | undefined) ?? []) s.labels = { version: `v${pick % 3}` };
      break;
    case 'drop-subset':
      if (dr) spec(dr).subsets = ((spec(dr).subsets as Json[] | undefined) ?? []).slice(1);
      break;
    case 'route-weight':
      for (const r of (vs ? ((spec(vs).http as Json[] | undefined) ?? []) : [])) for (const d of (r.route as Json[] | undefined) ?? []) d.weight = (pick % 7) * 10;
      break;
    case 'export-to-self':
      if (dr) spec(dr).exportTo = ['.'];
      else if (vs) spec(vs).exportTo = ['.'];
      break;
    case 'export-to-none':
      if (vs) spec(vs).exportTo = ['~'];
      break;
    case 'dr-in-root-namespace':
      if (dr) out.push({ ...clone(dr), metadata: { ...meta(dr), namespace: pick % 2 === 0 ? 'istio-system' : 'gen' , name: `${meta(dr).name as string}-copy` }, spec: { ...spec(dr), host: String(spec(dr).host ?? anyHost), subsets: [{ name: 'base', labels: { version: 'other' } }] } });
      break;
    case 'dr-wildcard':
      out.push({ apiVersion: 'networking.istio.io/v1', kind: 'DestinationRule', metadata: { name: 'wild', namespace: 'gen' }, spec: { host: '*.gen.svc.cluster.local', subsets: [{ name: 'base', labels: { version: 'w' } }] } });
      break;
    case 'service-entry':
      out.push({ apiVersion: 'networking.istio.io/v1', kind: 'ServiceEntry', metadata: { name: 'se', namespace: 'gen' }, spec: { hosts: [anyHost], resolution: 'STATIC', ports: [{ number: 8080, name: 'http', protocol: 'HTTP' }], endpoints: [{ address: '10.0.0.9', labels: { version: 'v1' } }] } });
      break;
    case 'service': {
      const [name, namespace] = anyHost.split('.');
      out.push({ apiVersion: 'v1', kind: 'Service', metadata: { name: name ?? 'api', namespace: namespace ?? 'gen' }, spec: { ports: [{ port: 8080 + (pick % 2), name: 'http' }] } });
      break;
    }
    case 'wildcard-vs':
      out.push({ apiVersion: 'networking.istio.io/v1', kind: 'VirtualService', metadata: { name: 'wild', namespace: 'gen' }, spec: { hosts: ['*.gen.svc.cluster.local'], http: [{ route: [{ destination: { host: anyHost, subset: 'nowhere' } }] }] } });
      break;
    case 'short-host-vs':
      out.push({ apiVersion: 'networking.istio.io/v1', kind: 'VirtualService', metadata: { name: 'short', namespace: 'other' }, spec: { hosts: [anyHost.split('.').slice(0, 2).join('.')], http: [{ route: [{ destination: { host: anyHost } }] }] } });
      break;
    case 'upper-case-host':
      if (vs) spec(vs).hosts = ((spec(vs).hosts as string[] | undefined) ?? []).map((h) => h.toUpperCase());
      break;
    case 'delegate':
      if (vs) {
        const http = (spec(vs).http as Json[] | undefined) ?? [];
        out.push({ apiVersion: 'networking.istio.io/v1', kind: 'VirtualService', metadata: { name: 'leaf', namespace: meta(vs).namespace }, spec: { http: http.slice(0, 1) } });
        spec(vs).http = [{ delegate: { name: 'leaf' } }];
      }
      break;
    case 'namespace-only':
      out.push({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x', namespace: 'brand-new' } });
      break;
    case 'route-elsewhere':
      for (const r of (vs ? ((spec(vs).http as Json[] | undefined) ?? []) : [])) for (const d of (r.route as Json[] | undefined) ?? []) d.destination = { host: ELSEWHERE, subset: 'base' };
      break;
    case 'dr-elsewhere': {
      const existing = out.find((o) => o.kind === 'DestinationRule' && meta(o).name === 'elsewhere');
      if (existing) spec(existing).subsets = pick % 2 === 0 ? [] : [{ name: 'base', labels: { version: 'moved' } }];
      else out.push({ apiVersion: 'networking.istio.io/v1', kind: 'DestinationRule', metadata: { name: 'elsewhere', namespace: pick % 2 === 0 ? 'gen' : 'istio-system' }, spec: { host: ELSEWHERE, subsets: [{ name: 'base', labels: { version: 'moved' } }] } });
      break;
    }
    case 'service-entry-elsewhere':
      out.push({ apiVersion: 'networking.istio.io/v1', kind: 'ServiceEntry', metadata: { name: 'elsewhere', namespace: pick % 2 === 0 ? 'gen' : 'other' }, spec: { hosts: [ELSEWHERE], resolution: 'DNS', ...(pick % 3 === 0 ? { exportTo: ['.'] } : {}) } });
      break;
    case 'service-entry-wildcard':
      out.push({ apiVersion: 'networking.istio.io/v1', kind: 'ServiceEntry', metadata: { name: 'wild', namespace: 'gen' }, spec: { hosts: ['*.gen.svc.cluster.local'], resolution: 'STATIC', endpoints: [{ address: '10.0.0.7' }] } });
      break;
    case 'gateway-only':
      out.push({ apiVersion: 'networking.istio.io/v1', kind: 'Gateway', metadata: { name: 'public', namespace: 'istio-system' }, spec: { servers: [{ port: { number: 80, name: 'http', protocol: 'HTTP' }, hosts: [`${pick % 2 === 0 ? '*' : 'gen'}/gen.example.com`] }] } });
      break;
  }
  return out as unknown as Manifest[];
}

describe('diff simulates only the rows a change can reach', () => {
  it('gives the plain answer on random spec pairs (weights, lanes, fallbacks, exportTo, headers, hosts, gateways, canary, targets)', () => {
    let changedTraffic = 0;
    let skipped = 0;
    fc.assert(
      fc.property(specPair, ([a, b]) => {
        const before = compiled(a);
        const after = compiled(b);
        fc.pre(before !== undefined && after !== undefined);
        const report = assertSameAsEveryClass(side('old', before!.objects, before!.plan), side('new', after!.objects, after!.plan));
        if (report.traffic.length > 0) changedTraffic++;
        const scope = trafficScope(new Model(before!.objects), new Model(after!.objects), true);
        if (report.traffic.length > 0 && before!.objects.some((o) => o.kind === 'VirtualService' && !scope.meshHostMayDiffer(String((o.spec as { hosts?: string[] }).hosts?.[0])))) skipped++;
      }),
      { numRuns: RUNS },
    );
    // The property is not vacuous: traffic changed in many runs, and many of those left hosts out.
    assert.ok(changedTraffic > RUNS / 4, `${changedTraffic} runs changed traffic`);
    assert.ok(skipped > RUNS / 10, `${skipped} runs left hosts out`);
  });

  it('gives the plain answer when the objects themselves change (lookups: subsets, exportTo, ServiceEntries, Services, wildcards, delegates)', () => {
    const edits = fc.array(fc.tuple(fc.constantFrom(...OBJECT_EDITS), fc.nat({ max: 1000 })), { minLength: 1, maxLength: 3 });
    fc.assert(
      fc.property(specArbitrary, fc.record({ services: fc.boolean(), elsewhere: fc.boolean(), delegated: fc.boolean() }), edits, fc.boolean(), (spec, base, list, withPlans) => {
        const compiledSpec = compiled(spec);
        fc.pre(compiledSpec !== undefined);
        const original = augment(compiledSpec!.objects, base);
        let objects = original;
        for (const [edit, pick] of list) objects = editObjects(objects, edit, pick);
        const plan = withPlans ? compiledSpec!.plan : undefined;
        const context = withPlans ? {} : { laneHeader: compiledSpec!.plan.laneHeader ?? 'x-lane' };
        assertSameAsEveryClass(side('old', original, plan), side('new', objects, plan), context);
        assertSameAsEveryClass(side('old', objects, plan), side('new', original, plan), context);
      }),
      { numRuns: RUNS * 2 },
    );
  });

  it('the bench change: the same report as the plain diff, which leaves most hosts out', () => {
    const spec = syntheticSpec(60, 8);
    const before = mustCompile(spec);
    const after = mustCompile(syntheticChange(spec));
    const report = assertSameAsEveryClass(side('a', before.objects, before.plan), side('b', after.objects, after.plan));
    assert.ok(report.traffic.some((t) => t.where.startsWith('svc-0000.bench, lane')));
    assert.ok(report.traffic.some((t) => t.where.startsWith('entry istio-system/public bench.example.com')));
    const scope = trafficScope(new Model(before.objects), new Model(after.objects), true);
    assert.equal(scope.meshHostMayDiffer('svc-0000.bench.svc.cluster.local'), true);
    assert.equal(scope.meshHostMayDiffer('svc-0059.bench.svc.cluster.local'), false);
    // A short name shares its key with the service host, so it is never left out.
    assert.equal(scope.meshHostMayDiffer('svc-0059.bench'), true);
  });

  it('a DestinationRule alone moves the rows of every host that routes to it', () => {
    const { objects, plan } = mustCompile(syntheticSpec(20, 4));
    const changed = objects.map((o) =>
      o.kind === 'DestinationRule' && o.metadata.name === 'svc-0003-base'
        ? ({ ...o, spec: { ...(o.spec as object), subsets: [{ name: 'base', labels: { version: 'v9' } }] } } as Manifest)
        : o,
    );
    const report = assertSameAsEveryClass(side('a', objects, plan), side('b', changed, plan));
    assert.ok(report.traffic.some((t) => t.where.startsWith('svc-0003.bench') && t.after?.includes('v9')), JSON.stringify(report.traffic));
    const scope = trafficScope(new Model(objects), new Model(changed), true);
    assert.equal(scope.meshHostMayDiffer('svc-0003.bench.svc.cluster.local'), true);
    assert.equal(scope.meshHostMayDiffer('svc-0004.bench.svc.cluster.local'), false);
  });

  it('a DestinationRule or Service of another host moves the rows of the host that routes there', () => {
    const object = (kind: string, name: string, spec: object, apiVersion = 'networking.istio.io/v1') => ({ apiVersion, kind, metadata: { name, namespace: 'shop', labels: {} }, spec }) as unknown as Manifest;
    const service = (name: string) => object('Service', name, { ports: [{ port: 80, name: 'http' }] }, 'v1');
    const front = object('VirtualService', 'front', { hosts: ['front'], http: [{ route: [{ destination: { host: 'back', subset: 'v2' } }] }] });
    const dr = (version: string) => object('DestinationRule', 'back', { host: 'back', subsets: [{ name: 'v2', labels: { version } }] });
    const objects = [service('front'), service('back'), service('other'), front, dr('v2')];
    const moved = assertSameAsEveryClass(side('a', objects), side('b', [service('front'), service('back'), service('other'), front, dr('v3')]), { laneHeader: 'x-lane' });
    assert.deepEqual(moved.traffic, [{ where: 'front.shop, no lane', before: 'back.shop v2 100%', after: 'back.shop v3 100%' }]);
    const gone = assertSameAsEveryClass(side('a', objects), side('b', [service('front'), service('other'), front, dr('v2')]), { laneHeader: 'x-lane' });
    assert.deepEqual(gone.traffic.map((t) => t.where), ['front.shop, no lane']);
    assert.match(gone.traffic[0]!.after!, /unresolved/);
  });

  it('a ServiceEntry reaches the hosts it names, a wildcard or another lane header every host', () => {
    const { objects } = mustCompile(syntheticSpec(10, 3));
    const object = (kind: string, spec: object) => ({ apiVersion: 'networking.istio.io/v1', kind, metadata: { name: 'x', namespace: 'bench', labels: {} }, spec }) as unknown as Manifest;
    const host = 'svc-0009.bench.svc.cluster.local';
    const scope = (after: Manifest[], sameHeader = true) => trafficScope(new Model(objects), new Model(after), sameHeader);
    assert.equal(scope(objects).meshHostMayDiffer(host), false);
    assert.equal(scope([...objects, object('ServiceEntry', { hosts: ['x.example.com'] })]).meshHostMayDiffer(host), false);
    assert.equal(scope([...objects, object('ServiceEntry', { hosts: ['SVC-0009.bench.svc.cluster.local'] })]).meshHostMayDiffer(host), true);
    assert.equal(scope([...objects, object('ServiceEntry', { hosts: ['*.example.com'] })]).meshHostMayDiffer(host), true);
    assert.equal(scope([...objects, object('VirtualService', { hosts: ['*.bench.svc.cluster.local'] })]).meshHostMayDiffer(host), true);
    assert.equal(scope(objects, false).meshHostMayDiffer(host), true);
  });
});
