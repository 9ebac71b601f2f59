/**
 * What an Envoy proxy configured by istiod does with one request: the listener's virtual host by authority, the
 * routes istiod generated for this proxy in order (first match wins), and the route's action — weighted
 * destinations resolved through DestinationRules and ServiceEntries, fault injection, mirrors, redirects, direct
 * responses, rewrites and header operations. TCP and TLS requests follow the `tcp` / `tls` routes.
 *
 * Upstream semantics followed (istio 1.30.3, pilot/pkg/networking/core):
 * - per match block one Envoy route; blocks whose `gateways`, `sourceLabels`, `sourceNamespace` or `port` exclude
 *   this proxy or listener are not generated at all; a VirtualService's routes stop at its first catch-all
 *   (route/route.go BuildHTTPRoutesForVirtualService, sourceMatchHTTP);
 * - at a gateway, the routes of every VirtualService bound to it for a host are merged in istiod's order and the
 *   catch-all routes moved last (gateway.go buildGatewayHTTPRouteConfig, route.go SortVHostRoutes);
 *   the virtual host's domains are the intersection of the server's and the VirtualService's hosts;
 * - Envoy: `uri.exact`/`regex` compare the path without its query, `prefix` the whole `:path`; regexes are RE2
 *   full matches; an empty StringMatch `{}` tests presence; destination header operations before the route's;
 * - fault percentages default to 0 when unset, mirror percentages to 100 (route.go TranslateFault, MirrorPercent).
 */
import { matchString } from '../simulate/string-match';
import { hostSpecificity, resolveShortname, type IstioModel, type ModelHttpRoute, type ModelVirtualService } from './istio-model';
import type { Destination, GatewayServer, HeaderOps, HttpMatch, HttpRoute, L4Route, RouteDestination, ServiceEntrySpec, StringMatch } from './istio-types';
import { normalRequest, type NormalRequest, type Request } from './request';

export interface RoutedDestination {
  /** Percentage of the requests this route sends somewhere (weights of the route; 100 for one destination). */
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
  /** Headers the destination's and the route's response operations add or set (e.g. a sticky session's Set-Cookie). */
  readonly responseHeaders?: Readonly<Record<string, string>>;
  /** Path and authority as the upstream receives them, when a rewrite changed them. */
  readonly path?: string;
  readonly authority?: string;
  /** Why Envoy could not send here (e.g. an undefined subset: 503 NC). */
  readonly problem?: string;
  /** ASM: the subsets this request fell back from, in order, before reaching this one. */
  readonly fellBackFrom?: readonly string[];
}

export interface RouteFault {
  readonly abort?: { readonly httpStatus?: number; readonly grpcStatus?: string; readonly percent: number };
  readonly delay?: { readonly fixedDelay: string; readonly percent: number };
}

export interface RouteMirror {
  readonly host: string;
  readonly subset?: string;
  readonly port?: number;
  readonly percent: number;
}

export type HopStatus = 'routed' | 'no-route' | 'passthrough' | 'redirect' | 'direct-response' | 'not-found';

export interface IstioHop {
  readonly status: HopStatus;
  /** The host the request is for, as the proxy resolves it. */
  readonly host: string;
  readonly port?: number;
  /** "namespace/name" of the VirtualService used. */
  readonly virtualService?: string;
  readonly route?: string;
  readonly routeIndex?: number;
  readonly matchIndex?: number;
  /** The delegate VirtualService (and its route) the route comes from. */
  readonly delegate?: { readonly ref: string; readonly index: number };
  /** The conditions of the matched block, in words: each held for this request. */
  readonly conditions: readonly string[];
  readonly destinations: readonly RoutedDestination[];
  readonly fault?: RouteFault;
  readonly mirrors?: readonly RouteMirror[];
  readonly redirect?: { readonly status: number; readonly location: string };
  readonly directResponse?: { readonly status: number; readonly body?: string };
  readonly timeout?: string;
  readonly retries?: { readonly attempts?: number; readonly perTryTimeout?: string; readonly retryOn?: string };
  /** Why the request went nowhere, or what the model assumed. */
  readonly notes: readonly string[];
}

/** One Envoy route: a match block of an HTTP route (or the route itself when it has none). */
interface EnvoyRoute {
  readonly vs: ModelVirtualService;
  readonly http: ModelHttpRoute;
  /** Index of the match block, -1 for a route without match. */
  readonly matchIndex: number;
  readonly match?: HttpMatch;
}

interface Proxy {
  /** "mesh" or the gateway's "namespace/name". */
  readonly gateway: string;
  /** The proxy's namespace: where exportTo and DestinationRule lookups are evaluated. */
  readonly namespace: string;
}

export function routeIstio(model: IstioModel, input: Request): IstioHop {
  const request = normalRequest(input);
  return request.via === 'mesh' ? sidecar(model, request) : gateway(model, request);
}

function sidecar(model: IstioModel, request: NormalRequest): IstioHop {
  const proxy: Proxy = { gateway: 'mesh', namespace: request.sourceNamespace ?? 'default' };
  const host = meshHost(model, request.host, proxy.namespace);
  const notes: string[] = [];
  const port = request.port ?? request.authorityPort ?? onlyPort(model, proxy.namespace, host, notes);
  const base = { host, ...(port !== undefined ? { port } : {}) };
  const vs = model.virtualServiceFor('mesh', proxy.namespace, host);
  if (!vs) {
    notes.push(`no VirtualService for ${host} is bound to the mesh and visible in namespace ${proxy.namespace}: the request goes to every endpoint of the host`);
    return { status: 'passthrough', ...base, conditions: [], destinations: [resolve(model, proxy, { host }, 100, request.headers, port)], notes };
  }
  if (request.protocol !== 'http') return l4(model, proxy, request, vs, base, notes);
  return evaluate(model, proxy, request, generated(vs, proxy, request, port), base, notes);
}

function gateway(model: IstioModel, request: NormalRequest): IstioHop {
  const gw = model.gateways.get(request.via);
  const gatewayNamespace = request.via.split('/')[0]!;
  const proxy: Proxy = { gateway: request.via, namespace: request.sourceNamespace ?? gatewayNamespace };
  const notes: string[] = [];
  let port = request.port ?? request.authorityPort;
  let servers: readonly GatewayServer[] | undefined;
  if (gw) {
    const fits = (s: GatewayServer) => protocolFits(s, request);
    if (port === undefined) {
      const ports = [...new Set(gw.servers.filter(fits).map((s) => s.port?.number).filter((p): p is number => p !== undefined))].sort((a, b) => a - b);
      port = ports[0];
      if (ports.length > 1) notes.push(`Gateway ${gw.ref} listens on ports ${ports.join(', ')}; port ${port} assumed (say --port)`);
    }
    servers = gw.servers.filter((s) => s.port?.number === port && fits(s));
    if (servers.length === 0)
      return { status: 'not-found', host: request.host, ...(port !== undefined ? { port } : {}), conditions: [], destinations: [], notes: [...notes, `no server of Gateway ${gw.ref} takes ${request.protocol.toUpperCase()} on port ${port ?? '(none)'}: the connection is refused`] };
    const redirecting = servers.find((s) => s.tls?.httpsRedirect && request.protocol === 'http' && request.scheme !== 'https' && serverTakes(s, request.host));
    if (redirecting)
      return { status: 'redirect', host: request.host, port: port!, conditions: [], destinations: [], redirect: { status: 301, location: `https://${request.host}${request.fullPath}` }, notes: [...notes, `the server of Gateway ${gw.ref} on port ${port} sets httpsRedirect`] };
  } else {
    notes.push(`Gateway ${request.via} is not in the input: assumed to serve every host its VirtualServices name${port !== undefined ? ` on port ${port}` : ''}`);
  }
  const bound = model.virtualServicesForGateway(request.via, proxy.namespace);
  if (request.protocol !== 'http') {
    const vs = bound.find((v) => (servers ? vhostDomains(v, servers, gatewayNamespace) : v.hosts).some((d) => hostSpecificity(d, request.host) > 0 || d === '*'));
    if (!vs) return { status: 'not-found', host: request.host, ...(port !== undefined ? { port } : {}), conditions: [], destinations: [], notes: [...notes, `no VirtualService bound to ${request.via} takes ${request.host}`] };
    return l4(model, proxy, request, vs, { host: request.host, ...(port !== undefined ? { port } : {}) }, notes);
  }
  // Virtual hosts: each domain with the routes of every VirtualService that brings it, in order.
  const vhosts = new Map<string, EnvoyRoute[]>();
  for (const vs of bound) {
    const routes = generated(vs, proxy, request, port);
    for (const domain of servers ? vhostDomains(vs, servers, gatewayNamespace) : vs.hosts) vhosts.set(domain, [...(vhosts.get(domain) ?? []), ...routes]);
  }
  let best: { domain: string; score: number } | undefined;
  for (const domain of vhosts.keys()) {
    // Envoy's virtual host choice: exact domain, then the longest suffix wildcard, then `*`.
    const score = hostSpecificity(domain, request.host);
    if (score > 0 && (!best || score > best.score)) best = { domain, score };
  }
  if (!best) {
    notes.push(`no virtual host of ${request.via}${port !== undefined ? ` port ${port}` : ''} serves ${request.host}: Envoy answers 404 (NR)`);
    return { status: 'not-found', host: request.host, ...(port !== undefined ? { port } : {}), conditions: [], destinations: [], notes };
  }
  const routes = vhosts.get(best.domain)!;
  const sorted = [...routes.filter((r) => !isCatchAll(r)), ...routes.filter(isCatchAll)];
  return evaluate(model, proxy, request, sorted, { host: request.host, ...(port !== undefined ? { port } : {}) }, notes);
}

function protocolFits(s: GatewayServer, request: NormalRequest): boolean {
  const protocol = (s.port?.protocol ?? 'HTTP').toUpperCase();
  const mode = (s.tls?.mode ?? 'SIMPLE').toUpperCase();
  const passthrough = mode === 'PASSTHROUGH' || mode === 'AUTO_PASSTHROUGH';
  if (request.protocol === 'tcp') return protocol === 'TCP' || protocol === 'MONGO';
  if (request.protocol === 'tls') return protocol === 'TLS' || (protocol === 'HTTPS' && passthrough);
  const plain = ['HTTP', 'HTTP2', 'GRPC'].includes(protocol);
  const terminated = (protocol === 'HTTPS' || protocol === 'TLS') && !passthrough;
  return request.scheme === 'http' ? plain : request.scheme === 'https' ? terminated : plain || (protocol === 'HTTPS' && !passthrough);
}

function serverTakes(s: GatewayServer, host: string): boolean {
  return (s.hosts ?? []).some((h) => hostSpecificity(h.includes('/') ? h.slice(h.indexOf('/') + 1) : h, host) > 0);
}

/** The domains a VirtualService brings to a gateway's servers: server hosts (for its namespace) ∩ its hosts. */
function vhostDomains(vs: ModelVirtualService, servers: readonly GatewayServer[], gatewayNamespace: string): string[] {
  const out = new Set<string>();
  for (const server of servers) {
    for (const entry of server.hosts ?? []) {
      const slash = entry.indexOf('/');
      const ns = slash < 0 ? '*' : entry.slice(0, slash);
      const serverHost = (slash < 0 ? entry : entry.slice(slash + 1)).toLowerCase();
      if (!(ns === '*' || ns === vs.namespace || (ns === '.' && vs.namespace === gatewayNamespace))) continue;
      for (const h of vs.hosts) {
        if (hostSpecificity(serverHost, h) > 0) out.add(h);
        else if (hostSpecificity(h, serverHost) > 0) out.add(serverHost);
      }
    }
  }
  return [...out];
}

/**
 * A mesh authority as the caller's DNS search path resolves it (`<ns>.svc.cluster.local`, then `svc.cluster.local`):
 * `reviews` is the caller's namespace's Service, `reviews.prod` the one in `prod`, unless a ServiceEntry declares
 * the name or no object names that namespace.
 */
function meshHost(model: IstioModel, host: string, namespace: string): string {
  const parts = host.split('.');
  if (parts.length === 1) return `${host}.${namespace}.svc.cluster.local`;
  if (parts.length === 3 && parts[2] === 'svc') return `${host}.cluster.local`;
  if (parts.length === 2 && !model.serviceEntryFor(namespace, host) && model.knowsNamespace(parts[1]!)) return `${host}.svc.cluster.local`;
  return host;
}

function onlyPort(model: IstioModel, namespace: string, host: string, notes: string[]): number | undefined {
  const ports = model.portsOf(namespace, host);
  if (ports && ports.length === 1) return ports[0]!.number;
  if (ports && ports.length > 1) notes.push(`${host} has ports ${ports.map((p) => p.number).join(', ')}; say --port to evaluate port matches`);
  return undefined;
}

/**
 * Routes generated per VirtualService, proxy and port: they depend on the request only through its source
 * labels, so requests without them (every traffic-table row) share one list instead of rebuilding it per
 * request — a host's routes times its lanes was most of `diff`.
 */
const generatedCache = new WeakMap<ModelVirtualService, Map<string, readonly EnvoyRoute[]>>();

/** The Envoy routes istiod generates from a VirtualService for this proxy and listener port (callers do not modify them). */
function generated(vs: ModelVirtualService, proxy: Proxy, request: NormalRequest, port: number | undefined): readonly EnvoyRoute[] {
  if (request.sourceLabels !== undefined) return generateRoutes(vs, proxy, request, port);
  let byProxy = generatedCache.get(vs);
  if (byProxy === undefined) generatedCache.set(vs, (byProxy = new Map()));
  const key = `${proxy.gateway}\u0000${proxy.namespace}\u0000${port ?? ''}`;
  let routes = byProxy.get(key);
  if (routes === undefined) byProxy.set(key, (routes = generateRoutes(vs, proxy, request, port)));
  return routes;
}

function generateRoutes(vs: ModelVirtualService, proxy: Proxy, request: NormalRequest, port: number | undefined): EnvoyRoute[] {
  const out: EnvoyRoute[] = [];
  for (const http of vs.http) {
    const blocks = http.route.match ?? [];
    if (blocks.length === 0) {
      out.push({ vs, http, matchIndex: -1 });
      return out;
    }
    for (let i = 0; i < blocks.length; i++) {
      const match = blocks[i]!;
      if (!generatedFor(match, vs, proxy, request, port)) continue;
      const r: EnvoyRoute = { vs, http, matchIndex: i, match };
      out.push(r);
      if (isCatchAll(r)) return out;
    }
  }
  return out;
}

function generatedFor(match: HttpMatch, vs: ModelVirtualService, proxy: Proxy, request: NormalRequest, port: number | undefined): boolean {
  const gateways = match.gateways && match.gateways.length > 0 ? match.gateways.map((g) => (g === 'mesh' || g.includes('/') ? g : `${vs.namespace}/${g}`)) : vs.gateways;
  if (!gateways.includes(proxy.gateway)) return false;
  if (match.sourceNamespace !== undefined && match.sourceNamespace !== proxy.namespace) return false;
  if (match.sourceLabels !== undefined && !Array.isArray(match.sourceLabels)) {
    for (const [k, v] of Object.entries(match.sourceLabels as Record<string, string>)) if (request.sourceLabels?.[k] !== v) return false;
  }
  if (match.port !== undefined && match.port !== 0 && match.port !== port) return false;
  return true;
}

/** Envoy's catch-all: a `/` prefix (or `.*` regex, or no path) with no header or query condition. */
function isCatchAll(r: EnvoyRoute): boolean {
  const m = r.match;
  if (!m) return true;
  const uri = m.uri;
  const pathAll = !uri || uri.prefix === '/' || uri.regex === '.*' || (uri.exact === undefined && uri.prefix === undefined && uri.regex === undefined);
  const none = (x: object | undefined) => !x || Object.keys(x).length === 0;
  return pathAll && none(m.headers) && none(m.withoutHeaders) && none(m.queryParams) && !m.method && !m.authority && !m.scheme && !m.trafficLabel && !(Array.isArray(m.sourceLabels) && m.sourceLabels.length > 0);
}

/** First route whose request-time conditions hold, and what it does. */
function evaluate(model: IstioModel, proxy: Proxy, request: NormalRequest, routes: readonly EnvoyRoute[], base: { host: string; port?: number }, notes: string[]): IstioHop {
  for (const r of routes) {
    // Most routes fail (one per lane of the host): tested without building their words first.
    if (r.match && !passes(r.match, request)) continue;
    const conditions = r.match ? holds(r.match, request, proxy) : [];
    if (conditions === undefined) continue;
    return act(model, proxy, request, r, conditions, base, notes);
  }
  const vs = routes[0]?.vs;
  notes.push('no route matches: Envoy answers 404 (NR)');
  return { status: 'no-route', ...base, ...(vs ? { virtualService: vs.ref } : {}), conditions: [], destinations: [], notes };
}

/** Whether every condition of a match block holds: `holds` without the words (the same tests, in the same order). */
function passes(m: HttpMatch, r: NormalRequest): boolean {
  const uri = m.uri;
  if (uri !== undefined) {
    // As `holds` reads it, a null `uri` included.
    const pathValue = (uri as StringMatch | null)?.prefix !== undefined ? r.fullPath : r.pathOnly;
    const fold = m.ignoreUriCase === true && (uri as StringMatch | null)?.regex === undefined;
    if (!(fold ? matchString(lowerMatch(uri), pathValue.toLowerCase()) : matchString(uri, pathValue))) return false;
  }
  if (m.scheme !== undefined && !matchString(m.scheme, r.scheme ?? 'http')) return false;
  if (m.method !== undefined && !matchString(m.method, r.method)) return false;
  if (m.authority !== undefined && !matchString(m.authority, r.authority)) return false;
  if (m.headers !== undefined) for (const name in m.headers) if (!matchString(m.headers[name], r.headers[name.toLowerCase()])) return false;
  if (m.withoutHeaders !== undefined) for (const name in m.withoutHeaders) if (matchString(m.withoutHeaders[name], r.headers[name.toLowerCase()])) return false;
  if (m.queryParams !== undefined) for (const name in m.queryParams) if (!matchString(m.queryParams[name], r.query[name])) return false;
  if (m.trafficLabel && !m.trafficLabel.some((sm) => matchString(sm, r.trafficLabel))) return false;
  if (Array.isArray(m.sourceLabels) && !(m.sourceLabels as readonly StringMatch[]).some((sm) => matchString(sm, r.sourceLane))) return false;
  return true;
}

/** The conditions of a match block in words, or undefined when one fails. */
function holds(m: HttpMatch, r: NormalRequest, proxy: Proxy): string[] | undefined {
  const out: string[] = [];
  const check = (label: string, sm: StringMatch | undefined, value: string | undefined, fold = false): boolean => {
    if (sm === undefined) return true;
    const ok = fold ? matchString(lowerMatch(sm), value?.toLowerCase()) : matchString(sm, value);
    if (ok) out.push(`${label} ${describe(sm)}`);
    return ok;
  };
  const uri = m.uri;
  // Envoy: `path` (exact) and `safe_regex` see the path without its query; `prefix` sees all of `:path`.
  const pathValue = uri?.prefix !== undefined ? r.fullPath : r.pathOnly;
  if (!check('uri', uri, pathValue, m.ignoreUriCase === true && uri?.regex === undefined)) return undefined;
  if (!check('scheme', m.scheme, r.scheme ?? 'http')) return undefined;
  if (!check('method', m.method, r.method)) return undefined;
  if (m.method && r.methodAssumed) out[out.length - 1] += ' (the request names no method: GET assumed)';
  if (!check('authority', m.authority, r.authority)) return undefined;
  for (const [name, sm] of Object.entries(m.headers ?? {})) if (!check(`header ${name.toLowerCase()}`, sm, r.headers[name.toLowerCase()])) return undefined;
  for (const [name, sm] of Object.entries(m.withoutHeaders ?? {})) {
    if (matchString(sm, r.headers[name.toLowerCase()])) return undefined;
    out.push(`header ${name.toLowerCase()} not ${describe(sm)}`);
  }
  for (const [name, sm] of Object.entries(m.queryParams ?? {})) if (!check(`query ${name}`, sm, r.query[name])) return undefined;
  if (m.trafficLabel && !m.trafficLabel.some((sm) => matchString(sm, r.trafficLabel))) return undefined;
  if (m.trafficLabel) out.push(`trafficLabel ${m.trafficLabel.map(describe).join(' or ')}`);
  if (Array.isArray(m.sourceLabels)) {
    if (!(m.sourceLabels as readonly StringMatch[]).some((sm) => matchString(sm, r.sourceLane))) return undefined;
    out.push(`caller's label ${(m.sourceLabels as readonly StringMatch[]).map(describe).join(' or ')}`);
  } else if (m.sourceLabels) out.push(`caller labels ${Object.entries(m.sourceLabels).map(([k, v]) => `${k}=${v}`).join(', ')}`);
  if (m.sourceNamespace !== undefined) out.push(`caller namespace ${m.sourceNamespace}`);
  if (m.port !== undefined && m.port !== 0) out.push(`port ${m.port}`);
  if (m.gateways && m.gateways.length > 0) out.push(`gateway ${proxy.gateway}`);
  return out;
}

function lowerMatch(sm: StringMatch): StringMatch {
  return {
    ...(sm.exact !== undefined ? { exact: sm.exact.toLowerCase() } : {}),
    ...(sm.prefix !== undefined ? { prefix: sm.prefix.toLowerCase() } : {}),
    ...(sm.regex !== undefined ? { regex: sm.regex } : {}),
  };
}

export function describe(sm: StringMatch): string {
  if (sm.exact !== undefined) return `exact ${JSON.stringify(sm.exact)}`;
  if (sm.prefix !== undefined) return `prefix ${JSON.stringify(sm.prefix)}`;
  if (sm.regex !== undefined) return `regex ${JSON.stringify(sm.regex)}`;
  return 'present';
}

function act(model: IstioModel, proxy: Proxy, request: NormalRequest, r: EnvoyRoute, conditions: string[], base: { host: string; port?: number }, notes: string[]): IstioHop {
  const route = r.http.route;
  // Built key by key, in the order the JSON of a hop shows them (explain --format json): spreading conditional
  // parts made this the costliest function of `diff`, which routes every service × lane twice.
  const hop: Record<string, unknown> = { status: 'routed', host: base.host };
  if (base.port !== undefined) hop.port = base.port;
  hop.virtualService = r.vs.ref;
  if (route.name !== undefined) hop.route = route.name;
  hop.routeIndex = r.http.index;
  if (r.matchIndex >= 0) hop.matchIndex = r.matchIndex;
  if (r.http.delegate) hop.delegate = r.http.delegate;
  hop.conditions = conditions;
  hop.notes = r.vs.problems.length === 0 ? [...notes] : [...notes, ...r.vs.problems];
  if (route.redirect) {
    const rd = route.redirect;
    const scheme = rd.scheme ?? request.scheme ?? 'http';
    const authority = rd.authority ?? request.host;
    const port = rd.port !== undefined ? `:${rd.port}` : '';
    const location = `${scheme}://${authority}${port}${rd.uri ?? request.fullPath}`;
    hop.status = 'redirect';
    hop.destinations = [];
    hop.redirect = { status: rd.redirectCode ?? 301, location };
    return hop as unknown as IstioHop;
  }
  const fault = faultOf(route);
  if (route.directResponse) {
    hop.status = 'direct-response';
    hop.destinations = [];
    if (fault) hop.fault = fault;
    hop.directResponse = { status: route.directResponse.status, ...(route.directResponse.body?.string !== undefined ? { body: route.directResponse.body.string } : {}) };
    return hop as unknown as IstioHop;
  }
  const destinations = targets(model, proxy, request, r, base.port);
  const mirrors = mirrorsOf(route, r.vs.namespace);
  if (destinations.length === 0) hop.status = 'no-route';
  hop.destinations = destinations;
  if (fault) hop.fault = fault;
  if (mirrors.length > 0) hop.mirrors = mirrors;
  if (route.timeout !== undefined) hop.timeout = route.timeout;
  if (route.retries !== undefined) hop.retries = route.retries;
  return hop as unknown as IstioHop;
}

function faultOf(route: HttpRoute): RouteFault | undefined {
  const f = route.fault;
  if (!f) return undefined;
  const abort = f.abort && (f.abort.httpStatus !== undefined || f.abort.grpcStatus !== undefined)
    ? { ...(f.abort.httpStatus !== undefined ? { httpStatus: f.abort.httpStatus } : {}), ...(f.abort.grpcStatus !== undefined ? { grpcStatus: f.abort.grpcStatus } : {}), percent: f.abort.percentage?.value ?? 0 }
    : undefined;
  const delay = f.delay?.fixedDelay !== undefined ? { fixedDelay: f.delay.fixedDelay, percent: f.delay.percentage?.value ?? f.delay.percent ?? 0 } : undefined;
  if (!abort && !delay) return undefined;
  return { ...(abort ? { abort } : {}), ...(delay ? { delay } : {}) };
}

function mirrorsOf(route: HttpRoute, namespace: string): RouteMirror[] {
  const out: RouteMirror[] = [];
  const add = (d: Destination, percent: number) => {
    if (percent <= 0) return;
    out.push({ host: resolveShortname(d.host, namespace), ...(d.subset !== undefined ? { subset: d.subset } : {}), ...(d.port?.number !== undefined ? { port: d.port.number } : {}), percent });
  };
  if (route.mirror) add(route.mirror, route.mirrorPercentage?.value ?? route.mirrorPercent ?? 100);
  for (const m of route.mirrors ?? []) add(m.destination, m.percentage?.value ?? 100);
  return out;
}

/** Where a route sends requests: weights, header operations, rewrites, subsets resolved. */
function targets(model: IstioModel, proxy: Proxy, request: NormalRequest, r: EnvoyRoute, port: number | undefined): RoutedDestination[] {
  const route = r.http.route;
  const dests = (route.route ?? []).map((d) => withLabel(d, request.trafficLabel));
  const total = dests.reduce((sum, d) => sum + (d.weight ?? 0), 0);
  const weighted = dests.map((d) => ({ d, weight: dests.length === 1 ? 100 : total === 0 ? 100 / dests.length : (100 * (d.weight ?? 0)) / total }));
  const rewritten = rewrite(route, r.match, request);
  return weighted
    .filter(({ weight }) => weight > 0 || total === 0)
    .map(({ d, weight }) => {
      const { chosen, trail } = fallBack(d, dests, request.availability, r.vs.namespace);
      const after = applyOps(applyOps(request.headers, chosen.headers?.request), route.headers?.request);
      const resolved = resolve(model, proxy, { ...chosen.destination, host: resolveShortname(chosen.destination.host, r.vs.namespace) }, weight, after, port);
      // Response operations, in Envoy's order as for requests: the weighted cluster's, then the route's.
      const response = applyOps(applyOps(Object.create(null) as Record<string, string>, chosen.headers?.response), route.headers?.response);
      return { ...resolved, ...rewritten, ...(Object.keys(response).length > 0 ? { responseHeaders: response } : {}), ...(trail.length > 0 ? { fellBackFrom: trail } : {}) };
    });
}

function rewrite(route: HttpRoute, match: HttpMatch | undefined, request: NormalRequest): { path?: string; authority?: string } {
  const rw = route.rewrite;
  if (!rw) return {};
  let path: string | undefined;
  if (rw.uri !== undefined) {
    const prefix = match?.uri?.prefix;
    path = prefix !== undefined ? rw.uri + request.fullPath.slice(prefix.length) : rw.uri + request.fullPath.slice(request.pathOnly.length);
  } else if (rw.uriRegexRewrite) {
    path = request.pathOnly.replace(new RegExp(rw.uriRegexRewrite.match, 'gu'), rw.uriRegexRewrite.rewrite.replace(/\\(\d)/g, '$$$1')) + request.fullPath.slice(request.pathOnly.length);
  }
  return { ...(path !== undefined ? { path } : {}), ...(rw.authority !== undefined ? { authority: rw.authority } : {}) };
}

/** ASM: `$trafficLabel` as a subset means the subset named like the request's label. */
function withLabel(d: RouteDestination, label: string | undefined): RouteDestination {
  if (d.destination.subset !== '$trafficLabel') return d;
  return { ...d, destination: { ...d.destination, subset: label ?? '' } };
}

/** ASM's fallback: while a destination's subset has no (available) instances, go to its target. */
function fallBack(start: RouteDestination, dests: readonly RouteDestination[], availability: NormalRequest['availability'], namespace: string): { chosen: RouteDestination; trail: string[] } {
  let current = start;
  const trail: string[] = [];
  while (current.fallback && availability) {
    const state = availability(resolveShortname(current.destination.host, namespace), current.destination.subset);
    const falls = current.fallback.case === 'noinstances' ? state === 'none' : state !== 'healthy';
    const next = dests.find((x) => x.destination.subset === current.fallback!.target && !trail.includes(x.destination.subset ?? ''));
    if (!falls || !next) break;
    trail.push(current.destination.subset ?? current.destination.host);
    current = next;
  }
  return { chosen: current, trail };
}

function applyOps(headers: Readonly<Record<string, string>>, ops: HeaderOps | undefined): Record<string, string> {
  const out: Record<string, string> = Object.assign(Object.create(null) as Record<string, string>, headers);
  if (!ops) return out;
  for (const name of ops.remove ?? []) delete out[name.toLowerCase()];
  for (const [name, value] of Object.entries(ops.set ?? {})) out[name.toLowerCase()] = value;
  for (const [name, value] of Object.entries(ops.add ?? {})) {
    const key = name.toLowerCase();
    out[key] = out[key] === undefined ? value : `${out[key]},${value}`;
  }
  return out;
}

/** TCP and TLS routes: first whose match holds for the port, SNI, subnet and caller. */
function l4(model: IstioModel, proxy: Proxy, request: NormalRequest, vs: ModelVirtualService, base: { host: string; port?: number }, notes: string[]): IstioHop {
  const routes: readonly L4Route[] = request.protocol === 'tls' ? vs.tls : vs.tcp;
  const sni = (request.sni ?? request.host).toLowerCase();
  for (let i = 0; i < routes.length; i++) {
    const route = routes[i]!;
    const blocks = route.match ?? [];
    const conditions: string[] = [];
    const matchIndex = blocks.length === 0 ? -1 : blocks.findIndex((m) => {
      conditions.length = 0;
      const gateways = m.gateways && m.gateways.length > 0 ? m.gateways.map((g) => (g === 'mesh' || g.includes('/') ? g : `${vs.namespace}/${g}`)) : vs.gateways;
      if (!gateways.includes(proxy.gateway)) return false;
      if (m.port !== undefined && m.port !== base.port) return false;
      if (m.port !== undefined) conditions.push(`port ${m.port}`);
      if (m.sniHosts && !m.sniHosts.some((h) => hostSpecificity(h, sni) > 0)) return false;
      if (m.sniHosts) conditions.push(`SNI ${sni} in ${m.sniHosts.join(', ')}`);
      if (m.sourceNamespace !== undefined && m.sourceNamespace !== proxy.namespace) return false;
      if (m.sourceLabels && Object.entries(m.sourceLabels).some(([k, v]) => request.sourceLabels?.[k] !== v)) return false;
      if (m.destinationSubnets && m.destinationSubnets.length > 0) conditions.push(`destination subnet in ${m.destinationSubnets.join(', ')} (not evaluated: the model has no addresses)`);
      return true;
    });
    if (blocks.length > 0 && matchIndex < 0) continue;
    const dests = route.route ?? [];
    const total = dests.reduce((sum, d) => sum + (d.weight ?? 0), 0);
    const destinations = dests
      .map((d) => ({ d, weight: dests.length === 1 ? 100 : total === 0 ? 100 / dests.length : (100 * (d.weight ?? 0)) / total }))
      .filter(({ weight }) => weight > 0)
      .map(({ d, weight }) => resolve(model, proxy, { ...d.destination, host: resolveShortname(d.destination.host, vs.namespace) }, weight, request.headers, base.port));
    return { status: 'routed', ...base, virtualService: vs.ref, routeIndex: i, ...(matchIndex >= 0 ? { matchIndex } : {}), conditions: [...conditions], destinations, notes };
  }
  notes.push(`no ${request.protocol} route of VirtualService ${vs.ref} matches: the connection goes nowhere`);
  return { status: 'no-route', ...base, virtualService: vs.ref, conditions: [], destinations: [], notes };
}

/** A destination's subset through the DestinationRules the proxy sees; its host through ServiceEntries or Services. */
function resolve(model: IstioModel, proxy: Proxy, destination: Destination, weight: number, headers: Readonly<Record<string, string>>, requestPort: number | undefined): RoutedDestination {
  const host = destination.host;
  // Istio: a destination without a port takes the service's only port, else the listener's.
  const servicePorts = model.portsOf(proxy.namespace, host);
  const port = destination.port?.number ?? (servicePorts?.length === 1 ? servicePorts[0]!.number : requestPort);
  const base = { weight, host, ...(destination.subset !== undefined ? { subset: destination.subset } : {}), ...(port !== undefined ? { port } : {}), headers };
  const entry = model.serviceEntryFor(proxy.namespace, host);
  let labels: Record<string, string> | undefined;
  if (destination.subset !== undefined) {
    const dr = model.destinationRuleFor(proxy.namespace, host);
    const subset = dr?.subsets.get(destination.subset);
    if (!subset)
      return { ...base, problem: `no DestinationRule visible in namespace ${proxy.namespace} defines subset "${destination.subset}" for host ${host} (Envoy answers 503 NC)` };
    labels = { ...(subset.labels ?? {}) };
  }
  const withLabels = labels ? { labels } : {};
  if (!entry) {
    const known = model.hasServices ? model.serviceFor(host) !== undefined : /\.svc\.cluster\.local$/.test(host);
    if (!known)
      return { ...base, ...withLabels, problem: `host ${host} is neither a Kubernetes Service${model.hasServices ? ' in the input' : ''} nor in a ServiceEntry visible in namespace ${proxy.namespace} (Envoy answers 503 NC)` };
    return { ...base, ...withLabels };
  }
  const spec = (entry.object.spec ?? {}) as ServiceEntrySpec;
  const resolution = spec.resolution ?? 'NONE';
  const listed = spec.endpoints;
  if (!listed || listed.length === 0) {
    // DNS without endpoints: the hosts themselves are resolved; NONE: the original destination address is used.
    return resolution === 'DNS' || resolution === 'DNS_ROUND_ROBIN' ? { ...base, ...withLabels, endpoints: [{ address: host, ...(port !== undefined ? { port } : {}) }] } : { ...base, ...withLabels };
  }
  const endpoints = listed
    .filter((e) => Object.entries(labels ?? {}).every(([k, v]) => e.labels?.[k] === v))
    .map((e) => {
      const p = Object.values(e.ports ?? {})[0] ?? port ?? spec.ports?.[0]?.number;
      return { address: e.address ?? '', ...(p !== undefined ? { port: p } : {}) };
    });
  if (endpoints.length === 0)
    return { ...base, ...withLabels, endpoints, problem: `no endpoint of the ServiceEntry for ${host} has the subset's labels (Envoy answers 503 UH)` };
  return { ...base, ...withLabels, endpoints };
}

