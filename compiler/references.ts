/**
 * Which objects a route object names: for a VirtualService the DestinationRules defining its subsets and the
 * ServiceEntries defining its hosts; for an IngressRoute its Middlewares and TraefikServices; for an HTTPRoute
 * the Services of its backendRefs, their EndpointSlices and the ReferenceGrants that admit them. Shells order their work by it (a route is applied after what it names); policies
 * check with it that every reference resolves.
 */
import type { Manifest } from './emit/manifest';

interface Destination {
  host: string;
  subset?: string;
}

/** The destinations a VirtualService routes to (every http route), in order, without duplicates. */
export function routeDestinations(manifest: Pick<Manifest, 'kind' | 'spec'>): Destination[] {
  if (manifest.kind !== 'VirtualService') return [];
  const seen = new Set<string>();
  const out: Destination[] = [];
  for (const route of (manifest.spec.http as { route?: { destination?: Destination }[] }[] | undefined) ?? []) {
    for (const { destination } of route.route ?? []) {
      if (!destination) continue;
      const key = `${destination.host}|${destination.subset ?? ''}`;
      if (!seen.has(key)) out.push({ host: destination.host, ...(destination.subset !== undefined ? { subset: destination.subset } : {}) });
      seen.add(key);
    }
  }
  return out;
}

/** An index of the objects that can be named, built once for many look-ups. */
export function referenceIndex(manifests: readonly Manifest[]): (manifest: Manifest) => Manifest[] {
  const byHost = new Map<string, Manifest[]>();
  const add = (host: string, m: Manifest) => byHost.set(host, [...(byHost.get(host) ?? []), m]);
  for (const m of manifests) {
    if (m.kind === 'DestinationRule') add(m.spec.host as string, m);
    if (m.kind === 'ServiceEntry') for (const host of m.spec.hosts as string[]) add(host, m);
  }
  const byKindName = new Map(manifests.map((m) => [`${m.kind}/${m.metadata.namespace}/${m.metadata.name}`, m]));
  const backing = httpRouteBacking(manifests);
  return (manifest) => {
    if (manifest.kind === 'IngressRoute') return ingressRouteReferences(manifest, byKindName);
    if (manifest.kind === 'HTTPRoute') return httpRouteReferences(manifest, byKindName, backing);
    const named = new Set<Manifest>();
    for (const d of routeDestinations(manifest)) {
      for (const candidate of byHost.get(d.host) ?? []) {
        const subsets = (candidate.spec.subsets as { name: string }[] | undefined) ?? [];
        // A ServiceEntry is named by its host; a DestinationRule by the subset it defines (or its policy).
        if (candidate.kind === 'ServiceEntry' || subsets.length === 0 || subsets.some((s) => s.name === d.subset)) named.add(candidate);
      }
    }
    return [...named];
  };
}

/** An IngressRoute names its Middlewares and TraefikServices (by name, in its namespace unless one is given). */
function ingressRouteReferences(manifest: Manifest, byKindName: ReadonlyMap<string, Manifest>): Manifest[] {
  const named = new Set<Manifest>();
  type Ref = { name: string; namespace?: string; kind?: string };
  for (const route of (manifest.spec.routes as { middlewares?: Ref[]; services?: Ref[] }[] | undefined) ?? []) {
    const refs = [
      ...(route.middlewares ?? []).map((r) => ({ ...r, kind: 'Middleware' })),
      ...(route.services ?? []).filter((r) => r.kind === 'TraefikService'),
    ];
    for (const r of refs) {
      const found = byKindName.get(`${r.kind}/${r.namespace ?? manifest.metadata.namespace}/${r.name}`);
      if (found) named.add(found);
    }
  }
  return [...named];
}

/** What stands behind a Service for a route: its EndpointSlices, and the ReferenceGrants that let routes name it. */
function httpRouteBacking(manifests: readonly Manifest[]): ReadonlyMap<string, Manifest[]> {
  const out = new Map<string, Manifest[]>();
  const add = (key: string, m: Manifest) => out.set(key, [...(out.get(key) ?? []), m]);
  for (const m of manifests) {
    const service = m.metadata.labels['kubernetes.io/service-name'];
    if (m.kind === 'EndpointSlice' && service !== undefined) add(`slice/${m.metadata.namespace}/${service}`, m);
    if (m.kind === 'ReferenceGrant') {
      const spec = m.spec as { from?: { kind: string; namespace: string }[]; to?: { kind: string; name?: string }[] };
      for (const from of (spec.from ?? []).filter((f) => f.kind === 'HTTPRoute'))
        for (const to of (spec.to ?? []).filter((t) => t.kind === 'Service')) add(`grant/${from.namespace}/${m.metadata.namespace}/${to.name ?? '*'}`, m);
    }
  }
  return out;
}

/**
 * An HTTPRoute names the Services of its backendRefs (in its namespace unless one is given), their
 * EndpointSlices, and the ReferenceGrants that allow a Service in another namespace: all of them exist before
 * the route names them, and outlive it (make-before-break).
 */
function httpRouteReferences(manifest: Manifest, byKindName: ReadonlyMap<string, Manifest>, backing: ReadonlyMap<string, Manifest[]>): Manifest[] {
  const named = new Set<Manifest>();
  type Ref = { group?: string; kind?: string; name: string; namespace?: string };
  for (const rule of (manifest.spec.rules as { backendRefs?: Ref[] }[] | undefined) ?? []) {
    for (const ref of rule.backendRefs ?? []) {
      if ((ref.group ?? '') !== '' || (ref.kind ?? 'Service') !== 'Service') continue;
      const namespace = ref.namespace ?? manifest.metadata.namespace;
      const service = byKindName.get(`Service/${namespace}/${ref.name}`);
      if (service) named.add(service);
      for (const slice of backing.get(`slice/${namespace}/${ref.name}`) ?? []) named.add(slice);
      if (namespace === manifest.metadata.namespace) continue;
      for (const key of [ref.name, '*']) for (const grant of backing.get(`grant/${manifest.metadata.namespace}/${namespace}/${key}`) ?? []) named.add(grant);
    }
  }
  return [...named];
}
