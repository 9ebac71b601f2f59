/**
 * Which rows of `diff`'s traffic table a change can reach. A sidecar request for a service host (`reviews.prod
 * .svc.cluster.local`, lane or not) is routed from exactly these lookups of the Istio model (istio-route.ts
 * `sidecar` and `resolve`): the VirtualServices bound to the host (IstioModel.virtualServiceFor), then for the
 * host and every destination host of the chosen VirtualService the DestinationRules (destinationRuleFor), the
 * Kubernetes Service (serviceFor, portsOf, hasServices) and the ServiceEntries (serviceEntryFor). When none of
 * the objects those lookups can return differs between the two sides (same data), the host's rows are the same
 * on both sides, so `diff` never shows them and need not simulate them.
 *
 * Everything outside that narrow case is simulated as before: requests through a gateway, Traefik and Gateway
 * API rows, hosts not spelled `name.namespace.svc.cluster.local` (short names read ServiceEntries and the
 * namespaces to qualify them: istio-route.ts meshHost), and every host at all when a changed object can reach
 * lookups the reasoning above does not bound: a wildcard host, a delegate VirtualService, a different lane
 * header, Kubernetes Services present on one side only — and inputs it cannot read as the simulator does: a
 * host with a space (it can spell another host's row key) or an HTTP route not in Istio's shape (a map for a
 * list, a destination without a host), where the plain simulation's answer, or failure, is the only right one.
 */
import type { Model } from '../model/model';
import { ISTIO_GROUP, type Stored } from '../model/object-set';
import { resolveShortname, type ModelVirtualService } from '../model/istio-model';
import type { DestinationRuleSpec, ServiceEntrySpec } from '../model/istio-types';
import { sameData } from './same-data';

export interface TrafficScope {
  /** Whether the sidecar rows of a host a VirtualService names (as the model qualifies it) may differ. */
  meshHostMayDiffer(host: string): boolean;
  /** Whether two objects were found to be the same data (so need not be compared or printed again). */
  knownSame(before: object, after: object): boolean;
}

/** Every row may differ: the reference behaviour, and the answer whenever the scope cannot be bounded. */
export const EVERY_ROW: TrafficScope = { meshHostMayDiffer: () => true, knownSame: () => false };

/** `name.namespace.svc.cluster.local`, lower case, no port: the model resolves it to itself (meshHost). */
const SERVICE_HOST = /^[a-z0-9-]+(?:\.[a-z0-9-]+)*\.svc\.cluster\.local$/;

/** The part of a mesh row's key that names its host (request-classes.ts `short`). */
function short(host: string): string {
  return host.replace(/\.svc\.cluster\.local$/, '');
}

export function trafficScope(before: Model, after: Model, sameLaneHeader: boolean): TrafficScope {
  const same = new Map<object, object>();
  // Each version of every object that differs (added, removed, changed), with the side it is on.
  const changed: { s: Stored; model: Model }[] = [];
  let kept = 0;
  for (const s of after.objects.all) {
    const was = before.objects.find(s.group, s.kind, s.namespace, s.name);
    if (was === undefined) changed.push({ s, model: after });
    else {
      kept++;
      if (sameData(was.object, s.object)) same.set(was.object, s.object);
      else changed.push({ s: was, model: before }, { s, model: after });
    }
  }
  if (kept < before.objects.all.length)
    for (const s of before.objects.all) if (after.objects.find(s.group, s.kind, s.namespace, s.name) === undefined) changed.push({ s, model: before });
  const knownSame = (b: object, a: object) => same.get(b) === a;
  const everything: TrafficScope = { meshHostMayDiffer: () => true, knownSame };
  // Without Services in the input every `*.svc.cluster.local` host is assumed to exist (istio-route.ts resolve).
  if (!sameLaneHeader || before.istio.hasServices !== after.istio.hasServices) return everything;
  if (changed.length === 0) return { meshHostMayDiffer: () => false, knownSame };
  // Keys (host part) of mesh rows that may differ, and destination hosts whose lookups may answer differently.
  const dirtyRows = new Set<string>();
  const dirtyDestinations = new Set<string>();
  for (const { s, model } of changed) {
    if (s.kind === 'ServiceEntry') {
      // Found by host (IstioModel.serviceEntryFor, portsOf, destinationRuleFor's service namespace); wildcards by any.
      const hosts = (s.object.spec as ServiceEntrySpec | undefined)?.hosts ?? [];
      if (!Array.isArray(hosts) || hosts.some((h) => typeof h !== 'string' || h.includes('*'))) return everything;
      for (const h of hosts) dirtyDestinations.add(h.toLowerCase());
      continue;
    }
    if (s.kind === 'VirtualService' && s.group === ISTIO_GROUP) {
      const vs = model.istio.byRef.get(`${s.namespace}/${s.name}`);
      // A delegate has no hosts and reaches whichever roots name it; only a delegate is merged into a root
      // (istio-model.ts expandDelegates), so a changed VirtualService with hosts changes no other one's routes.
      if (vs === undefined || vs.stored.object !== s.object || vs.hosts.length === 0) return everything;
      for (const host of vs.hosts) {
        if (host.includes('*')) return everything;
        dirtyRows.add(short(host)).add(short(host.toLowerCase()));
      }
    } else if (s.kind === 'DestinationRule') {
      const host = (s.object.spec as DestinationRuleSpec | undefined)?.host ?? '';
      if (typeof host !== 'string') return everything;
      const resolved = resolveShortname(host, s.namespace);
      if (resolved.includes('*')) return everything;
      dirtyDestinations.add(resolved.toLowerCase());
    } else if (s.kind === 'Service' && s.group === '') {
      dirtyDestinations.add(`${s.name}.${s.namespace}.svc.cluster.local`.toLowerCase());
    }
    // Other kinds (gateways, Traefik, Gateway API) are not read by the sidecar lookups above.
  }
  for (const model of [before, after])
    for (const vs of model.istio.virtualServices) {
      if (vs.isDelegate) continue;
      // A row key is the host, then ", " or ": ": a host with a space (never valid, but read as written) can
      // spell another host's key ("a.b, lane x" + ", no lane" is a.b's lane "x, no lane"), and which class
      // owns a shared key would then depend on which hosts are left out.
      if (vs.hosts.some((h) => /\s/.test(h))) return everything;
      const wildcard = vs.hosts.some((h) => h.includes('*'));
      // A host the key cannot tell from the service host (`a.b` and `a.b.svc.cluster.local` share key "a.b").
      for (const host of vs.hosts) if (!SERVICE_HOST.test(host)) dirtyRows.add(short(host));
      const destinations = destinationHosts(vs);
      if (destinations === undefined) return everything;
      if (!destinations.some((h) => dirtyDestinations.has(h))) continue;
      // A wildcard VirtualService may be the one chosen for any host.
      if (wildcard) return everything;
      for (const host of vs.hosts) dirtyRows.add(short(host)).add(short(host.toLowerCase()));
    }
  return {
    meshHostMayDiffer: (host) => !SERVICE_HOST.test(host) || dirtyRows.has(short(host)) || dirtyDestinations.has(host),
    knownSame,
  };
}

/**
 * Every host a VirtualService's HTTP routes send or mirror to, lower case, as istio-route.ts resolves them; undefined
 * when a route is not the shape the simulator reads (a `route` that is not a list, a destination without a host):
 * the simulator may then fail or read it otherwise, so only simulating every row gives its answer.
 */
function destinationHosts(vs: ModelVirtualService): string[] | undefined {
  const out: string[] = [];
  // A delegated route's own short hosts arrive qualified with the delegate's namespace (istio-model.ts
  // qualifiedHosts, as istiod reads them); what it inherits from its root is read in the root's, like here.
  const host = (d: unknown): boolean => {
    const h = typeof d === 'object' && d !== null ? (d as { host?: unknown }).host : undefined;
    if (typeof h !== 'string') return false;
    out.push(resolveShortname(h, vs.namespace).toLowerCase());
    return true;
  };
  const entries = (list: unknown): readonly unknown[] | undefined => (list === undefined || list === null ? [] : Array.isArray(list) ? list : undefined);
  const destination = (entry: unknown) => (typeof entry === 'object' && entry !== null ? (entry as { destination?: unknown }).destination : undefined);
  for (const r of vs.http) {
    const route = r.route as unknown;
    if (typeof route !== 'object' || route === null) return undefined;
    const { route: to, mirror, mirrors } = route as { route?: unknown; mirror?: unknown; mirrors?: unknown };
    const sent = entries(to);
    const mirrored = entries(mirrors);
    if (sent === undefined || mirrored === undefined) return undefined;
    for (const d of sent) if (!host(destination(d))) return undefined;
    if (mirror && !host(mirror)) return undefined;
    for (const m of mirrored) if (!host(destination(m))) return undefined;
  }
  // TCP and TLS routes are never read for a row (each is an HTTP request); their hosts are counted all the same,
  // as far as they can be read.
  for (const r of [...(entries(vs.tcp) ?? []), ...(entries(vs.tls) ?? [])])
    for (const d of (typeof r === 'object' && r !== null ? entries((r as { route?: unknown }).route) : undefined) ?? []) host(destination(d));
  return out;
}
