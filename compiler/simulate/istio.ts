/**
 * What Envoy does with Istio objects, for one request at one hop: choose the VirtualService for the host
 * and gateway, take the first route whose match blocks (OR) have all conditions (AND) true, split by
 * weight, apply header operations (destination level before route level; remove before set/add within a
 * level), and resolve each destination's subset through the DestinationRules (merged per host, as Istio
 * does) and its host through ServiceEntries. Works on any objects, not only graylane's.
 */
import { hostMatches, qualifyHost } from './hosts';
import { matchString, type AnyStringMatch } from './string-match';

export interface KubeObject {
  readonly apiVersion?: string;
  readonly kind?: string;
  readonly metadata?: { readonly name?: string; readonly namespace?: string };
  readonly spec?: unknown;
}

/** Whether a subset has instances: ASM falls back on `none` (noinstances) or on `none`/`unavailable` (noavailabled). */
export type Availability = 'healthy' | 'unavailable' | 'none';

export interface IstioRequest {
  /** "namespace/name" of the gateway the request enters, or "mesh" (a sidecar calling a service). */
  readonly gateway: string;
  /** ASM: the request's traffic label (what the TrafficLabel sources yield). */
  readonly trafficLabel?: string;
  /** Labels of the calling workload (Istio `sourceLabels`). */
  readonly sourceLabels?: Readonly<Record<string, string>>;
  /** ASM: the calling workload's own traffic label (ASM's list form of `sourceLabels`). */
  readonly sourceLane?: string;
  readonly sourceNamespace?: string;
  /** Instances of a host's subset; healthy unless it says otherwise. */
  readonly availability?: (host: string, subset: string | undefined) => Availability;
  readonly host: string;
  /** The port the request addresses (Istio match `port`); a route matching a port never takes a request without one. */
  readonly port?: number;
  readonly path?: string;
  readonly method?: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly query?: Readonly<Record<string, string>>;
}

export interface SimulatedDestination {
  /** Percentage of requests (weights of the route, 100 for a single destination). */
  readonly weight: number;
  readonly host: string;
  readonly subset?: string;
  readonly port?: number;
  /** Pod labels the subset selects; undefined when no subset is named (every pod of the host). */
  readonly labels?: Readonly<Record<string, string>>;
  /** Fixed endpoints when a ServiceEntry backs the host. */
  readonly endpoints?: readonly { readonly address: string; readonly port?: number }[];
  /** Request headers as the upstream receives them. */
  readonly headers: Readonly<Record<string, string>>;
  /** Why Envoy could not send here (e.g. the subset is defined by no DestinationRule: 503 NC). */
  readonly problem?: string;
  /** ASM: the subsets this request fell back from, in order, before reaching this one. */
  readonly fellBackFrom?: readonly string[];
}

export interface SimulatedHop {
  readonly status: 'routed' | 'no-route' | 'passthrough';
  /** "namespace/name" of the VirtualService used. */
  readonly virtualService?: string;
  readonly route?: string;
  readonly routeIndex?: number;
  readonly matchIndex?: number;
  readonly destinations: readonly SimulatedDestination[];
}

interface HeaderOps {
  readonly set?: Readonly<Record<string, string>>;
  readonly add?: Readonly<Record<string, string>>;
  readonly remove?: readonly string[];
}

interface Destination {
  readonly host: string;
  readonly subset?: string;
  readonly port?: { readonly number?: number };
}

interface RouteDestination {
  readonly destination: Destination;
  readonly weight?: number;
  readonly headers?: { readonly request?: HeaderOps };
  /** ASM: where to go when this destination's subset has no (available) instances. */
  readonly fallback?: { readonly case: 'noinstances' | 'noavailabled'; readonly target: string };
}

interface MatchRequest {
  /** ASM: string matches on the request's traffic label (any may hold). */
  readonly trafficLabel?: readonly AnyStringMatch[];
  /** Istio: labels of the calling workload (a map); ASM also writes string matches on the caller's label (a list). */
  readonly sourceLabels?: Readonly<Record<string, string>> | readonly AnyStringMatch[];
  readonly sourceNamespace?: string;
  readonly uri?: AnyStringMatch;
  readonly port?: number;
  readonly method?: AnyStringMatch;
  readonly authority?: AnyStringMatch;
  readonly headers?: Readonly<Record<string, AnyStringMatch>>;
  readonly queryParams?: Readonly<Record<string, AnyStringMatch>>;
  readonly gateways?: readonly string[];
}

interface HttpRoute {
  readonly name?: string;
  readonly match?: readonly MatchRequest[];
  readonly route?: readonly RouteDestination[];
  readonly headers?: { readonly request?: HeaderOps };
}

interface VirtualServiceSpec {
  readonly hosts?: readonly string[];
  readonly gateways?: readonly string[];
  readonly http?: readonly HttpRoute[];
}

export function simulateIstio(objects: readonly KubeObject[], request: IstioRequest): SimulatedHop {
  const headers = lowerKeys(request.headers ?? {});
  const vs = findVirtualService(objects, request);
  if (!vs) {
    // No VirtualService: Envoy sends to the host's every endpoint, request unchanged.
    return { status: 'passthrough', destinations: [resolve(objects, { host: request.host }, 100, headers)] };
  }
  const spec = vs.object.spec as VirtualServiceSpec;
  const routes = spec.http ?? [];
  for (let i = 0; i < routes.length; i++) {
    const route = routes[i]!;
    const matchIndex = firstMatch(route, request, headers);
    if (matchIndex === undefined) continue;
    return {
      status: 'routed',
      virtualService: vs.name,
      ...(route.name !== undefined ? { route: route.name } : {}),
      routeIndex: i,
      ...(matchIndex >= 0 ? { matchIndex } : {}),
      destinations: routeTargets(objects, vs.object, i, headers, request),
    };
  }
  return { status: 'no-route', virtualService: vs.name, destinations: [] };
}

/** Where one route of a VirtualService sends a request with these headers (weights, header operations, subsets). */
export function routeTargets(
  objects: readonly KubeObject[],
  virtualService: KubeObject,
  routeIndex: number,
  requestHeaders: Readonly<Record<string, string>> = {},
  request: Pick<IstioRequest, 'trafficLabel' | 'availability'> = {},
): SimulatedDestination[] {
  const headers = lowerKeys(requestHeaders);
  const route = ((virtualService.spec as VirtualServiceSpec).http ?? [])[routeIndex];
  if (!route) return [];
  const namespace = virtualService.metadata?.namespace ?? 'default';
  const dests = (route.route ?? []).map((d) => withLabel(d, request.trafficLabel));
  const total = dests.reduce((sum, d) => sum + (d.weight ?? 0), 0);
  const weighted = dests.map((d) => ({ d, weight: dests.length === 1 ? 100 : total === 0 ? 100 / dests.length : d.weight ?? 0 }));
  // Weight-0 destinations take no traffic; on ASM they stand by as fallback targets.
  return weighted
    .filter(({ weight }) => weight > 0 || total === 0)
    .map(({ d, weight }) => {
      const { chosen, trail } = fallBack(d, dests, request.availability, namespace);
      // Envoy: the weighted cluster's header operations first, then the route's.
      const after = applyOps(applyOps(headers, chosen.headers?.request), route.headers?.request);
      const resolved = resolve(objects, chosen.destination, weight, after, namespace);
      return trail.length > 0 ? { ...resolved, fellBackFrom: trail } : resolved;
    });
}

/** ASM: `$trafficLabel` as a subset means the subset named like the request's label. */
function withLabel(d: RouteDestination, label: string | undefined): RouteDestination {
  if (d.destination.subset !== '$trafficLabel') return d;
  return { ...d, destination: { ...d.destination, subset: label ?? '' } };
}

/** ASM's fallback: while a destination's subset has no (available) instances, go to its target. */
function fallBack(
  start: RouteDestination,
  dests: readonly RouteDestination[],
  availability: IstioRequest['availability'],
  namespace: string,
): { chosen: RouteDestination; trail: string[] } {
  let current = start;
  const trail: string[] = [];
  while (current.fallback && availability) {
    const state = availability(qualifyHost(current.destination.host, namespace, true), current.destination.subset);
    const falls = current.fallback.case === 'noinstances' ? state === 'none' : state !== 'healthy';
    const next = dests.find((x) => x.destination.subset === current.fallback!.target && !trail.includes(x.destination.subset ?? ''));
    if (!falls || !next) break;
    trail.push(current.destination.subset ?? current.destination.host);
    current = next;
  }
  return { chosen: current, trail };
}

interface FoundVirtualService {
  readonly object: KubeObject;
  readonly name: string;
  readonly namespace: string;
  readonly gatewayRefs: readonly string[];
}

function findVirtualService(objects: readonly KubeObject[], request: IstioRequest): FoundVirtualService | undefined {
  let best: { found: FoundVirtualService; specificity: number } | undefined;
  for (const object of objects) {
    if (object.kind !== 'VirtualService') continue;
    const namespace = object.metadata?.namespace ?? 'default';
    const spec = (object.spec ?? {}) as VirtualServiceSpec;
    const gatewayRefs = (spec.gateways ?? ['mesh']).map((g) => qualifyGateway(g, namespace));
    if (!gatewayRefs.includes(qualifyGateway(request.gateway, namespace))) continue;
    for (const host of spec.hosts ?? []) {
      const specificity = hostMatches(qualifyHost(host, namespace, request.gateway === 'mesh'), request.host);
      // Most specific host wins; among equals, the first object (Istio: the oldest) wins.
      if (specificity > 0 && (!best || specificity > best.specificity)) {
        best = { found: { object, name: `${namespace}/${object.metadata?.name ?? ''}`, namespace, gatewayRefs }, specificity };
      }
    }
  }
  return best?.found;
}

function qualifyGateway(ref: string, namespace: string): string {
  return ref === 'mesh' || ref.includes('/') ? ref : `${namespace}/${ref}`;
}

/** Index of the first match block that holds (-1 for a route without match), or undefined. */
function firstMatch(
  route: HttpRoute,
  request: IstioRequest,
  headers: Readonly<Record<string, string>>,
): number | undefined {
  if (!route.match || route.match.length === 0) return -1;
  const query = request.query ?? {};
  for (let i = 0; i < route.match.length; i++) {
    const m = route.match[i]!;
    const holds =
      (!m.gateways || m.gateways.includes(request.gateway)) &&
      (!m.trafficLabel || m.trafficLabel.some((sm) => matchString(sm, request.trafficLabel))) &&
      sourceMatches(m.sourceLabels, request) &&
      (m.sourceNamespace === undefined || m.sourceNamespace === request.sourceNamespace) &&
      matchString(m.uri, request.path ?? '/') &&
      (m.port === undefined || m.port === request.port) &&
      matchString(m.method, request.method ?? 'GET') &&
      matchString(m.authority, request.host) &&
      Object.entries(m.headers ?? {}).every(([name, sm]) => matchString(sm, headers[name.toLowerCase()])) &&
      Object.entries(m.queryParams ?? {}).every(([name, sm]) => matchString(sm, query[name]));
    if (holds) return i;
  }
  return undefined;
}

function sourceMatches(source: MatchRequest['sourceLabels'], request: IstioRequest): boolean {
  if (source === undefined) return true;
  if (Array.isArray(source)) return source.some((sm: AnyStringMatch) => matchString(sm, request.sourceLane));
  return Object.entries(source as Record<string, string>).every(([k, v]) => request.sourceLabels?.[k] === v);
}

function applyOps(headers: Readonly<Record<string, string>>, ops: HeaderOps | undefined): Record<string, string> {
  const out: Record<string, string> = { ...headers };
  if (!ops) return out;
  for (const name of ops.remove ?? []) delete out[name.toLowerCase()];
  for (const [name, value] of Object.entries(ops.set ?? {})) out[name.toLowerCase()] = value;
  for (const [name, value] of Object.entries(ops.add ?? {})) {
    const key = name.toLowerCase();
    out[key] = out[key] === undefined ? value : `${out[key]},${value}`;
  }
  return out;
}

/** Subset → labels via the DestinationRules of the host (merged in order); host → endpoints via ServiceEntries. */
function resolve(
  objects: readonly KubeObject[],
  destination: Destination,
  weight: number,
  headers: Readonly<Record<string, string>>,
  namespace = 'default',
): SimulatedDestination {
  const host = qualifyHost(destination.host, namespace, true);
  const base = {
    weight,
    host,
    ...(destination.subset !== undefined ? { subset: destination.subset } : {}),
    ...(destination.port?.number !== undefined ? { port: destination.port.number } : {}),
    headers,
  };
  const entry = objects.find(
    (o) => o.kind === 'ServiceEntry' && ((o.spec as { hosts?: string[] })?.hosts ?? []).some((h) => hostMatches(h, host) > 0),
  );
  const entryEndpoints = entry
    ? ((entry.spec as { endpoints?: { address: string; ports?: Record<string, number>; labels?: Record<string, string> }[] }).endpoints ?? [])
    : undefined;
  let labels: Record<string, string> | undefined;
  if (destination.subset !== undefined) {
    const subset = subsetsOf(objects, host).find((s) => s.name === destination.subset);
    if (!subset)
      return { ...base, problem: `no DestinationRule defines subset "${destination.subset}" for host ${host} (Envoy answers 503 NC)` };
    labels = { ...subset.labels };
  }
  if (!entry && !host.endsWith('.svc.cluster.local'))
    return { ...base, ...(labels ? { labels } : {}), problem: `host ${host} is neither a Kubernetes Service nor in any ServiceEntry` };
  const endpoints = entryEndpoints
    ?.filter((e) => Object.entries(labels ?? {}).every(([k, v]) => e.labels?.[k] === v))
    .map((e) => {
      const port = Object.values(e.ports ?? {})[0] ?? destination.port?.number ?? firstPort(entry!);
      return { address: e.address, ...(port !== undefined ? { port } : {}) };
    });
  if (endpoints && endpoints.length === 0)
    return { ...base, ...(labels ? { labels } : {}), endpoints, problem: `no endpoint of the ServiceEntry for ${host} has the subset's labels (503 UH)` };
  return { ...base, ...(labels ? { labels } : {}), ...(endpoints ? { endpoints } : {}) };
}

function firstPort(entry: KubeObject): number | undefined {
  return (entry.spec as { ports?: { number: number }[] }).ports?.[0]?.number;
}

/** Istio merges DestinationRules of one host: subsets of later rules are added unless the name is taken. */
export function subsetsOf(objects: readonly KubeObject[], host: string): { name: string; labels?: Record<string, string> }[] {
  const subsets: { name: string; labels?: Record<string, string> }[] = [];
  for (const o of objects) {
    if (o.kind !== 'DestinationRule') continue;
    const spec = o.spec as { host?: string; subsets?: { name: string; labels?: Record<string, string> }[] };
    if (qualifyHost(spec.host ?? '', o.metadata?.namespace ?? 'default', true) !== host) continue;
    for (const s of spec.subsets ?? []) if (!subsets.some((x) => x.name === s.name)) subsets.push(s);
  }
  return subsets;
}

function lowerKeys(headers: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
}
