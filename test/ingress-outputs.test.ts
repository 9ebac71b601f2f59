/**
 * What an ingress spec changes beyond routes: the routing summary per rule's service, the entry rate limit of
 * an entry that fans out, and the Pulumi component for a release without an entry.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Release } from '../components';
import { compile, routingSummary } from '../compiler';
import { mockPulumi, registeredChildren, valueOf } from './support/pulumi-mocks';
import { compileExample } from './support/examples';

const registered = mockPulumi();

describe('ingress outputs', () => {
  it('the routing summary gives each rule the destinations of its own service', () => {
    const summary = routingSummary(compileExample('storefront-paths.release.yaml').plan!);
    assert.deepEqual(summary.entry, {
      'api-beta': [{ lane: 'canary', servedBy: 'canary', host: 'api-canary.shop.svc.cluster.local', weight: 100 }],
      api: [{ lane: 'stable', servedBy: 'stable', host: 'api.shop.svc.cluster.local', weight: 100 }],
      web: [{ lane: 'stable', servedBy: 'stable', host: 'web.shop.svc.cluster.local', weight: 100 }],
    });
  });

  it('a mesh entry\'s rate limit reaches every service the entry routes to: one EnvoyFilter each; a gateway entry\'s is one, at the gateway', () => {
    const base = compileExample('storefront-paths.release.yaml').spec!;
    const { traefik: _traefik, hosts: _hosts, gateway: _gateway, ...entry } = base.spec.entry!;
    const spec = { ...base, spec: { ...base.spec, targets: ['istio' as const], entry: { ...entry, gateway: 'mesh', resilience: { rateLimit: { average: 100 } } } } };
    const result = compile(spec);
    assert.deepEqual(result.diagnostics, []);
    const filters = result.outputs[0]!.manifests.filter((m) => m.kind === 'EnvoyFilter');
    assert.deepEqual(
      filters.map((f) => [f.metadata.name, (f.spec.workloadSelector as { labels: Record<string, string> }).labels]),
      [
        ['storefront-entry-ratelimit-api', { app: 'api' }],
        ['storefront-entry-ratelimit-web', { app: 'web' }],
      ],
    );
    const gateway = compile({ ...base, spec: { ...base.spec, targets: ['istio' as const], entry: { ...base.spec.entry!, traefik: undefined, resilience: { rateLimit: { average: 100 } } } } });
    assert.deepEqual(gateway.outputs[0]!.manifests.filter((m) => m.kind === 'EnvoyFilter').map((f) => [`${f.metadata.namespace}/${f.metadata.name}`, f.spec.workloadSelector]), [['istio-system/shop-storefront-entry-ratelimit', undefined]]);
  });

  it('the Pulumi component registers a release without an entry: the mesh objects and an empty entry summary', async () => {
    registered.length = 0;
    const release = new Release('shop', {
      spec: {
        apiVersion: 'graylane.dev/v1alpha1',
        kind: 'Release',
        metadata: { name: 'shop', namespace: 'shop' },
        spec: {
          targets: ['istio'],
          services: { api: { port: 8080 } },
          lanes: { base: { baseline: true, selector: { version: 'v1' } }, gray: { selector: { version: 'v2' } } },
          canary: { api: { base: 90, gray: 10 } },
        },
      },
    });
    await registeredChildren(release);
    assert.deepEqual(await valueOf(release.objectNames), { DestinationRule: ['shop/api-base', 'shop/api-gray'], VirtualService: ['shop/api'] });
    const routing = await valueOf(release.routing);
    assert.deepEqual(routing.entry, {});
    assert.deepEqual(routing.services.api![''], [
      { lane: 'base', servedBy: 'base', host: 'api.shop.svc.cluster.local', subset: 'base', weight: 90 },
      { lane: 'gray', servedBy: 'gray', host: 'api.shop.svc.cluster.local', subset: 'gray', weight: 10 },
    ]);
  });
});
