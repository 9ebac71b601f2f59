/**
 * One request through Gateway API routes, as an Envoy-based implementation (Istio, Envoy Gateway) serves them:
 * at a Gateway, the listener by port and hostname and the routes attached to it; in the mesh (GAMMA), the routes
 * attached to the Service called. Then the matching rule by the spec's precedence, its filters and its weighted
 * backendRefs.
 *
 * Upstream semantics followed (kubernetes-sigs/gateway-api v1.6.1, apis/v1/httproute_types.go unless named):
 * - listener: the one on the request's port whose hostname matches most specifically (exact, then the longest
 *   wildcard, then none) (gateway_types.go Listener.Hostname);
 * - hostnames: among the routes a listener serves, those whose matching hostname is most specific (non-wildcard
 *   characters, then characters) take the request — Envoy builds one virtual host per hostname and never falls
 *   through to a less specific one (the model notes when a less specific route would have matched);
 * - matches: Exact path, then the longest PathPrefix (segment-wise, a trailing "/" ignored), then
 *   RegularExpression (implementation-specific: ranked after every prefix, longer first, RE2 full match as
 *   Envoy), then a method match, then more header matches, then more query param matches; ties: the oldest
 *   route, then "namespace/name", then rule order (HTTPRouteRule.Matches). Header names compare
 *   case-insensitively, query param names exactly; only the first of equivalent names counts;
 * - no matching rule → 404; GAMMA: a Service without routes keeps the mesh's default (its own endpoints), one with
 *   routes rejects what none matches (site/content/en/docs/mesh/mesh-overview.md, GEP-1426);
 * - backendRefs: weight defaults to 1, 0 sends nothing; an invalid backendRef's share gets 500; a rule without
 *   backendRefs (and no redirect) or whose weights are all 0 answers 500 (Istio: 503);
 * - filters: RequestHeaderModifier (set replaces, add appends with ",", remove), URLRewrite (hostname,
 *   ReplaceFullPath, ReplacePrefixMatch), RequestRedirect (302 by default; the port derived from the scheme or
 *   the listener), RequestMirror (percent or fraction, 100% by default), ResponseHeaderModifier (reported). A
 *   backendRef's RequestHeaderModifier runs before the rule's, as Envoy applies a weighted cluster's header
 *   operations before the route's (istio pilot/pkg/config/kube/gateway/conversion.go puts backendRef filters on
 *   the destination, rule filters on the route), so a rule-level operation on the same header wins;
 * - timeouts (GEP-1742: request, backendRequest) and retry (GEP-1731, experimental) are reported, not simulated.
 */
import { fullMatch } from '../simulate/string-match';
import {
  hostnameMatches,
  type Attachment,
  type BackendObjectReference,
  type GatewayApiModel,
  type HeaderModifier,
  type HttpRouteFilter,
  type HttpRouteMatch,
  type HttpRouteRule,
  type ModelHttpRoute,
  type ModelListener,
  type PathModifier,
  type ServiceLookupOptions,
} from './gateway-api-model';
import { normalRequest, type NormalRequest, type Request } from './request';

export interface GatewayApiBackend {
  /** Percentage of this rule's requests sent here: its weight over the rule's total (0 for weight 0). */
  readonly weight: number;
  /** The Service's name and namespace, and its cluster host. */
  readonly name: string;
  readonly namespace: string;
  readonly host: string;
  readonly port?: number;
  /** Request headers (lower-case names) as this backend receives them, after the rule's and its own filters. */
  readonly headers: Readonly<Record<string, string>>;
  /** Path and query as this backend receives them. */
  readonly path: string;
  /** Host header as this backend receives it. */
  readonly authority: string;
  /** Why the backendRef is invalid: its share of requests gets HTTP 500 (HTTPRouteRule.BackendRefs). */
  readonly problem?: string;
  /** The Service is not in the input and was assumed to exist (ServiceLookupOptions.absentServices). */
  readonly assumed?: boolean;
}

export interface GatewayApiMirror {
  readonly name: string;
  readonly namespace: string;
  readonly host: string;
  readonly port?: number;
  readonly percent: number;
  readonly problem?: string;
}

export type GatewayApiStatus = 'routed' | 'redirect' | 'not-found' | 'error' | 'no-listener';

export interface GatewayApiHop {
  /**
   * routed: sent to backends (some may have a problem: 500 for their share); redirect; not-found: no rule
   * matches (404); error: the matched rule answers 500 to every request; no-listener: nothing listens there.
   */
  readonly status: GatewayApiStatus;
  /** The HTTP status the client receives when no backend answers: 404, 500, or the redirect's. */
  readonly httpStatus?: number;
  /** The host the request is for (without port), and the port it arrives on. */
  readonly host: string;
  readonly port?: number;
  /** The listener that took the request (at a Gateway). */
  readonly listener?: ModelListener;
  /** "namespace/name" of the Service whose routes apply (mesh). */
  readonly service?: string;
  /** "namespace/name" of the HTTPRoute that matched, its rule (index and name) and match index. */
  readonly route?: string;
  readonly ruleIndex?: number;
  readonly ruleName?: string;
  readonly matchIndex?: number;
  /** The route hostname that took the request, when the route names any. */
  readonly hostname?: string;
  /** The match's conditions, in words; each held for this request. */
  readonly conditions: readonly string[];
  readonly backends: readonly GatewayApiBackend[];
  readonly redirect?: { readonly status: number; readonly location: string };
  readonly mirrors: readonly GatewayApiMirror[];
  /** ResponseHeaderModifier of the rule (reported: the model does not simulate responses). */
  readonly responseHeaders?: HeaderModifier;
  readonly timeouts?: HttpRouteRule['timeouts'];
  readonly retry?: HttpRouteRule['retry'];
  /** What the model assumed, what it could not evaluate, and why nothing was routed. */
  readonly notes: readonly string[];
}

interface Candidate {
  readonly attachment: Attachment;
  readonly routeOrder: number;
  readonly ruleIndex: number;
  readonly matchIndex: number;
  readonly match: HttpRouteMatch;
  readonly hostname?: string;
}

/** Route one request. `request.via`: "namespace/name" of a Gateway (gateway.networking.k8s.io), or "mesh". */
export function routeGatewayApi(model: GatewayApiModel, request: Request, options: ServiceLookupOptions = {}): GatewayApiHop {
  const r = normalRequest(request);
  return r.via === 'mesh' ? meshHop(model, r, options) : gatewayHop(model, r, options);
}

function gatewayHop(model: GatewayApiModel, r: NormalRequest, options: ServiceLookupOptions): GatewayApiHop {
  const notes: string[] = [];
  const own = model.listeners.filter((l) => l.gateway === r.via);
  if (own.length === 0) return assumedGatewayHop(model, r, options);
  const ports = [...new Set(own.map((l) => l.port))];
  const port = r.port ?? r.authorityPort ?? (r.scheme === 'https' ? 443 : r.scheme === 'http' ? 80 : ports.length === 1 ? ports[0]! : 80);
  const protocols = r.scheme === 'https' ? ['HTTPS'] : r.scheme === 'http' ? ['HTTP'] : ['HTTP', 'HTTPS'];
  const onPort = own.filter((l) => l.port === port && protocols.includes(l.protocol));
  const base = { host: r.host, port };
  if (onPort.length === 0)
    return { status: 'no-listener', ...base, conditions: [], backends: [], mirrors: [], notes: [`Gateway ${r.via} has no ${protocols.join(' or ')} listener on port ${port}`] };
  const listener = bestListener(onPort, r.host);
  if (!listener)
    return { status: 'not-found', httpStatus: 404, ...base, conditions: [], backends: [], mirrors: [], notes: [`no listener of Gateway ${r.via} on port ${port} serves host ${r.host} (${onPort.map((l) => l.hostname ?? '*').join(', ')})`] };
  const attached = model.attachments.filter((a) => a.listener && a.listener.gateway === listener.gateway && a.listener.name === listener.name);
  return hostnameHop(model, r, attached, { ...base, listener }, notes, options);
}

/** The routes of one listener: the most specific hostname's take the request (Envoy's virtual host). */
function hostnameHop(model: GatewayApiModel, r: NormalRequest, attached: readonly Attachment[], withListener: { host: string; port: number; listener: ModelListener }, notes: string[], options: ServiceLookupOptions): GatewayApiHop {
  const { listener } = withListener;
  if (attached.length === 0) return { status: 'not-found', httpStatus: 404, ...withListener, conditions: [], backends: [], mirrors: [], notes: [...notes, `no HTTPRoute is attached to ${listener.assumed ? 'the assumed listener' : `listener ${listener.name}`} of Gateway ${r.via}: 404`] };
  // Envoy's virtual host: the most specific hostname wins; less specific routes never see the request.
  const scored = attached
    .map((a) => ({ a, ...hostnameScore(a.hostnames, r.host) }))
    .filter((x) => x.score >= 0);
  const best = Math.max(-1, ...scored.map((x) => x.score));
  const chosen = scored.filter((x) => x.score === best);
  const fallback = scored.filter((x) => x.score !== best);
  const hop = decide(model, r, chosen.map((x) => ({ attachment: x.a, ...(x.hostname !== undefined ? { hostname: x.hostname } : {}) })), withListener, notes, options);
  if (hop.status === 'not-found' && fallback.length > 0) {
    const other = firstMatch(model, r, fallback.map((x) => ({ attachment: x.a, ...(x.hostname !== undefined ? { hostname: x.hostname } : {}) })));
    if (other)
      return { ...hop, notes: [...hop.notes, `HTTPRoute ${other.attachment.route.ref} (hostname ${other.hostname ?? '*'}) would match, but a more specific hostname's routes take ${r.host} and Envoy-based implementations do not fall through to less specific ones`] };
  }
  return hop;
}

/** A Gateway the input does not hold, that routes name: one assumed HTTP listener without hostname per port. */
function assumedGatewayHop(model: GatewayApiModel, r: NormalRequest, options: ServiceLookupOptions): GatewayApiHop {
  const named = model.attachments.filter((a) => a.listener?.assumed && a.listener.gateway === r.via);
  if (named.length === 0) return { status: 'no-listener', host: r.host, conditions: [], backends: [], mirrors: [], notes: [`no Gateway ${r.via} (gateway.networking.k8s.io) is in the input, and no HTTPRoute names it`] };
  const port = r.port ?? r.authorityPort ?? (r.scheme === 'https' ? 443 : 80);
  const listener: ModelListener = { gateway: r.via, name: '', port, protocol: r.scheme === 'https' ? 'HTTPS' : 'HTTP', assumed: true };
  const notes = [`Gateway ${r.via} is not in the input: assumed to have a listener on port ${port} without hostname that admits every route naming it`];
  const attached = named.filter((a) => a.listener!.port === 0 || a.listener!.port === port);
  return hostnameHop(model, r, attached, { host: r.host, port, listener }, notes, options);
}

function meshHop(model: GatewayApiModel, r: NormalRequest, options: ServiceLookupOptions): GatewayApiHop {
  const notes: string[] = [];
  const svc = serviceOfHost(r.host, r.sourceNamespace);
  if (!svc) return { status: 'no-listener', host: r.host, conditions: [], backends: [], mirrors: [], notes: [`host ${r.host} is not a Kubernetes Service name: GAMMA routes do not apply`] };
  const ports = model.portsOf(svc.namespace, svc.name);
  const serviceRef = `${svc.namespace}/${svc.name}`;
  // A Service not in the input: the one port its routes name, if they agree on one.
  const named = [...new Set(model.attachments.filter((a) => a.service === serviceRef && a.servicePort !== undefined).map((a) => a.servicePort!))];
  const port = r.port ?? r.authorityPort ?? (ports ? (ports.length === 1 ? ports[0]!.number : 80) : named.length === 1 ? named[0]! : 80);
  const base = { host: r.host, port, service: serviceRef };
  const all = model.attachments.filter((a) => a.service === serviceRef && (a.servicePort === undefined || a.servicePort === port));
  // GEP-1426: producer routes (the Service's namespace) apply to every caller; consumer routes to callers in
  // their own namespace. Where a caller's namespace has consumer routes, Istio uses them instead of the producer's.
  const caller = r.sourceNamespace;
  const consumer = caller !== undefined && caller !== svc.namespace ? all.filter((a) => a.route.namespace === caller) : [];
  const producer = all.filter((a) => a.route.namespace === svc.namespace);
  const attached = consumer.length > 0 ? consumer : producer;
  if (consumer.length > 0 && producer.length > 0) notes.push(`consumer routes of namespace ${caller} replace the producer routes of ${svc.namespace} for this caller (as Istio resolves them; GEP-1426 leaves it to the mesh)`);
  if (caller === undefined && all.some((a) => a.route.namespace !== svc.namespace)) notes.push('the caller\'s namespace is not given: consumer routes of other namespaces are not considered');
  if (attached.length === 0) {
    if (!model.serviceOf(svc.namespace, svc.name) && model.absentIsMissing(svc.namespace, options))
      return { status: 'no-listener', ...base, conditions: [], backends: [], mirrors: [], notes: [...notes, `Service ${serviceRef} is not in the input`] };
    return {
      status: 'routed',
      ...base,
      conditions: [],
      backends: [{ weight: 100, name: svc.name, namespace: svc.namespace, host: `${svc.name}.${svc.namespace}.svc.cluster.local`, port, headers: r.headers, path: r.fullPath, authority: r.authority }],
      mirrors: [],
      notes: [...notes, `no HTTPRoute is attached to Service ${serviceRef}${all.length > 0 ? ` on port ${port}` : ''}: the mesh sends the request to the Service itself`],
    };
  }
  return decide(model, r, attached.map((a) => ({ attachment: a })), base, notes, options);
}

/** "reviews", "reviews.bookinfo", "reviews.bookinfo.svc[.cluster.local]" → the Service; else undefined. */
function serviceOfHost(host: string, callerNamespace: string | undefined): { name: string; namespace: string } | undefined {
  const parts = host.split('.');
  if (parts.length === 1) return { name: parts[0]!, namespace: callerNamespace ?? 'default' };
  if (parts.length === 2) return { name: parts[0]!, namespace: parts[1]! };
  if (parts.length === 3 && parts[2] === 'svc') return { name: parts[0]!, namespace: parts[1]! };
  if (parts.length === 5 && parts[2] === 'svc' && `${parts[3]}.${parts[4]}` === 'cluster.local') return { name: parts[0]!, namespace: parts[1]! };
  return undefined;
}

/** Exact hostname, then the longest wildcard, then a listener without hostname. */
function bestListener(listeners: readonly ModelListener[], host: string): ModelListener | undefined {
  let best: ModelListener | undefined;
  let bestScore = -1;
  for (const l of listeners) {
    const score = l.hostname === undefined ? 0 : l.hostname === host ? 1_000_000 : hostnameMatches(l.hostname, host) ? l.hostname.length : -1;
    if (score > bestScore) {
      best = l;
      bestScore = score;
    }
  }
  return best;
}

/** How specifically a route's hostnames take a host: -1 not at all, 0 any host, else by characters. */
function hostnameScore(hostnames: readonly string[], host: string): { score: number; hostname?: string } {
  if (hostnames.length === 0) return { score: 0 };
  let best: { score: number; hostname?: string } = { score: -1 };
  for (const h of hostnames) {
    if (!hostnameMatches(h, host)) continue;
    // Non-wildcard characters first, then characters (HTTPRouteSpec.Hostnames).
    const score = h.startsWith('*.') ? 1 + (h.length - 1) * 2 : 1 + h.length * 2 + 1;
    if (score > best.score) best = { score, hostname: h };
  }
  return best;
}

type Choice = Pick<Candidate, 'attachment' | 'hostname'>;

/** Sorted candidates per model and set of choices: a traffic table routes many requests through one listener. */
const sortedCache = new WeakMap<GatewayApiModel, Map<string, Candidate[]>>();

function candidates(model: GatewayApiModel, choices: readonly Choice[]): Candidate[] {
  let byKey = sortedCache.get(model);
  if (!byKey) {
    byKey = new Map();
    sortedCache.set(model, byKey);
  }
  const key = choices.map((c) => `${c.attachment.route.ref}#${c.attachment.parentRef}@${c.attachment.listener?.gateway ?? c.attachment.service}/${c.attachment.listener?.name ?? ''}=${c.hostname ?? ''}`).join('|');
  let sorted = byKey.get(key);
  if (!sorted) {
    sorted = buildCandidates(model, choices);
    byKey.set(key, sorted);
  }
  return sorted;
}

function buildCandidates(model: GatewayApiModel, choices: readonly Choice[]): Candidate[] {
  const order = new Map(model.routes.map((r, i) => [r, i]));
  const out: Candidate[] = [];
  const seen = new Set<string>();
  for (const c of choices) {
    const route = c.attachment.route;
    // One route attached twice to one listener (two parentRefs) is one set of rules.
    if (seen.has(route.ref)) continue;
    seen.add(route.ref);
    const routeOrder = order.get(route) ?? 0;
    route.rules.forEach((rule, ruleIndex) => {
      // No matches: PathPrefix "/" (HTTPRouteRule.Matches default), which an absent path means too.
      const matches: readonly HttpRouteMatch[] = rule.matches && rule.matches.length > 0 ? rule.matches : [{}];
      matches.forEach((match, matchIndex) => out.push({ attachment: c.attachment, routeOrder, ruleIndex, matchIndex, match, ...(c.hostname !== undefined ? { hostname: c.hostname } : {}) }));
    });
  }
  return out.sort(precedence);
}

/** HTTPRouteRule.Matches: the order matches are tried in. */
export function precedence(a: Candidate, b: Candidate): number {
  const pa = pathKey(a.match);
  const pb = pathKey(b.match);
  return (
    pa.rank - pb.rank ||
    pb.length - pa.length ||
    Number(b.match.method !== undefined) - Number(a.match.method !== undefined) ||
    distinct(b.match.headers, true) - distinct(a.match.headers, true) ||
    distinct(b.match.queryParams, false) - distinct(a.match.queryParams, false) ||
    a.routeOrder - b.routeOrder ||
    a.ruleIndex - b.ruleIndex ||
    a.matchIndex - b.matchIndex
  );
}

function pathKey(m: HttpRouteMatch): { rank: number; length: number } {
  const type = m.path?.type ?? 'PathPrefix';
  const value = m.path?.value ?? '/';
  if (type === 'Exact') return { rank: 0, length: 0 };
  if (type === 'PathPrefix') return { rank: 1, length: value.length };
  return { rank: 2, length: value.length };
}

function distinct(list: readonly { name: string }[] | undefined, caseInsensitive: boolean): number {
  return new Set((list ?? []).map((x) => (caseInsensitive ? x.name.toLowerCase() : x.name))).size;
}

function firstMatch(model: GatewayApiModel, r: NormalRequest, choices: readonly Choice[]): (Candidate & { conditions: string[] }) | undefined {
  for (const c of candidates(model, choices)) {
    const conditions = matches(c.match, r);
    if (conditions) return { ...c, conditions };
  }
  return undefined;
}

/** The conditions of a match that all hold, in words; undefined when one does not. */
function matches(m: HttpRouteMatch, r: NormalRequest): string[] | undefined {
  const out: string[] = [];
  const type = m.path?.type ?? 'PathPrefix';
  const value = m.path?.value ?? '/';
  if (type === 'Exact') {
    if (r.pathOnly !== value) return undefined;
    out.push(`path is exactly ${value}`);
  } else if (type === 'PathPrefix') {
    const prefix = value.endsWith('/') ? value.slice(0, -1) : value;
    if (!(prefix === '' || r.pathOnly === prefix || r.pathOnly.startsWith(`${prefix}/`))) return undefined;
    if (m.path !== undefined) out.push(`path has prefix ${value} (segment-wise)`);
  } else if (type === 'RegularExpression') {
    if (!safeTest(value, r.pathOnly)) return undefined;
    out.push(`path matches regex ${value}`);
  } else return undefined;
  if (m.method !== undefined) {
    if (r.method.toUpperCase() !== m.method.toUpperCase()) return undefined;
    out.push(`method is ${m.method}`);
  }
  const seenHeaders = new Set<string>();
  for (const h of m.headers ?? []) {
    const name = h.name.toLowerCase();
    if (seenHeaders.has(name)) continue;
    seenHeaders.add(name);
    const v = r.headers[name];
    if (v === undefined) return undefined;
    if ((h.type ?? 'Exact') === 'RegularExpression' ? !safeTest(h.value, v) : v !== h.value) return undefined;
    out.push(`header ${h.name} ${(h.type ?? 'Exact') === 'RegularExpression' ? `matches regex ${h.value}` : `is ${h.value}`}`);
  }
  const seenParams = new Set<string>();
  for (const q of m.queryParams ?? []) {
    if (seenParams.has(q.name)) continue;
    seenParams.add(q.name);
    const v = r.query[q.name];
    if (v === undefined) return undefined;
    if ((q.type ?? 'Exact') === 'RegularExpression' ? !safeTest(q.value, v) : v !== q.value) return undefined;
    out.push(`query param ${q.name} ${(q.type ?? 'Exact') === 'RegularExpression' ? `matches regex ${q.value}` : `is ${q.value}`}`);
  }
  return out;
}

function safeTest(regex: string, value: string): boolean {
  try {
    return fullMatch(regex).test(value);
  } catch {
    return false;
  }
}

function decide(
  model: GatewayApiModel,
  r: NormalRequest,
  choices: readonly Choice[],
  base: { host: string; port: number; listener?: ModelListener; service?: string },
  notes: string[],
  options: ServiceLookupOptions,
): GatewayApiHop {
  const winner = firstMatch(model, r, choices);
  const where = base.listener ? `${base.listener.assumed ? 'the assumed listener' : `listener ${base.listener.name}`} of Gateway ${base.listener.gateway}` : `Service ${base.service}`;
  if (!winner) return { status: 'not-found', httpStatus: 404, ...base, conditions: [], backends: [], mirrors: [], notes: [...notes, `no rule of the HTTPRoutes attached to ${where} matches: 404`] };
  const route = winner.attachment.route;
  const rule = route.rules[winner.ruleIndex]!;
  const tieNote = timestampTie(model, r, choices, winner);
  if (tieNote) notes.push(tieNote);
  const found = {
    ...base,
    route: route.ref,
    ruleIndex: winner.ruleIndex,
    ...(rule.name !== undefined ? { ruleName: rule.name } : {}),
    matchIndex: winner.matchIndex,
    ...(winner.hostname !== undefined ? { hostname: winner.hostname } : {}),
    conditions: winner.conditions.length > 0 ? winner.conditions : ['the rule matches every request (PathPrefix /)'],
    ...(rule.timeouts ? { timeouts: rule.timeouts } : {}),
    ...(rule.retry ? { retry: rule.retry } : {}),
  };
  let ruleHeaders: HeaderModifier | undefined;
  let responseHeaders: HeaderModifier | undefined;
  let redirect: NonNullable<HttpRouteFilter['requestRedirect']> | undefined;
  let rewrite: NonNullable<HttpRouteFilter['urlRewrite']> | undefined;
  const mirrors: GatewayApiMirror[] = [];
  for (const f of rule.filters ?? []) {
    if (f.type === 'RequestHeaderModifier') ruleHeaders = f.requestHeaderModifier;
    else if (f.type === 'ResponseHeaderModifier') responseHeaders = f.responseHeaderModifier;
    else if (f.type === 'RequestRedirect') redirect = f.requestRedirect ?? {};
    else if (f.type === 'URLRewrite') rewrite = f.urlRewrite ?? {};
    else if (f.type === 'RequestMirror' && f.requestMirror) mirrors.push(mirrorOf(model, route, f.requestMirror, options, base.service?.split('/')[0]));
    else notes.push(`filter ${f.type} of the rule is not modelled: its effect is not shown`);
  }
  const withFilters = { ...found, mirrors, ...(responseHeaders ? { responseHeaders } : {}) };
  const prefix = winner.match.path?.type === 'PathPrefix' || winner.match.path === undefined ? winner.match.path?.value ?? '/' : undefined;
  if (redirect) {
    const location = redirectLocation(redirect, r, base.port, base.listener, prefix, notes);
    const status = redirect.statusCode ?? 302;
    return { status: 'redirect', httpStatus: status, ...withFilters, backends: [], redirect: { status, location }, notes };
  }
  const refs = rule.backendRefs ?? [];
  if (refs.length === 0) return { status: 'error', httpStatus: 500, ...withFilters, backends: [], notes: [...notes, 'the rule has no backendRefs: every request it takes gets 500'] };
  const total = refs.reduce((sum, b) => sum + (b.weight ?? 1), 0);
  if (total === 0) return { status: 'error', httpStatus: 500, ...withFilters, backends: [], notes: [...notes, 'every backendRef of the rule has weight 0: no request is forwarded (500; Istio answers 503)'] };
  const path = rewrite?.path ? rewritePath(rewrite.path, r, prefix, notes) : r.fullPath;
  const authority = rewrite?.hostname ?? r.authority;
  const backends = refs.map((ref): GatewayApiBackend => {
    const resolved = model.resolveBackend(route, ref, options, base.service?.split('/')[0]);
    let backendHeaders: HeaderModifier | undefined;
    for (const f of ref.filters ?? []) {
      if (f.type === 'RequestHeaderModifier') backendHeaders = f.requestHeaderModifier;
      else if (f.type !== 'ResponseHeaderModifier') notes.push(`filter ${f.type} on backendRef ${ref.name} is implementation-specific (Istio refuses the route): not modelled`);
    }
    if (backendHeaders && ruleHeaders) {
      const overlap = touched(backendHeaders).filter((h) => touched(ruleHeaders!).includes(h));
      if (overlap.length > 0) notes.push(`the rule's RequestHeaderModifier and backendRef ${ref.name}'s both change ${overlap.join(', ')}: Envoy applies the backendRef's first, so the rule's wins`);
    }
    const headers = modify(modify(r.headers, backendHeaders), ruleHeaders);
    return {
      weight: (100 * (ref.weight ?? 1)) / total,
      name: resolved.name,
      namespace: resolved.namespace,
      host: resolved.host,
      ...(resolved.port !== undefined ? { port: resolved.port } : {}),
      headers,
      path,
      authority,
      ...(resolved.problem !== undefined ? { problem: `${resolved.problem}: its share gets 500` } : {}),
      ...(resolved.assumed ? { assumed: true } : {}),
    };
  });
  return { status: 'routed', ...withFilters, backends, notes };
}

/** When the winner beat an equally ranked match of another route only by name, and timestamps are unknown. */
function timestampTie(model: GatewayApiModel, r: NormalRequest, choices: readonly Choice[], winner: Candidate): string | undefined {
  for (const c of candidates(model, choices)) {
    if (c.attachment.route === winner.attachment.route) continue;
    const same = { ...c, routeOrder: winner.routeOrder, ruleIndex: winner.ruleIndex, matchIndex: winner.matchIndex };
    if (precedence(same, winner) !== 0 || !matches(c.match, r)) continue;
    const a: ModelHttpRoute = winner.attachment.route;
    const b: ModelHttpRoute = c.attachment.route;
    if (a.creationTimestamp === undefined || b.creationTimestamp === undefined)
      return `HTTPRoute ${b.ref} matches as specifically; ${a.ref} wins by name because the objects carry no creationTimestamp (in a cluster the older one wins)`;
    return undefined;
  }
  return undefined;
}

function touched(m: HeaderModifier): string[] {
  return [...(m.set ?? []).map((h) => h.name), ...(m.add ?? []).map((h) => h.name), ...(m.remove ?? [])].map((n) => n.toLowerCase());
}

/** RequestHeaderModifier as Envoy applies it: removals, then set (replace), then add (append with ","). */
export function modify(headers: Readonly<Record<string, string>>, m: HeaderModifier | undefined): Readonly<Record<string, string>> {
  if (!m) return headers;
  const out: Record<string, string> = Object.assign(Object.create(null) as Record<string, string>, headers);
  for (const name of m.remove ?? []) delete out[name.toLowerCase()];
  const seen = new Set<string>();
  for (const h of m.set ?? []) {
    const key = h.name.toLowerCase();
    if (seen.has(key)) continue;
    seen.add(key);
    out[key] = h.value;
  }
  seen.clear();
  for (const h of m.add ?? []) {
    const key = h.name.toLowerCase();
    if (seen.has(key)) continue;
    seen.add(key);
    out[key] = out[key] === undefined ? h.value : `${out[key]},${h.value}`;
  }
  return out;
}

/** URLRewrite / RequestRedirect path: the whole path, or the matched prefix replaced segment-wise; the query kept. */
function rewritePath(p: PathModifier, r: NormalRequest, prefix: string | undefined, notes: string[]): string {
  const query = r.fullPath.slice(r.pathOnly.length);
  if (p.type === 'ReplaceFullPath') return (p.replaceFullPath ?? '/') + query;
  if (p.type === 'ReplacePrefixMatch') {
    if (prefix === undefined) {
      notes.push('ReplacePrefixMatch needs a PathPrefix match (the CRD refuses it otherwise): the path is left as it is');
      return r.fullPath;
    }
    const matched = prefix.endsWith('/') ? prefix.slice(0, -1) : prefix;
    const replacement = (p.replacePrefixMatch ?? '/').replace(/\/+$/, '');
    const rest = r.pathOnly.slice(matched.length);
    const path = replacement + rest;
    return (path === '' ? '/' : path.startsWith('/') ? path : `/${path}`) + query;
  }
  notes.push(`path modifier type ${p.type} is not known: the path is left as it is`);
  return r.fullPath;
}

function redirectLocation(
  f: NonNullable<HttpRouteFilter['requestRedirect']>,
  r: NormalRequest,
  port: number,
  listener: ModelListener | undefined,
  prefix: string | undefined,
  notes: string[],
): string {
  const scheme = f.scheme ?? r.scheme ?? (listener?.protocol === 'HTTPS' ? 'https' : 'http');
  const host = f.hostname ?? r.host;
  // HTTPRequestRedirectFilter.Port: given, else the scheme's well-known port when the scheme is set, else the
  // listener's; a well-known port for the scheme is left out of Location.
  const to = f.port ?? (f.scheme !== undefined ? wellKnown(scheme) : port);
  const shown = to === wellKnown(scheme) ? '' : `:${to}`;
  const path = f.path ? rewritePath(f.path, r, prefix, notes) : r.fullPath;
  return `${scheme}://${host}${shown}${path}`;
}

function wellKnown(scheme: string): number {
  return scheme === 'https' ? 443 : 80;
}

function mirrorOf(model: GatewayApiModel, route: ModelHttpRoute, m: NonNullable<HttpRouteFilter['requestMirror']>, options: ServiceLookupOptions, meshParent: string | undefined): GatewayApiMirror {
  const resolved = model.resolveBackend(route, m.backendRef as BackendObjectReference, options, meshParent);
  const percent = m.percent ?? (m.fraction ? (100 * m.fraction.numerator) / (m.fraction.denominator ?? 100) : 100);
  return {
    name: resolved.name,
    namespace: resolved.namespace,
    host: resolved.host,
    ...(resolved.port !== undefined ? { port: resolved.port } : {}),
    percent,
    ...(resolved.problem !== undefined ? { problem: resolved.problem } : {}),
  };
}
