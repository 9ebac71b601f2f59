/** The Release component under Pulumi mocks: exact children, names, parents and specs; equal to render. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as pulumi from '@pulumi/pulumi';
import { Release } from '../components';
import { compile } from '../compiler';
import { mockPulumi, registeredChildren, urnOf, valueOf } from './support/pulumi-mocks';
import { compileExample, manifestsOf, readExample } from './support/examples';
import { parse } from 'yaml';

const registered = mockPulumi();

describe('graylane:index:Release', () => {
  it('registers exactly the rendered objects as CustomResources, named from stable keys, parented to the release', async () => {
    registered.length = 0;
    const release = new Release('bookinfo', { specYaml: readExample('bookinfo-lanes.release.yaml'), targets: ['istio'] });
    const rendered = manifestsOf(compileExample('bookinfo-lanes.release.yaml', { targets: ['istio'] }));
    await registeredChildren(release);
    const children = Object.entries(release.resources);
    assert.equal(children.length, rendered.length);
    for (const [key, resource] of children) {
      const inputs = registered.find((r) => r.name === key)!.inputs;
      const m = rendered.find((x) => `bookinfo-${x.kind.toLowerCase()}-bookinfo-${x.metadata.name}` === key);
      assert.ok(m, `no rendered object for child ${key}`);
      assert.deepEqual(inputs, { apiVersion: m.apiVersion, kind: m.kind, metadata: m.metadata, spec: m.spec });
      assert.match(await urnOf(resource), new RegExp(`::graylane:index:Release\\$kubernetes:networking.istio.io/v1:${m.kind}::${key}$`));
    }
    assert.deepEqual(
      registered.filter((r) => r.type !== 'graylane:index:Release').map((r) => r.type).sort(),
      rendered.map((m) => `kubernetes:networking.istio.io/v1:${m.kind}`).sort(),
    );
  });

  it('outputs object names per kind and the routing summary', async () => {
    const release = new Release('flip', { specYaml: readExample('flip-flop.release.yaml'), step: 1, targets: ['istio'] });
    assert.deepEqual(await valueOf(release.objectNames), {
      VirtualService: ['search-flop/search-api', 'search-flop/search-index', 'search-flop/search-ranker'],
    });
    const routing = await valueOf(release.routing);
    assert.deepEqual(routing.entry.rollout, [
      { lane: 'flop', servedBy: 'flop', host: 'search-api.search-flop.svc.cluster.local', weight: 75 },
      { lane: 'flip', servedBy: 'flip', host: 'search-api.search-flip.svc.cluster.local', weight: 25 },
    ]);
    assert.deepEqual(routing.services['search-index']!.flip, [
      { lane: 'flip', servedBy: 'flip', host: 'search-index.search-flip.svc.cluster.local', weight: 100 },
    ]);
  });

  it('accepts a typed object and a file path, and gives the same children', async () => {
    registered.length = 0;
    const spec = parse(readExample('bookinfo-lanes.release.yaml'));
    await registeredChildren(new Release('a', { spec, targets: ['istio'] }));
    await registeredChildren(new Release('b', { specFile: 'examples/bookinfo-lanes.release.yaml', targets: ['istio'] }));
    const names = (prefix: string) => registered.filter((r) => r.name.startsWith(`${prefix}-`)).map((r) => r.name.slice(prefix.length)).sort();
    assert.ok(names('a').length > 0);
    assert.deepEqual(names('a'), names('b'));
  });

  it('each route depends on exactly the hosts and subsets it names (make-before-break)', async () => {
    const dependsOn = new Map<string, string[]>();
    const record: pulumi.ResourceTransformation = ({ type, name, opts }) => {
      if (type === 'graylane:index:Release') return undefined;
      const deps = (opts.dependsOn ?? []) as pulumi.Resource[];
      dependsOn.set(name, deps.map((d) => (d as unknown as { __name: string }).__name).sort());
      return undefined;
    };
    const release = new Release('deps', { specYaml: readExample('bookinfo-lanes.release.yaml'), targets: ['istio'] }, { transformations: [record] });
    await registeredChildren(release);
    const dr = (n: string) => `deps-destinationrule-bookinfo-${n}`;
    assert.deepEqual(Object.fromEntries([...dependsOn].filter(([, d]) => d.length > 0)), {
      'deps-virtualservice-bookinfo-bookinfo-entry': [dr('productpage-base')],
      'deps-virtualservice-bookinfo-details': [dr('details-base'), 'deps-serviceentry-bookinfo-details-mock'].sort(),
      'deps-virtualservice-bookinfo-productpage': [dr('productpage-base')],
      'deps-virtualservice-bookinfo-ratings': [dr('ratings-base'), dr('ratings-gray')],
      'deps-virtualservice-bookinfo-reviews': [dr('reviews-base'), dr('reviews-dev-x'), dr('reviews-gray')],
    });
    assert.equal(dependsOn.size, Object.keys(release.resources).length);
  });

  it('gateway-api: each HTTPRoute depends on the Services, EndpointSlices and ReferenceGrants it names; an EndpointSlice is registered with its top-level fields', async () => {
    const dependsOn = new Map<string, string[]>();
    const record: pulumi.ResourceTransformation = ({ type, name, opts }) => {
      if (type === 'graylane:index:Release') return undefined;
      dependsOn.set(name, ((opts.dependsOn ?? []) as pulumi.Resource[]).map((d) => (d as unknown as { __name: string }).__name).sort());
      return undefined;
    };
    const release = new Release('gw', { specYaml: readExample('bookinfo-lanes.release.yaml'), targets: ['gateway-api'] }, { transformations: [record] });
    await registeredChildren(release);
    const svc = (n: string) => `gw-service-bookinfo-${n}`;
    assert.deepEqual(Object.fromEntries([...dependsOn].filter(([, d]) => d.length > 0)), {
      'gw-httproute-bookinfo-bookinfo-entry': [svc('productpage-base')],
      'gw-httproute-bookinfo-details': [svc('details-base'), svc('details-mock'), 'gw-endpointslice-bookinfo-details-mock'].sort(),
      'gw-httproute-bookinfo-productpage': [svc('productpage-base')],
      'gw-httproute-bookinfo-ratings': [svc('ratings-base'), svc('ratings-gray')],
      'gw-httproute-bookinfo-reviews': [svc('reviews-base'), svc('reviews-dev-x'), svc('reviews-gray')],
    });
    const slice = registered.find((r) => r.name === 'gw-endpointslice-bookinfo-details-mock')!.inputs as Record<string, unknown>;
    assert.deepEqual([slice.addressType, slice.spec, slice.endpoints], ['IPv4', undefined, [{ addresses: ['10.10.0.7'], conditions: { ready: true } }]]);
    assert.equal(dependsOn.size, Object.keys(release.resources).length);

    const flip = new Release('gw-flip', { specYaml: readExample('flip-flop.release.yaml'), step: 1, targets: ['gateway-api'] }, { transformations: [record] });
    await registeredChildren(flip);
    assert.deepEqual(dependsOn.get('gw-flip-httproute-search-flop-search-api'), ['gw-flip-referencegrant-search-flip-search-search-flop-to-search-flip-search-api']);
  });

  it('refuses two mesh targets in one release (istio and gateway-api configure one mesh two ways)', () => {
    assert.throws(
      () => new Release('both', { specYaml: readExample('flip-flop.release.yaml') }),
      /targets istio, gateway-api configure the same mesh in different ways; deploy one of them per release/,
    );
  });

  it('settles with waitForReconciled: hosts and subsets carry pulumi.com/waitFor, routes do not', async () => {
    registered.length = 0;
    const release = new Release('settle', { specYaml: readExample('bookinfo-lanes.release.yaml'), targets: ['istio'], settle: { waitForReconciled: true } });
    await registeredChildren(release);
    const annotations = (kind: string) =>
      registered
        .filter((r) => r.name.startsWith('settle-') && r.inputs.kind === kind)
        .map((r) => (r.inputs.metadata as { annotations?: Record<string, string> }).annotations?.['pulumi.com/waitFor']);
    assert.deepEqual([...new Set(annotations('DestinationRule'))], ['condition=Reconciled']);
    assert.deepEqual([...new Set(annotations('ServiceEntry'))], ['condition=Reconciled']);
    assert.deepEqual([...new Set(annotations('VirtualService'))], [undefined]);
  });

  it('fails with the CLI\'s diagnostics as a ResourceError', async () => {
    const bad = readExample('flip-flop.release.yaml').replace('strict: true', 'strict: treu');
    const expected = compile(bad).diagnostics.map((d) => d.message);
    assert.throws(
      () => new Release('bad', { specYaml: bad }),
      (e: unknown) => e instanceof pulumi.ResourceError && expected.every((m) => (e as Error).message.includes(m)),
    );
  });
});

describe('graylane:index:Release with target traefik', () => {
  it('registers the Traefik objects; the IngressRoute depends on its Middlewares and TraefikService', async () => {
    const dependsOn = new Map<string, string[]>();
    const record: pulumi.ResourceTransformation = ({ type, name, opts }) => {
      if (type !== 'graylane:index:Release') dependsOn.set(name, ((opts.dependsOn ?? []) as pulumi.Resource[]).map((d) => (d as unknown as { __name: string }).__name).sort());
      return undefined;
    };
    registered.length = 0;
    const release = new Release('demo', { specYaml: readExample('coding-demo.release.yaml') }, { transformations: [record] });
    await registeredChildren(release);
    assert.deepEqual(registered.filter((r) => r.name.startsWith('demo-')).map((r) => r.type).sort(), [
      'kubernetes:traefik.io/v1alpha1:IngressRoute',
      'kubernetes:traefik.io/v1alpha1:Middleware',
      'kubernetes:traefik.io/v1alpha1:Middleware',
      'kubernetes:traefik.io/v1alpha1:TraefikService',
    ]);
    assert.deepEqual(dependsOn.get('demo-ingressroute-pro-k8s-flask-entry'), [
      'demo-middleware-pro-k8s-flask-circuitbreaker',
      'demo-middleware-pro-k8s-flask-ratelimit',
      'demo-traefikservice-pro-k8s-flask-canary-split',
    ]);
  });
});
