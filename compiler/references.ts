/**
 * Which objects a route object names: for a VirtualService the DestinationRules defining its subsets and the
 * ServiceEntries defining its hosts; for an IngressRoute its Middlewares and TraefikServices. Shells order their work by it (a route is applied after what it names); policies
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
  return (manifest) => {
    if (manifest.kind === 'IngressRoute') return ingressRouteReferences(manifest, byKindName);
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
