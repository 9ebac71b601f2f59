/**
 * The upstream corpus (test/fixtures/upstream): configuration written by Istio's and Traefik's authors, replayed
 * through the object model and `graylane check`, compared with the answers their documentation and tests give.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parse, parseAllDocuments } from 'yaml';
import { Model } from '../compiler/model/model';
import type { KubeObject } from '../compiler/model/object-set';
import type { Request } from '../compiler/model/request';
import { runRules } from '../compiler/rules/run';

const ROOT = 'test/fixtures/upstream';

interface CorpusRequest {
  via: string;
  host: string;
  port?: number;
  scheme?: string;
  method?: string;
  path?: string;
  headers?: Record<string, string>;
  sourceNamespace?: string;
  sourceLabels?: Record<string, string>;
}

interface Expect {
  destinations?: { host: string; subset?: string; port?: number; share: number }[];
  backends?: { service: string; namespace: string; port?: number | string; share: number }[];
  notFound?: boolean;
  directResponse?: { status: number; body?: string };
  redirect?: { status: number; location: string };
  fault?: { abort?: { httpStatus: number; percent: number }; delay?: { fixedDelay: string; percent: number } };
  mirrors?: { host?: string; subset?: string; service?: string; namespace?: string; percent: number }[];
  middlewares?: string[];
}

interface Case {
  id: string;
  files: string[];
  namespace?: string;
  unsure?: string;
  explain?: { request: CorpusRequest; expect: Expect }[];
  check?: { findings?: { code: string; object?: string; message?: string }[]; absent?: string[] };
}

/** graylane rules standing for istioctl analyze codes and for Traefik's "route not served" errors. */
const RULE_FOR_CODE: Readonly<Record<string, string>> = {
  IST0101: 'istio-destination-resolves',
  IST0109: 'istio-host-conflict',
  TraefikError: 'traefik-references-resolve',
};

/**
 * Where graylane's answer differs from the corpus, each with its reason; a listed case must still fail, so the list
 * cannot go stale (a fixed gap is removed from it).
 */
const KNOWN_DIFFERENCES: Readonly<Record<string, string>> = {
  'explain traefik-service-level-middleware': 'gap: middlewares on the children of a weighted TraefikService are not run yet',
  'explain traefik-missing-middlewares': 'gap: an errors middleware naming a missing service, and chains of provider references, are not resolved yet',
  'check bookinfo-certmanager-gateway': 'deliberate: with no Kubernetes Service in the input, graylane assumes `*.svc.cluster.local` hosts exist (rendered output never holds Services); istioctl analyze reports IST0101 for cert-manager-resolver',
  'check traefik-integration-cross-namespace': 'gap: an error inside a TraefikService is reported on the IngressRoute that reaches it, not on the TraefikService',
};

function known(name: string, body: () => void): void {
  const reason = KNOWN_DIFFERENCES[name];
  if (reason === undefined) return body();
  assert.throws(body, Error, `${name} is listed as a known difference (${reason}) but now agrees with upstream: remove it from the list`);
}

const cases = parse(readFileSync(join(ROOT, 'cases.yaml'), 'utf8')) as Case[];

function load(c: Case): KubeObject[] {
  return c.files.flatMap((f) =>
    parseAllDocuments(readFileSync(join(ROOT, f), 'utf8'))
      .map((d) => d.toJS() as KubeObject | null)
      .filter((o): o is KubeObject => !!o && typeof o === 'object' && typeof o.kind === 'string'),
  );
}

const round = (n: number) => Math.round(n * 100) / 100;

function answer(model: Model, r: CorpusRequest): Expect {
  const request: Request = {
    via: r.via,
    authority: r.host,
    ...(r.port !== undefined ? { port: r.port } : {}),
    ...(r.scheme === 'tcp' ? { protocol: 'tcp' as const } : r.scheme === 'http' || r.scheme === 'https' ? { scheme: r.scheme } : {}),
    ...(r.method ? { method: r.method } : {}),
    ...(r.path ? { path: r.path } : {}),
    ...(r.headers ? { headers: r.headers } : {}),
    ...(r.sourceNamespace ? { sourceNamespace: r.sourceNamespace } : {}),
    ...(r.sourceLabels ? { sourceLabels: r.sourceLabels } : {}),
  };
  if (r.via.startsWith('traefik:')) {
    const hop = model.routeTraefik(request);
    if (hop.status === 'no-route') return { notFound: true };
    const middlewares = hop.middlewares.map((m) => m.name);
    if (hop.status === 'redirect') return { redirect: hop.redirect!, middlewares };
    const backends = new Map<string, { service: string; namespace: string; port?: number | string; share: number }>();
    for (const b of hop.backends.filter((x) => !x.standby && x.weight > 0)) {
      const key = `${b.namespace}/${b.service}:${b.port ?? ''}`;
      const prev = backends.get(key);
      backends.set(key, { service: b.service, namespace: b.namespace, ...(b.port !== undefined ? { port: b.port } : {}), share: round((prev?.share ?? 0) + b.weight) });
    }
    return { backends: [...backends.values()], middlewares, mirrors: hop.mirrors.filter((m) => m.percent > 0).map((m) => ({ service: m.service, namespace: m.namespace, percent: round(m.percent) })) };
  }
  const hop = model.routeIstio(request);
  if (hop.status === 'not-found' || hop.status === 'no-route') return { notFound: true };
  if (hop.status === 'redirect') return { redirect: hop.redirect! };
  const fault = hop.fault
    ? {
        ...(hop.fault.abort ? { abort: { httpStatus: hop.fault.abort.httpStatus!, percent: hop.fault.abort.percent } } : {}),
        ...(hop.fault.delay ? { delay: { fixedDelay: hop.fault.delay.fixedDelay, percent: hop.fault.delay.percent } } : {}),
      }
    : undefined;
  if (hop.status === 'direct-response') return { directResponse: hop.directResponse!, ...(fault ? { fault } : {}) };
  return {
    destinations: hop.destinations.filter((d) => d.weight > 0).map((d) => ({ host: d.host, ...(d.subset !== undefined ? { subset: d.subset } : {}), ...(d.port !== undefined ? { port: d.port } : {}), share: round(d.weight) })),
    ...(fault ? { fault } : {}),
    mirrors: (hop.mirrors ?? []).map((m) => ({ host: m.host, ...(m.subset !== undefined ? { subset: m.subset } : {}), percent: m.percent })),
  };
}

/** The parts of the model's answer the case states, in the case's shape. */
function comparable(got: Expect, expect: Expect): Expect {
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(expect) as (keyof Expect)[]) {
    const value = got[key];
    if (key === 'destinations' || key === 'backends') {
      const list = (value ?? []) as { port?: unknown }[];
      const wanted = expect[key] as { port?: unknown }[];
      // A port the case leaves out is not compared.
      out[key] = list.map((d, i) => (wanted[i]?.port === undefined ? (({ port: _p, ...rest }) => rest)(d) : d)).sort(byJson);
    } else out[key] = value;
  }
  return out as Expect;
}

function byJson(a: unknown, b: unknown): number {
  const x = JSON.stringify(a);
  const y = JSON.stringify(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

function normalised(expect: Expect): Expect {
  return {
    ...expect,
    ...(expect.destinations ? { destinations: [...expect.destinations].sort(byJson) } : {}),
    ...(expect.backends ? { backends: [...expect.backends].sort(byJson) } : {}),
  };
}

describe('upstream corpus: explain answers', () => {
  for (const c of cases) {
    if (!c.explain || c.explain.length === 0) continue;
    it(`${c.id}${c.unsure ? ' (unsure in the corpus)' : ''}`, () => known(`explain ${c.id}`, () => {
      const model = new Model(load(c), { defaultNamespace: c.namespace ?? 'default' });
      for (const { request, expect } of c.explain!) {
        const got = answer(model, request);
        assert.deepEqual(comparable(got, expect), normalised(expect), `${c.id}: ${JSON.stringify(request)}`);
      }
    }));
  }
});

describe('upstream corpus: check findings', () => {
  for (const c of cases) {
    if (!c.check) continue;
    it(c.id, () => known(`check ${c.id}`, () => {
      const objects = load(c).map((o) => ({ ...o, metadata: { ...(o.metadata ?? {}), namespace: o.metadata?.namespace ?? c.namespace ?? 'default' } }));
      const findings = runRules(objects, { environment: 'dev' });
      for (const f of c.check!.findings ?? []) {
        const rule = RULE_FOR_CODE[f.code];
        if (!rule) continue; // an analyzer graylane does not implement: neither claimed nor denied
        const [kind, namespace, name] = (f.object ?? '').split('/');
        const hit = findings.find((x) => x.rule === rule && (f.object === undefined || (x.object.kind === kind && x.object.metadata?.namespace === namespace && x.object.metadata?.name === name)));
        assert.ok(hit, `${c.id}: expected ${f.code} (${rule}) on ${f.object}; got ${JSON.stringify(findings.map((x) => `${x.rule}: ${x.message}`))}`);
      }
      for (const code of c.check!.absent ?? []) {
        const rule = RULE_FOR_CODE[code];
        if (!rule) continue;
        const expectedObjects = new Set((c.check!.findings ?? []).filter((f) => f.code === code).map((f) => f.object));
        const extra = findings.filter((x) => x.rule === rule && !expectedObjects.has(`${x.object.kind}/${x.object.metadata?.namespace}/${x.object.metadata?.name}`));
        assert.deepEqual(extra.map((x) => x.message), [], `${c.id}: ${code} must not be reported`);
      }
    }));
  }
});
