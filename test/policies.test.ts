/**
 * The CrossGuard policy pack, by direct calls: for every rule a compliant case, a violating case with the
 * exact message, objects with properties missing, and a config override; stack rules also run over the
 * resources the stack program registers under Pulumi mocks.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { PolicyResource, ResourceValidationPolicy, StackValidationPolicy } from '@pulumi/policy';
import { RULES } from '../compiler/rules/registry';
import type { K8sObject } from '../compiler/rules/rule';
import { stackConfigs } from '../scripts/stack-configs';
import { ROOT } from './support/examples';
import { runStackProgram } from './support/pulumi-mocks';

type AnyPolicy = ResourceValidationPolicy | StackValidationPolicy;

// eslint-disable-next-line @typescript-eslint/no-require-imports
const policy = (name: string): AnyPolicy => (require(join(ROOT, 'policies', 'rules', `${name}.ts`)) as { default: AnyPolicy }).default;

const typeOf = (o: K8sObject) => `kubernetes:${o.apiVersion}:${o.kind}`;

/** Runs one policy over objects as Pulumi would and returns the violation messages. */
async function violations(name: string, objects: K8sObject[], config: Record<string, unknown> = {}, tags: Record<string, string> = {}): Promise<string[]> {
  const p = policy(name);
  const out: string[] = [];
  const report = (message: string) => out.push(message);
  const common = { getConfig: <T extends object>() => config as T, stackTags: new Map(Object.entries(tags)), notApplicable: () => { throw new Error('n/a'); } };
  const resources = objects.map((o, i) => ({ type: typeOf(o), props: o as Record<string, unknown>, urn: `urn:pulumi:s::p::${typeOf(o)}::r${i}`, name: `r${i}`, opts: {}, dependencies: [], propertyDependencies: {}, isType: () => false, asType: () => undefined }));
  if ('validateStack' in p) await p.validateStack({ ...common, resources: resources as unknown as PolicyResource[] } as never, report);
  else for (const r of resources) await (p.validateResource as (a: unknown, r: typeof report) => void)({ ...common, ...r }, report);
  return out;
}

const meta = (name: string, extra: Record<string, unknown> = {}) => ({ name, namespace: 'shop', ...extra });
const vs = (name: string, spec: Record<string, unknown>, metadata: Record<string, unknown> = {}): K8sObject => ({ apiVersion: 'networking.istio.io/v1', kind: 'VirtualService', metadata: meta(name, metadata), spec });
const dr = (name: string, host: string, subsets: string[], spec: Record<string, unknown> = {}, metadata: Record<string, unknown> = {}): K8sObject => ({ apiVersion: 'networking.istio.io/v1', kind: 'DestinationRule', metadata: meta(name, metadata), spec: { host, subsets: subsets.map((s) => ({ name: s, labels: { version: s } })), ...spec } });
const se = (name: string, hosts: string[], metadata: Record<string, unknown> = {}): K8sObject => ({ apiVersion: 'networking.istio.io/v1', kind: 'ServiceEntry', metadata: meta(name, metadata), spec: { hosts, resolution: 'STATIC', ports: [{ number: 80, name: 'http', protocol: 'HTTP' }], endpoints: [{ address: '10.0.0.1' }] } });
const mw = (name: string, spec: Record<string, unknown>): K8sObject => ({ apiVersion: 'traefik.io/v1alpha1', kind: 'Middleware', metadata: meta(name), spec });
const ir = (name: string, routes: Record<string, unknown>[], metadata: Record<string, unknown> = {}): K8sObject => ({ apiVersion: 'traefik.io/v1alpha1', kind: 'IngressRoute', metadata: meta(name, metadata), spec: { routes } });
const ts = (name: string, weights: Record<string, number>): K8sObject => ({ apiVersion: 'traefik.io/v1alpha1', kind: 'TraefikService', metadata: meta(name), spec: { weighted: { services: Object.entries(weights).map(([n, weight]) => ({ name: n, port: 80, weight })) } } });
const route = (...dests: [string, string | undefined, number?][]) => ({ name: 'r', route: dests.map(([host, subset, weight]) => ({ destination: { host, ...(subset ? { subset } : {}) }, ...(weight !== undefined ? { weight } : {}) })) });
const gatewayVs = (guarded: boolean) =>
  vs('entry', { hosts: ['shop.example.com'], gateways: ['istio-system/public'], http: [{ name: 'all', route: [{ destination: { host: 'web' }, ...(guarded ? { headers: { request: { remove: ['x-lane'] } } } : {}) }] }] }, { annotations: { 'graylane.dev/lane-header': 'x-lane' } });

interface Case {
  compliant: K8sObject[];
  violating: K8sObject[];
  message: string;
  /** Objects with properties missing: the rule must neither crash nor invent a violation beyond `missingReports`. */
  missing: K8sObject[];
  missingReports?: string[];
  config?: Record<string, unknown>;
  /** A config under which `violating` complies, or under which `compliant` violates. */
  override: { config: Record<string, unknown>; objects: K8sObject[]; expect: string[] };
  tags?: Record<string, string>;
}

const bare = (kind: string, apiVersion = 'networking.istio.io/v1'): K8sObject => ({ apiVersion, kind, metadata: { name: 'bare', namespace: 'shop' } });

const httpRoute = (name: string, spec: Record<string, unknown>, namespace = 'shop'): K8sObject => ({ apiVersion: 'gateway.networking.k8s.io/v1', kind: 'HTTPRoute', metadata: { name, namespace }, spec });
const svc = (name: string, namespace = 'shop'): K8sObject => ({ apiVersion: 'v1', kind: 'Service', metadata: { name, namespace }, spec: { ports: [{ port: 80 }] } });
const meshRoute = (service: string) => httpRoute(`${service}-mesh`, { parentRefs: [{ group: '', kind: 'Service', name: service, port: 80 }], rules: [{ backendRefs: [{ name: service, port: 80 }] }] });
const grant: K8sObject = { apiVersion: 'gateway.networking.k8s.io/v1beta1', kind: 'ReferenceGrant', metadata: { name: 'from-shop', namespace: 'payments' }, spec: { from: [{ group: 'gateway.networking.k8s.io', kind: 'HTTPRoute', namespace: 'shop' }], to: [{ group: '', kind: 'Service' }] } };
const crossRoute = httpRoute('pay', { parentRefs: [{ name: 'gw' }], rules: [{ backendRefs: [{ name: 'pay', namespace: 'payments', port: 80 }] }] });
const manyRules = (n: number) => httpRoute('big', { parentRefs: [{ name: 'gw' }], rules: Array.from({ length: n }, (_, i) => ({ matches: [{ path: { type: 'PathPrefix', value: `/p${i}` } }], backendRefs: [{ name: 'web', port: 80 }] })) });

const CASES: Record<string, Case> = {
  'istio-destination-resolves': {
    compliant: [dr('r', 'reviews', ['v1']), vs('reviews', { hosts: ['reviews'], http: [route(['reviews', 'v1'])] })],
    violating: [dr('r', 'reviews', ['v1']), vs('reviews', { hosts: ['reviews'], http: [route(['reviews', 'v2'])] })],
    message: 'VirtualService shop/reviews route r sends requests to subset "v2" of reviews.shop.svc.cluster.local, which no DestinationRule defines (IST0101); they fail with 503 NC.',
    missing: [bare('VirtualService'), bare('DestinationRule')],
    override: { config: { environment: 'dev', enforcementLevel: 'disabled' }, objects: [vs('x', { hosts: ['x'], http: [route(['x', 'v9'])] })], expect: [] },
  },
  'istio-host-conflict': {
    compliant: [vs('a', { hosts: ['a'], http: [route(['a', undefined])] }), vs('b', { hosts: ['b'], http: [route(['b', undefined])] })],
    violating: [vs('a', { hosts: ['a'], http: [route(['a', undefined])] }), vs('a2', { hosts: ['a.shop.svc.cluster.local'], http: [route(['a', undefined])] })],
    message: 'VirtualService shop/a2 binds host a.shop.svc.cluster.local for the mesh, which VirtualService shop/a already binds (IST0109); sidecars use only VirtualService shop/a.',
    missing: [bare('VirtualService'), bare('VirtualService')],
    override: { config: {}, objects: [vs('a', { hosts: ['a'], gateways: ['gw'], http: [] }), vs('a2', { hosts: ['a'], gateways: ['mesh'], http: [] })], expect: [] },
  },
  'istio-weights-valid': {
    compliant: [vs('a', { hosts: ['a'], http: [route(['a', 'v1', 60], ['a', 'v2', 40])] })],
    violating: [vs('a', { hosts: ['a'], http: [route(['a', 'v1', 60], ['a', 'v2', 30])] })],
    message: 'VirtualService shop/a route r has weights summing to 90; they must sum to 100.',
    missing: [bare('VirtualService'), vs('a', { http: [{}] })],
    override: { config: { environment: 'prod' }, objects: [vs('a', { hosts: ['a'], http: [route(['a', 'v1', 50], ['a', 'v2', 50])] })], expect: [] },
  },
  'istio-no-wildcard-hosts': {
    compliant: [se('partners', ['api.partners.example.com'])],
    violating: [se('partners', ['*.partners.example.com'])],
    message: 'ServiceEntry shop/partners names the wildcard host "*.partners.example.com"; name the exact hosts it is for.',
    missing: [bare('ServiceEntry'), bare('DestinationRule')],
    override: { config: { enforcementLevel: 'disabled' }, objects: [se('p', ['*'])], expect: [] },
  },
  'istio-lane-header-guarded': {
    compliant: [gatewayVs(true)],
    violating: [gatewayVs(false)],
    message: 'VirtualService shop/entry route all forwards the client\'s "x-lane" header to web; remove or overwrite it on the destination.',
    missing: [bare('VirtualService'), vs('x', { gateways: ['gw'], http: [{ name: 'n' }] }, { annotations: { 'graylane.dev/lane-header': 'x-lane' } })],
    override: { config: { laneHeader: 'x-env' }, objects: [gatewayVs(true)], expect: ['VirtualService shop/entry route all forwards the client\'s "x-env" header to web; remove or overwrite it on the destination.'] },
  },
  'istio-baggage-match-anchored': {
    compliant: [vs('reviews', { hosts: ['reviews'], http: [{ ...route(['reviews', 'v2']), match: [{ headers: { baggage: { regex: '(?:.*,)?[ \\t]*lane[ \\t]*=[ \\t]*gray[ \\t]*(?:[;,].*)?' } } }] }] })],
    violating: [vs('reviews', { hosts: ['reviews'], http: [{ ...route(['reviews', 'v2']), match: [{ headers: { baggage: { regex: '.*lane=gray.*' } } }] }] })],
    message: 'VirtualService shop/reviews route r matches baggage with regex ".*lane=gray.*", which is not anchored to member boundaries: it also holds for "lane=grayx", which has no member lane=gray.',
    missing: [bare('VirtualService'), vs('x', { http: [{ name: 'n', match: [{ headers: { baggage: {} } }] }] })],
    override: { config: { enforcementLevel: 'disabled' }, objects: [vs('reviews', { hosts: ['reviews'], http: [{ ...route(['reviews', 'v2']), match: [{ headers: { baggage: { regex: '.*lane=gray.*' } } }] }] })], expect: [] },
  },
  'istio-semantic-rules': {
    compliant: [vs('a', { hosts: ['a'], http: [{ ...route(['a', undefined]), timeout: '2s' }] })],
    violating: [vs('a', { hosts: ['a'], http: [{ ...route(['a', undefined]), timeout: '0s' }] })],
    message: 'VirtualService shop/a: spec.http[0].timeout: duration "0s" must be at least 1ms.',
    missing: [bare('DestinationRule'), bare('ServiceEntry')],
    missingReports: ['DestinationRule shop/bare: spec.host: a DestinationRule must name a host.'],
    override: { config: { enforcementLevel: 'disabled' }, objects: [vs('a', { hosts: ['a'], http: [{ ...route(['a', undefined]), timeout: '0s' }] })], expect: [] },
  },
  'istio-exportto-set': {
    compliant: [{ ...dr('a', 'a', ['v1'], { exportTo: ['.'] }) }],
    violating: [dr('a', 'a', ['v1'])],
    message: 'DestinationRule shop/a does not set exportTo, so it applies in every namespace; set it, e.g. [".", "istio-system"].',
    config: { environment: 'prod' },
    missing: [bare('VirtualService')],
    missingReports: ['VirtualService shop/bare does not set exportTo, so it applies in every namespace; set it, e.g. [".", "istio-system"].'],
    override: { config: { environment: 'dev' }, objects: [dr('a', 'a', ['v1'])], expect: [] },
  },
  'istio-exportto-covers-callers': {
    compliant: [
      dr('cart', 'cart', ['v1'], { exportTo: ['.', 'shop-gray'] }),
      vs('cart', { hosts: ['cart'], exportTo: ['.', 'shop-gray'], http: [{ name: 'lane-gray', match: [{ headers: { 'x-lane': { exact: 'gray' } } }], route: [{ destination: { host: 'cart.shop-gray.svc.cluster.local' } }] }, route(['cart', 'v1'])] }),
    ],
    violating: [
      dr('cart', 'cart', ['v1'], { exportTo: ['.'] }),
      vs('cart', { hosts: ['cart'], exportTo: ['.'], http: [{ name: 'lane-gray', match: [{ headers: { 'x-lane': { exact: 'gray' } } }], route: [{ destination: { host: 'cart.shop-gray.svc.cluster.local' } }] }, route(['cart', 'v1'])] }),
    ],
    message: 'VirtualService shop/cart is exported to ["."] only, but namespace shop-gray runs copies of this namespace\'s services (VirtualService shop/cart routes to cart.shop-gray.svc.cluster.local): their calls to cart.shop.svc.cluster.local skip these routes and reach any pod.',
    missing: [bare('VirtualService'), bare('DestinationRule')],
    override: { config: { enforcementLevel: 'disabled' }, objects: [vs('e', { hosts: ['a'], gateways: ['istio-system/public'], exportTo: ['.'], http: [] })], expect: [] },
  },
  'istio-entry-resilience': {
    compliant: [gatewayVs(true), dr('web', 'web', [], { trafficPolicy: { outlierDetection: { consecutive5xxErrors: 5 } } }), { apiVersion: 'networking.istio.io/v1alpha3', kind: 'EnvoyFilter', metadata: meta('rl'), spec: { configPatches: [{ patch: { value: { name: 'envoy.filters.http.local_ratelimit' } } }] } }],
    violating: [gatewayVs(true), dr('web', 'web', [], { trafficPolicy: { outlierDetection: { consecutive5xxErrors: 5 } } })],
    message: 'VirtualService shop/entry is a gateway entry without a rate limit; add an EnvoyFilter with envoy.filters.http.local_ratelimit in shop or istio-system.',
    config: { environment: 'prod' },
    missing: [bare('VirtualService'), bare('DestinationRule')],
    override: { config: { environment: 'staging', enforcementLevel: 'disabled' }, objects: [gatewayVs(true)], expect: [] },
  },
  'istio-max-weight-change': {
    compliant: [vs('a', { hosts: ['a'], http: [route(['a', 'v1', 90], ['a', 'v2', 10])] })],
    violating: [vs('a', { hosts: ['a'], http: [route(['a', 'v2', 100])] })],
    message: 'needs a baseline',
    missing: [bare('VirtualService')],
    override: { config: { environment: 'prod' }, objects: [vs('a', { hosts: ['a'], http: [route(['a', 'v2', 100])] })], expect: [] },
  },
  'istio-external-owner': {
    compliant: [vs('web', { hosts: ['web'], http: [] }, { labels: { 'app.kubernetes.io/managed-by': 'graylane' } })],
    violating: [vs('web', { hosts: ['web'], http: [] }, { labels: { 'app.kubernetes.io/managed-by': 'graylane' } }), { apiVersion: 'flagger.app/v1beta1', kind: 'Canary', metadata: meta('web'), spec: { targetRef: { name: 'web' } } }],
    message: 'VirtualService shop/web routes host web, which Flagger Canary shop/web manages; leave that service out of the release.',
    missing: [bare('VirtualService'), bare('Canary', 'flagger.app/v1beta1'), bare('Rollout', 'argoproj.io/v1alpha1')],
    override: { config: { externallyManagedHosts: ['web.shop.svc.cluster.local'] }, objects: [vs('web', { hosts: ['web'], http: [] }, { labels: { 'app.kubernetes.io/managed-by': 'graylane' } })], expect: ['VirtualService shop/web routes host web, which the externallyManagedHosts setting manages; leave that service out of the release.'] },
  },
  'kubernetes-object-size': {
    compliant: [gatewayVs(true)],
    violating: [vs('big', { hosts: ['big'], http: [{ name: 'x'.repeat(600 * 1024), route: [] }] })],
    message: 'VirtualService shop/big is 614565 bytes of JSON, over the 524288-byte limit; split it (e.g. one VirtualService per host).',
    missing: [bare('VirtualService')],
    override: { config: { maxBytes: 100 }, objects: [gatewayVs(true)], expect: ['VirtualService shop/entry is 344 bytes of JSON, over the 100-byte limit; split it (e.g. one VirtualService per host).'] },
  },
  'kubernetes-unique-identities': {
    compliant: [dr('reviews-base', 'reviews', ['base']), dr('reviews-gray', 'reviews', ['gray'])],
    violating: [dr('a-b-c', 'a-b', ['c']), dr('a-b-c', 'a', ['b-c'])],
    message: 'DestinationRule shop/a-b-c is defined twice; applying them keeps only the last one.',
    missing: [bare('DestinationRule'), bare('VirtualService')],
    override: { config: { enforcementLevel: 'disabled' }, objects: [dr('x', 'reviews', ['gray']), dr('y', 'reviews', ['gray'])], expect: [] },
  },
  'graylane-lanes-allowed': {
    compliant: [dr('reviews-gray', 'reviews', ['gray'], {}, { labels: { 'graylane.dev/lane': 'gray' } })],
    violating: [dr('reviews-dev-x', 'reviews', ['dev-x'], {}, { labels: { 'graylane.dev/lane': 'dev-x' } })],
    message: 'DestinationRule shop/reviews-dev-x belongs to lane "dev-x", which prod does not allow.',
    config: { environment: 'prod' },
    missing: [bare('DestinationRule'), bare('ServiceEntry')],
    override: { config: { environment: 'prod', forbiddenLanes: ['^gray$'] }, objects: [dr('reviews-gray', 'reviews', ['gray'])], expect: ['DestinationRule shop/reviews-gray belongs to lane "gray", which prod does not allow.'] },
  },
  'traefik-circuit-breaker-expression': {
    compliant: [mw('cb', { circuitBreaker: { expression: 'NetworkErrorRatio() > 0.30' } })],
    violating: [mw('cb', { circuitBreaker: { expression: 'LatencyAtQuantileMS(50) > 100' } })],
    message: 'Middleware shop/cb has the circuit-breaker expression "LatencyAtQuantileMS(50) > 100", which Traefik rejects: argument 1 of LatencyAtQuantileMS() must be a float literal such as 50.0 (Traefik does not convert 50).',
    missing: [bare('Middleware', 'traefik.io/v1alpha1'), mw('cb', { circuitBreaker: {} })],
    override: { config: { enforcementLevel: 'disabled' }, objects: [mw('cb', { circuitBreaker: { expression: 'x' } })], expect: [] },
  },
  'traefik-lane-header-guarded': {
    compliant: [mw('strip', { headers: { customRequestHeaders: { 'x-lane': '' } } }), ir('entry', [{ match: 'Host(`a`)', middlewares: [{ name: 'strip' }], services: [] }], { annotations: { 'graylane.dev/lane-header': 'x-lane' } })],
    violating: [mw('strip', { headers: { customRequestHeaders: { 'x-lane': '' } } }), ir('entry', [{ match: 'Host(`a`) && Header(`x-lane`, `dev`)', middlewares: [{ name: 'strip' }], services: [] }], { annotations: { 'graylane.dev/lane-header': 'x-lane' } })],
    message: 'IngressRoute shop/entry route #0 matches on the lane header "x-lane", so clients choose their own lane.',
    missing: [bare('IngressRoute', 'traefik.io/v1alpha1'), bare('Middleware', 'traefik.io/v1alpha1')],
    override: { config: { laneHeader: 'x-env' }, objects: [ir('entry', [{ match: 'Host(`a`)', services: [] }])], expect: ['IngressRoute shop/entry route #0 passes the client\'s "x-env" header on; add a headers Middleware that removes it (customRequestHeaders with an empty value).'] },
  },
  'traefik-entry-resilience': {
    compliant: [mw('rl', { rateLimit: { average: 1 } }), mw('cb', { circuitBreaker: { expression: 'NetworkErrorRatio() > 0.5' } }), ir('entry', [{ match: 'Host(`a`)', middlewares: [{ name: 'rl' }, { name: 'cb' }], services: [] }])],
    violating: [mw('rl', { rateLimit: { average: 1 } }), ir('entry', [{ match: 'Host(`a`)', middlewares: [{ name: 'rl' }], services: [] }])],
    message: 'IngressRoute shop/entry route #0 has no circuitBreaker Middleware; entries need a circuit breaker.',
    config: { environment: 'prod' },
    missing: [bare('IngressRoute', 'traefik.io/v1alpha1')],
    override: { config: { environment: 'dev' }, objects: [ir('entry', [{ match: 'Host(`a`)', services: [] }])], expect: [] },
  },
  'traefik-references-resolve': {
    compliant: [mw('strip', { headers: { customRequestHeaders: { 'x-lane': '' } } }), ir('entry', [{ match: 'Host(`a`)', middlewares: [{ name: 'strip' }], services: [{ name: 'web', port: 80 }] }])],
    violating: [ir('entry', [{ match: 'Host(`a`)', middlewares: [{ name: 'strip' }], services: [{ name: 'web', port: 80 }] }])],
    message: 'IngressRoute shop/entry route #0 is not served by Traefik: Middleware shop/strip does not exist.',
    missing: [bare('IngressRoute', 'traefik.io/v1alpha1')],
    override: { config: { enforcementLevel: 'disabled' }, objects: [ir('entry', [{ match: 'Host(`a`)', middlewares: [{ name: 'strip' }], services: [] }])], expect: [] },
  },
  'traefik-max-weight-change': {
    compliant: [ts('split', { a: 90, b: 10 })],
    violating: [ts('split', { b: 100 })],
    message: 'needs a baseline',
    missing: [bare('TraefikService', 'traefik.io/v1alpha1')],
    override: { config: { environment: 'prod' }, objects: [ts('split', { b: 100 })], expect: [] },
  },
  'gateway-api-backend-resolves': {
    compliant: [svc('pay', 'payments'), grant, crossRoute],
    violating: [svc('pay', 'payments'), crossRoute],
    message: 'HTTPRoute shop/pay rule #0: backendRef to Service payments/pay from HTTPRoute shop/pay in another namespace has no ReferenceGrant in payments allowing it (RefNotPermitted); its share of requests gets 500.',
    missing: [bare('HTTPRoute', 'gateway.networking.k8s.io/v1'), bare('ReferenceGrant', 'gateway.networking.k8s.io/v1beta1'), httpRoute('x', { rules: [{}] })],
    override: { config: { enforcementLevel: 'disabled' }, objects: [svc('pay', 'payments'), crossRoute], expect: [] },
  },
  'gateway-api-route-limits': {
    compliant: [manyRules(16)],
    violating: [manyRules(17)],
    message: 'HTTPRoute shop/big has 17 rules; the HTTPRoute CRD allows at most 16.',
    missing: [bare('HTTPRoute', 'gateway.networking.k8s.io/v1'), httpRoute('x', { rules: [{ matches: [{}], backendRefs: [{}] }] })],
    override: { config: { enforcementLevel: 'disabled' }, objects: [manyRules(17)], expect: [] },
  },
  'gateway-api-istio-host-conflict': {
    compliant: [svc('web'), meshRoute('web'), vs('api', { hosts: ['api'], http: [route(['api', undefined])] })],
    violating: [svc('web'), meshRoute('web'), vs('web', { hosts: ['web'], http: [route(['web', undefined])] })],
    message: 'HTTPRoute shop/web-mesh routes Service shop/web in the mesh, which VirtualService shop/web also routes (host web.shop.svc.cluster.local); Istio uses one of them, undefined which: route a service with one API.',
    missing: [bare('HTTPRoute', 'gateway.networking.k8s.io/v1'), bare('VirtualService')],
    override: { config: {}, objects: [svc('web'), meshRoute('web'), vs('web', { hosts: ['web'], gateways: ['istio-system/public'], http: [route(['web', undefined])] })], expect: [] },
  },
};

describe('the policy pack', () => {
  it('has one file per rule in policies/rules, and index.ts assembles all of them', () => {
    const files = readdirSync(join(ROOT, 'policies', 'rules')).map((f) => f.replace(/\.ts$/, '')).sort();
    assert.deepEqual(files, RULES.map((r) => r.name).sort());
    const index = readFileSync(join(ROOT, 'policies', 'index.ts'), 'utf8');
    for (const name of files) assert.ok(index.includes(`'./rules/${name}'`), name);
    for (const name of files) assert.equal(policy(name).name, name);
  });

  it('has a test case for every rule', () => {
    assert.deepEqual(Object.keys(CASES).sort(), RULES.map((r) => r.name).sort());
  });

  for (const [name, c] of Object.entries(CASES)) {
    describe(name, () => {
      const config = c.config ?? {};
      it('passes compliant objects', async () => assert.deepEqual(await violations(name, c.compliant, config, c.tags), []));
      if (c.message !== 'needs a baseline') {
        it('reports violating objects with the exact message', async () => assert.deepEqual(await violations(name, c.violating, config, c.tags), [c.message]));
      }
      it('copes with properties missing', async () => assert.deepEqual(await violations(name, c.missing, config), c.missingReports ?? []));
      it('follows its config', async () => assert.deepEqual(await violations(name, c.override.objects, c.override.config), c.override.expect));
    });
  }

  it('compares with the baseline named in its config (prod canary 1% → 100% is stopped)', async () => {
    const { compile } = await import('../compiler');
    const step4 = compile(readFileSync(join(ROOT, 'stacks/specs/prod.release.yaml'), 'utf8'), { step: 4 }).outputs[0]!.manifests;
    const found = await violations('istio-max-weight-change', step4, { environment: 'prod', baseline: join(ROOT, 'test/golden/stacks/prod.istio.yaml') });
    assert.deepEqual(found, [
      'VirtualService bookinfo/bookinfo-entry: requests "entry istio-system/public-gateway bookinfo.example.com: every other request" move productpage.bookinfo.svc.cluster.local/base from 99% to 0%, more than the 25 points one update may move.',
      'VirtualService bookinfo/bookinfo-entry: requests "entry istio-system/public-gateway bookinfo.example.com: every other request" move productpage.bookinfo.svc.cluster.local/base (x-lane: gray) from 1% to 100%, more than the 25 points one update may move.',
    ]);
  });

  it('takes the environment from the stack tag graylane:environment when the config does not say', async () => {
    const o = [dr('reviews-dev-x', 'reviews', ['dev-x'], {}, { labels: { 'graylane.dev/lane': 'dev-x' } })];
    assert.deepEqual(await violations('graylane-lanes-allowed', o, {}, {}), []);
    assert.equal((await violations('graylane-lanes-allowed', o, {}, { 'graylane:environment': 'prod' })).length, 1);
  });
});

describe('stack policies over what the stack program registers (mocks)', () => {
  for (const stack of stackConfigs(ROOT)) {
    it(`${stack.env}: every rule passes in its own environment`, async () => {
      const registered = await runStackProgram(stack.env, stack.config);
      const objects = registered.filter((r) => r.type.startsWith('kubernetes:') && !r.type.startsWith('kubernetes:providers') && r.type !== 'pulumi:providers:kubernetes').map((r) => r.inputs as K8sObject);
      assert.ok(objects.length > 5);
      for (const rule of RULES) assert.deepEqual(await violations(rule.name, objects, { environment: stack.env }), [], rule.name);
      if (stack.env === 'dev') {
        // The same resources are not fit for prod: the stack policy says why.
        const prod = await violations('graylane-lanes-allowed', objects, { environment: 'prod' });
        assert.ok(prod.some((m) => m.includes('lane "dev-x"')));
      }
    });
  }
});
