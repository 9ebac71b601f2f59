/**
 * Traefik tag mode through Traefik's own Istio sidecar (issue 12, part 2): Traefik's server choice (pod IPs, or the
 * cluster IP with nativeLB) and the sidecar's virtual host by authority decide whether the entry service's
 * VirtualService picks the lane's pods (compiler/model/traefik-to-mesh.ts cites the upstream code).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compile, formatDiagnostic, type Manifest } from '../compiler';
import { Model } from '../compiler/model/model';
import { simulateTraefikThroughMesh } from '../compiler/simulate/traefik';
import { traefikCrds } from './support/traefik-crds';

const SPEC = `apiVersion: graylane.dev/v1alpha1
kind: Release
metadata:
  name: shop
  namespace: shop
spec:
  targets: [istio, traefik]
  services:
    web: { port: 8080 }
  lanes:
    base:
      baseline: true
      selector: { version: v1 }
    gray:
      selector: { version: v2 }
  trafficLabel:
    header: x-lane
  entry:
    hosts: [shop.example.com]
    service: web
    traefik:
      entryPoints: [web]
    rules:
      - name: beta
        match:
          headers: { x-beta: { exact: "1" } }
        lane: gray
`;

const TRAEFIK = { namespace: 'traefik', labels: { 'app.kubernetes.io/name': 'traefik' } };

function objects(text = SPEC): Manifest[] {
  const result = compile(text);
  assert.ok(result.ok, result.diagnostics.map(formatDiagnostic).join('\n'));
  return result.outputs.flatMap((o) => o.manifests);
}

/** The pods a request from the client ends at: through Traefik, its sidecar, and the sidecar's choice. */
function pods(out: readonly Manifest[], headers: Record<string, string>) {
  const route = simulateTraefikThroughMesh(out, { entryPoint: 'web', host: 'shop.example.com', headers }, TRAEFIK);
  return route.handovers.map((h) => ({ server: h.server, authority: h.authority, sidecar: h.sidecar, pods: h.hop?.destinations.map((d) => d.labels ?? 'every pod') ?? 'the pod Traefik chose' }));
}

describe('traefik tag mode through the sidecar', () => {
  it('Traefik → sidecar → pod: the lane header picks the lane\'s pods, and requests without it the baseline\'s', () => {
    const out = objects();
    assert.deepEqual(pods(out, { 'x-beta': '1' }), [{ server: 'cluster-ip', authority: 'web.shop.svc.cluster.local', sidecar: 'virtual-host', pods: [{ version: 'v2' }] }]);
    assert.deepEqual(pods(out, {}), [{ server: 'cluster-ip', authority: 'web.shop.svc.cluster.local', sidecar: 'virtual-host', pods: [{ version: 'v1' }] }]);
  });

  it('emits nativeLB and a Host middleware, last in the chain, on every tag-mode route; the objects are CRD-valid', () => {
    const out = objects().filter((m) => m.apiVersion.startsWith('traefik.io'));
    const routes = out.find((m) => m.kind === 'IngressRoute')!.spec.routes as { middlewares: { name: string }[]; services: Record<string, unknown>[] }[];
    assert.deepEqual(routes.map((r) => [r.middlewares.map((m) => m.name), r.services]), [
      [['shop-strip-lane-header', 'shop-lane-gray', 'shop-mesh-host-web'], [{ name: 'web', port: 8080, nativeLB: true }]],
      [['shop-strip-lane-header', 'shop-mesh-host-web'], [{ name: 'web', port: 8080, nativeLB: true }]],
    ]);
    const host = out.find((m) => m.metadata.name === 'shop-mesh-host-web')!;
    assert.deepEqual(host.spec, { headers: { customRequestHeaders: { Host: 'web.shop.svc.cluster.local' } } });
    for (const m of out) assert.deepEqual(traefikCrds('v3').validate(m), [], m.metadata.name);
  });

  it('what graylane emitted before (pod IPs, the client\'s Host) reaches the pod Traefik chose: gray pods get baseline traffic', () => {
    // The old route: no nativeLB, no Host middleware.
    const old = objects().map((m) =>
      m.kind === 'IngressRoute'
        ? { ...m, spec: { ...m.spec, routes: (m.spec.routes as { middlewares: { name: string }[]; services: Record<string, unknown>[] }[]).map((r) => ({ ...r, middlewares: r.middlewares.filter((x) => x.name !== 'shop-mesh-host-web'), services: r.services.map(({ nativeLB: _n, ...rest }) => rest) })) } }
        : m,
    );
    assert.deepEqual(pods(old, { 'x-beta': '1' }), [{ server: 'pod', authority: 'shop.example.com', sidecar: 'passthrough', pods: 'the pod Traefik chose' }]);
    // nativeLB alone is not enough: the client's Host is in no virtual host of the sidecar's route.
    const nativeOnly = old.map((m) => (m.kind === 'IngressRoute' ? { ...m, spec: { ...m.spec, routes: (m.spec.routes as { services: Record<string, unknown>[] }[]).map((r) => ({ ...r, services: r.services.map((s) => ({ ...s, nativeLB: true })) })) } } : m));
    const route = new Model(nativeOnly).routeTraefikThroughMesh({ via: 'traefik:web', authority: 'shop.example.com', headers: { 'x-beta': '1' } }, TRAEFIK);
    assert.equal(route.handovers[0]!.sidecar, 'passthrough');
    assert.match(route.handovers[0]!.notes.join(' '), /no virtual host of the sidecar's route for port 8080 holds Host shop\.example\.com/);
    // passHostHeader: false with nativeLB sends the cluster IP as Host, which the sidecar lists for the service.
    const noPass = old.map((m) => (m.kind === 'IngressRoute' ? { ...m, spec: { ...m.spec, routes: (m.spec.routes as { services: Record<string, unknown>[] }[]).map((r) => ({ ...r, services: r.services.map((s) => ({ ...s, nativeLB: true, passHostHeader: false })) })) } } : m));
    assert.deepEqual(pods(noPass, { 'x-beta': '1' }).map((p) => [p.sidecar, p.pods]), [['virtual-host', [{ version: 'v2' }]]]);
  });
});
