/**
 * `graylane explain`: one request followed hop by hop through the object model (graylane's objects or
 * hand-written ones): at each hop the object and route that matched and the conditions that held, the weighted
 * destinations with their share of all requests, faults, mirrors, redirects and direct responses, and the lane
 * carried on. This only walks the model's answers and words them.
 */
import type { IstioHop, RouteFault, RouteMirror, RoutedDestination } from '../model/istio-route';
import { BAGGAGE_HEADER, baggageLanes } from '../baggage';
import { modelOf, type Model } from '../model/model';
import type { KubeObject } from '../model/object-set';
import type { TraefikHop } from '../model/traefik-model';
import type { ModelListener } from '../model/gateway-api-model';
import { resolveShortname } from '../model/istio-model';

export interface ExplainRequest {
  /** "namespace/name" of the Istio gateway, "mesh", or "traefik:<entryPoint>" for a Traefik entry point. */
  readonly gateway: string;
  readonly host: string;
  readonly port?: number;
  readonly scheme?: 'http' | 'https';
  readonly protocol?: 'http' | 'tcp' | 'tls';
  readonly method?: string;
  /** Path with an optional query. */
  readonly path?: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly query?: Readonly<Record<string, string>>;
  /** Hosts the request visits after the first hop, in order (each destination calls the next). */
  readonly hops?: readonly string[];
  /** Labels of the calling workload, for the first hop inside the mesh (caller-aware routes). */
  readonly sourceLabels?: Readonly<Record<string, string>>;
  /** Namespace of the calling workload (mesh) or of the gateway's proxy. */
  readonly sourceNamespace?: string;
  /** Which API routes the request: Istio's or Gateway API's (default: read from the objects, see apiOf). */
  readonly api?: 'istio' | 'gateway-api';
}

export interface ExplainedDestination extends RoutedDestination {
  /** Share of all requests that take this branch (the product of the shares so far). */
  readonly share: number;
  /** The lane header value carried to the next hop, when a lane header is known. */
  readonly lane?: string;
  /** With a baggage key: the lane the carried baggage names (its member `<key>=<lane>`, decoded). */
  readonly baggageLane?: string;
  readonly next?: ExplainedHop;
}

export interface ExplainedHop {
  readonly gateway: string;
  readonly host: string;
  readonly port?: number;
  readonly status: IstioHop['status'];
  readonly virtualService?: string;
  readonly route?: string;
  readonly routeIndex?: number;
  readonly delegate?: { readonly ref: string; readonly index: number };
  /** Traefik: the IngressRoute route that won, its rule and priority, and the middlewares it ran. */
  readonly router?: string;
  readonly rule?: string;
  readonly priority?: number;
  readonly middlewares?: readonly string[];
  /** Gateway API: the listener that took the request, the GAMMA Service, the HTTPRoute, rule and match. */
  readonly listener?: ModelListener;
  readonly service?: string;
  readonly httpRoute?: string;
  readonly ruleIndex?: number;
  readonly ruleName?: string;
  readonly matchIndex?: number;
  readonly hostname?: string;
  /** Why this route: its conditions, each of which held for this request; or why nothing was routed. */
  readonly why: readonly string[];
  readonly destinations: readonly ExplainedDestination[];
  readonly fault?: RouteFault & { readonly abortShare?: number; readonly delayShare?: number };
  readonly mirrors?: readonly (RouteMirror & { readonly share: number })[];
  readonly redirect?: { readonly status: number; readonly location: string; readonly share: number };
  readonly directResponse?: { readonly status: number; readonly body?: string; readonly share: number };
  readonly timeout?: string;
  readonly retries?: IstioHop['retries'];
  /** What the model assumed, and what it could not evaluate. */
  readonly notes: readonly string[];
}

export function explain(objects: readonly KubeObject[], request: ExplainRequest, laneHeader?: string, baggageKey?: string): ExplainedHop {
  const model = modelOf(objects);
  const routed = hop(model, laneHeader, request, 100, request.hops ?? []);
  const first = baggageKey !== undefined ? withBaggageLanes(routed, baggageKey) : routed;
  return model.notes.length > 0 ? { ...first, notes: [...model.notes, ...first.notes] } : first;
}

/** Every destination's carried baggage read as the lane it names (W3C list, percent-decoded: compiler/baggage.ts). */
function withBaggageLanes(h: ExplainedHop, key: string): ExplainedHop {
  return {
    ...h,
    destinations: h.destinations.map((d) => {
      const lanes = baggageLanes(d.headers[BAGGAGE_HEADER], key);
      return { ...d, ...(lanes.length > 0 ? { baggageLane: lanes.join(',') } : {}), ...(d.next ? { next: withBaggageLanes(d.next, key) } : {}) };
    }),
  };
}

function hop(model: Model, laneHeader: string | undefined, request: ExplainRequest, share: number, rest: readonly string[]): ExplainedHop {
  if (request.gateway.startsWith('traefik:')) return traefikHop(model, laneHeader, request, share, rest);
  if ((request.api ?? apiOf(model, request.gateway, request.host, request.sourceNamespace)) === 'gateway-api') return gatewayApiHop(model, laneHeader, request, share, rest);
  const result = model.routeIstio({
    via: request.gateway,
    authority: request.host,
    ...(request.port !== undefined ? { port: request.port } : {}),
    ...(request.scheme ? { scheme: request.scheme } : {}),
    ...(request.protocol ? { protocol: request.protocol } : {}),
    ...(request.method ? { method: request.method } : {}),
    ...(request.path ? { path: request.path } : {}),
    ...(request.headers ? { headers: request.headers } : {}),
    ...(request.query ? { query: request.query } : {}),
    ...(request.sourceLabels ? { sourceLabels: request.sourceLabels } : {}),
    ...(request.sourceNamespace ? { sourceNamespace: request.sourceNamespace } : {}),
  });
  const abort = result.fault?.abort?.percent ?? 0;
  const delivered = share * (1 - abort / 100);
  return {
    gateway: request.gateway,
    host: result.host,
    ...(result.port !== undefined ? { port: result.port } : {}),
    status: result.status,
    ...(result.virtualService !== undefined ? { virtualService: result.virtualService } : {}),
    ...(result.route !== undefined ? { route: result.route } : {}),
    ...(result.routeIndex !== undefined ? { routeIndex: result.routeIndex } : {}),
    ...(result.delegate ? { delegate: result.delegate } : {}),
    why: whyIstio(result),
    destinations: result.destinations.map((d) => {
      const branch = (delivered * d.weight) / 100;
      const lane = laneHeader !== undefined ? d.headers[laneHeader.toLowerCase()] : undefined;
      const next = d.problem === undefined && rest.length > 0 ? hop(model, laneHeader, nextRequest(d, rest[0]!), branch, rest.slice(1)) : undefined;
      return { ...d, share: branch, ...(lane !== undefined ? { lane } : {}), ...(next ? { next } : {}) };
    }),
    ...(result.fault ? { fault: { ...result.fault, ...(result.fault.abort ? { abortShare: (share * abort) / 100 } : {}), ...(result.fault.delay ? { delayShare: (share * result.fault.delay.percent) / 100 } : {}) } } : {}),
    ...(result.mirrors ? { mirrors: result.mirrors.map((m) => ({ ...m, share: (delivered * m.percent) / 100 })) } : {}),
    ...(result.redirect ? { redirect: { ...result.redirect, share } } : {}),
    ...(result.directResponse ? { directResponse: { ...result.directResponse, share: delivered } } : {}),
    ...(result.timeout !== undefined ? { timeout: result.timeout } : {}),
    ...(result.retries !== undefined ? { retries: result.retries } : {}),
    notes: result.notes,
  };
}

/** The next hop of a branch: the destination's workload calls the next host, from its own namespace and labels. */
function nextRequest(d: RoutedDestination, host: string): ExplainRequest {
  const namespace = /^[^.]+\.([^.]+)\.svc\.cluster\.local$/.exec(d.host)?.[1];
  return {
    gateway: 'mesh',
    host,
    headers: d.headers,
    ...(namespace !== undefined ? { sourceNamespace: namespace } : {}),
    ...(d.labels ? { sourceLabels: d.labels } : {}),
  };
}

function whyIstio(h: IstioHop): string[] {
  if (h.status === 'passthrough' || h.status === 'not-found' || h.status === 'no-route') return [...h.notes.slice(-1)];
  if (h.conditions.length === 0) return [h.matchIndex === undefined && h.routeIndex !== undefined ? 'the route has no match conditions: it takes every request that reaches it' : 'the matched block has no request conditions'];
  return [...h.conditions];
}

/** The first hop through Traefik: router by priority, middlewares, backends (Services); then the mesh. */
function traefikHop(model: Model, laneHeader: string | undefined, request: ExplainRequest, share: number, rest: readonly string[]): ExplainedHop {
  const result: TraefikHop = model.routeTraefik({
    via: request.gateway,
    authority: request.host,
    ...(request.scheme ? { scheme: request.scheme } : {}),
    ...(request.method ? { method: request.method } : {}),
    ...(request.path ? { path: request.path } : {}),
    ...(request.headers ? { headers: request.headers } : {}),
    ...(request.query ? { query: request.query } : {}),
  });
  const lane = laneHeader !== undefined ? result.headers[laneHeader.toLowerCase()] : undefined;
  return {
    gateway: request.gateway,
    host: request.host,
    status: result.status === 'routed' ? 'routed' : result.status === 'redirect' ? 'redirect' : 'not-found',
    ...(result.router !== undefined ? { router: result.router } : {}),
    ...(result.rule !== undefined ? { rule: result.rule } : {}),
    ...(result.priority !== undefined ? { priority: result.priority } : {}),
    middlewares: result.middlewares.map((m) => `${m.name} (${m.type}${m.effect !== undefined ? `: ${m.effect}` : ''})`),
    why: result.router !== undefined ? [`rule ${result.rule} holds, and no matching router has a higher priority`] : [...result.notes.slice(-1)],
    destinations: result.backends.map((b) => {
      const branch = (share * b.weight) / 100;
      const next = rest.length > 0 && !b.standby ? hop(model, laneHeader, { gateway: 'mesh', host: rest[0]!, headers: result.headers, sourceNamespace: b.namespace }, branch, rest.slice(1)) : undefined;
      return {
        weight: b.weight,
        host: `${b.service}.${b.namespace}.svc.cluster.local`,
        ...(typeof b.port === 'number' ? { port: b.port } : {}),
        headers: result.headers,
        ...(result.path !== (request.path ?? '/') ? { path: result.path } : {}),
        ...(result.problems.length > 0 ? { problem: result.problems.join('; ') } : b.standby ? { problem: 'failover standby: takes requests only while the main service is unhealthy' } : {}),
        share: branch,
        ...(lane !== undefined ? { lane } : {}),
        ...(next ? { next } : {}),
      };
    }),
    ...(result.mirrors.length > 0 ? { mirrors: result.mirrors.map((m) => ({ host: `${m.service}.${m.namespace}.svc.cluster.local`, ...(typeof m.port === 'number' ? { port: m.port } : {}), percent: m.percent, share: (share * m.percent) / 100 })) } : {}),
    ...(result.redirect ? { redirect: { ...result.redirect, share } } : {}),
    notes: result.router !== undefined ? result.notes : result.notes.slice(0, -1),
  };
}

/**
 * Which API routes a request when the objects hold both kinds: Gateway API where HTTPRoutes attach to the
 * gateway (or GAMMA routes to the Service) and no Istio Gateway or mesh VirtualService claims it; in the mesh
 * also when the objects hold HTTPRoutes and no VirtualService at all (a Service without routes).
 */
export function apiOf(model: Model, gateway: string, host: string, sourceNamespace?: string): 'istio' | 'gateway-api' {
  const ga = model.gatewayApi;
  if (gateway === 'mesh') {
    const fqdn = resolveShortname(host.toLowerCase().replace(/:\d+$/, ''), sourceNamespace ?? 'default');
    const m = /^([^.]+)\.([^.]+)\.svc\.cluster\.local$/.exec(fqdn) ?? /^([^.]+)\.([^.]+)(?:\.svc)?$/.exec(fqdn);
    const service = m ? `${m[2]}/${m[1]}` : undefined;
    const gamma = service !== undefined && ga.attachments.some((a) => a.service === service);
    const vs = model.istio.virtualServices.some((v) => !v.isDelegate && v.gateways.includes('mesh') && v.hosts.some((h) => h.toLowerCase() === fqdn));
    if (gamma && !vs) return 'gateway-api';
    return !gamma && !vs && ga.routes.length > 0 && model.istio.virtualServices.length === 0 ? 'gateway-api' : 'istio';
  }
  const named = ga.listeners.some((l) => l.gateway === gateway) || ga.attachments.some((a) => a.listener?.gateway === gateway);
  const istio = model.istio.gateways.has(gateway) || model.istio.virtualServices.some((v) => v.gateways.includes(gateway));
  return named && !istio ? 'gateway-api' : 'istio';
}

/** One hop through Gateway API routes: listener or GAMMA Service, HTTPRoute rule, backendRefs after filters. */
function gatewayApiHop(model: Model, laneHeader: string | undefined, request: ExplainRequest, share: number, rest: readonly string[]): ExplainedHop {
  const result = model.routeGatewayApi({
    via: request.gateway,
    authority: request.host,
    ...(request.port !== undefined ? { port: request.port } : {}),
    ...(request.scheme ? { scheme: request.scheme } : {}),
    ...(request.method ? { method: request.method } : {}),
    ...(request.path ? { path: request.path } : {}),
    ...(request.headers ? { headers: request.headers } : {}),
    ...(request.query ? { query: request.query } : {}),
    ...(request.sourceNamespace ? { sourceNamespace: request.sourceNamespace } : {}),
  });
  const status: ExplainedHop['status'] = result.status === 'error' ? 'direct-response' : result.status === 'no-listener' ? 'no-route' : result.status;
  const sentPath = request.path ?? '/';
  return {
    gateway: request.gateway,
    host: result.host,
    ...(result.port !== undefined ? { port: result.port } : {}),
    status,
    ...(result.listener ? { listener: result.listener } : {}),
    ...(result.service !== undefined ? { service: result.service } : {}),
    ...(result.route !== undefined ? { httpRoute: result.route } : {}),
    ...(result.ruleIndex !== undefined ? { ruleIndex: result.ruleIndex } : {}),
    ...(result.ruleName !== undefined ? { ruleName: result.ruleName } : {}),
    ...(result.matchIndex !== undefined ? { matchIndex: result.matchIndex } : {}),
    ...(result.hostname !== undefined ? { hostname: result.hostname } : {}),
    why: result.route !== undefined ? [...result.conditions] : [...result.notes.slice(-1)],
    destinations: result.backends.map((b) => {
      const branch = (share * b.weight) / 100;
      const lane = laneHeader !== undefined ? b.headers[laneHeader.toLowerCase()] : undefined;
      const next = b.problem === undefined && b.weight > 0 && rest.length > 0 ? hop(model, laneHeader, { gateway: 'mesh', host: rest[0]!, headers: b.headers, sourceNamespace: b.namespace, ...(request.api ? { api: request.api } : {}) }, branch, rest.slice(1)) : undefined;
      return {
        weight: b.weight,
        host: b.host,
        ...(b.port !== undefined ? { port: b.port } : {}),
        headers: b.headers,
        ...(b.path !== sentPath ? { path: b.path } : {}),
        ...(b.authority !== request.host ? { authority: b.authority } : {}),
        ...(b.problem !== undefined ? { problem: b.problem } : {}),
        share: branch,
        ...(lane !== undefined ? { lane } : {}),
        ...(next ? { next } : {}),
      };
    }),
    ...(result.mirrors.length > 0 ? { mirrors: result.mirrors.map((m) => ({ host: m.host, ...(m.port !== undefined ? { port: m.port } : {}), percent: m.percent, share: (share * m.percent) / 100 })) } : {}),
    ...(result.redirect ? { redirect: { ...result.redirect, share } } : {}),
    ...(result.status === 'error' ? { directResponse: { status: result.httpStatus ?? 500, share } } : {}),
    ...(result.timeouts?.request !== undefined ? { timeout: result.timeouts.request } : {}),
    notes: result.route !== undefined ? [...result.notes, ...result.mirrors.filter((m) => m.problem !== undefined).map((m) => `mirror: ${m.problem}`)] : result.notes.slice(0, -1),
  };
}

/** "v1", "{lane: dev-x}", "endpoint 10.10.0.7:9080" or the host: how people name a destination. */
export function destinationLabel(d: Pick<RoutedDestination, 'host' | 'subset' | 'labels' | 'endpoints'>): string {
  if (d.endpoints && d.endpoints.length > 0) return d.endpoints.map((e) => `endpoint ${e.address}${e.port !== undefined ? `:${e.port}` : ''}`).join(', ');
  if (d.labels) {
    const entries = Object.entries(d.labels);
    if (entries.length === 1 && entries[0]![0] === 'version') return entries[0]![1];
    return `{${entries.map(([k, v]) => `${k}: ${v}`).join(', ')}}`;
  }
  // A subset no DestinationRule defines is still named: it is where the route sends (and fails).
  if (d.subset !== undefined) return d.subset;
  return d.host.replace(/\.svc\.cluster\.local$/, '');
}

export function explainText(root: ExplainedHop, laneHeader?: string, baggageKey?: string): string {
  const lines: string[] = [];
  const walk = (h: ExplainedHop, depth: number, n: number) => {
    const pad = '  '.repeat(depth);
    const via = h.gateway === 'mesh' ? 'inside the mesh' : h.gateway.startsWith('traefik:') ? `through Traefik entry point ${h.gateway.slice(8) || '(any)'}` : `through gateway ${h.gateway}`;
    lines.push(`${pad}hop ${n}: ${h.host}${h.port !== undefined ? `:${h.port}` : ''}, ${via}`);
    const what = h.httpRoute
      ? `HTTPRoute ${h.httpRoute}, rule ${h.ruleName !== undefined ? `"${h.ruleName}"` : `#${h.ruleIndex ?? '?'}`}${h.matchIndex !== undefined ? `, match #${h.matchIndex}` : ''}${h.hostname !== undefined ? ` (hostname ${h.hostname})` : ''}`
      : h.router
      ? `IngressRoute ${h.router.replace('#', ', route #')} (priority ${h.priority})`
      : h.virtualService && h.routeIndex === undefined
        ? `VirtualService ${h.virtualService}: none of its routes takes the request`
        : h.virtualService
        ? `VirtualService ${h.virtualService}, route ${h.route !== undefined ? `"${h.route}"` : `#${h.routeIndex ?? '?'}`}${h.delegate ? ` (delegated to ${h.delegate.ref}, route #${h.delegate.index})` : ''}`
        : h.status === 'passthrough'
          ? 'no VirtualService'
          : h.status === 'redirect'
            ? 'redirected'
            : 'no route';
    if (h.listener) lines.push(`${pad}  listener ${h.listener.assumed ? '(assumed: the Gateway is not in the input)' : `${h.listener.name} (${h.listener.protocol} port ${h.listener.port}${h.listener.hostname !== undefined ? `, hostname ${h.listener.hostname}` : ''})`} of Gateway ${h.listener.gateway}`);
    if (h.service !== undefined && h.gateway === 'mesh') lines.push(`${pad}  GAMMA routes of Service ${h.service}`);
    lines.push(`${pad}  ${what}`);
    if (h.middlewares && h.middlewares.length > 0) lines.push(`${pad}    middlewares: ${h.middlewares.join(', ')}`);
    for (const reason of h.why) lines.push(`${pad}    because ${reason}`);
    for (const note of h.notes) if (!h.why.includes(note)) lines.push(`${pad}    note: ${note}`);
    if (h.fault?.abort) lines.push(`${pad}  ✗ fault: ${fmt(h.fault.abort.percent)}% aborted with ${h.fault.abort.httpStatus !== undefined ? `HTTP ${h.fault.abort.httpStatus}` : `gRPC ${h.fault.abort.grpcStatus}`} [${fmt(h.fault.abortShare ?? 0)}% of all requests]`);
    if (h.fault?.delay) lines.push(`${pad}  ⧗ fault: ${fmt(h.fault.delay.percent)}% delayed by ${h.fault.delay.fixedDelay} [${fmt(h.fault.delayShare ?? 0)}% of all requests]`);
    if (h.redirect) lines.push(`${pad}  ↪ redirect ${h.redirect.status} to ${h.redirect.location} [${fmt(h.redirect.share)}% of all requests]`);
    if (h.directResponse) lines.push(`${pad}  ⇐ direct response ${h.directResponse.status}${h.directResponse.body !== undefined ? ` ${JSON.stringify(h.directResponse.body)}` : ''} [${fmt(h.directResponse.share)}% of all requests]`);
    for (const m of h.mirrors ?? []) lines.push(`${pad}  ⧉ mirror ${fmt(m.percent)}% to ${m.host}${m.subset !== undefined ? ` subset ${m.subset}` : ''} [${fmt(m.share)}% of all requests]`);
    for (const d of h.destinations) {
      const subset = d.subset !== undefined ? ` subset ${d.subset}` : '';
      const carried = laneHeader !== undefined ? `; ${laneHeader}: ${d.lane ?? '(none)'}${baggageKey !== undefined ? baggageText(d, laneHeader) : ''}` : '';
      const label = destinationLabel(d);
      const rewritten = d.path !== undefined || d.authority !== undefined ? ` as ${d.authority ?? ''}${d.path ?? ''}` : '';
      lines.push(`${pad}  → ${fmt(d.weight)}% to ${d.host}${d.port !== undefined ? `:${d.port}` : ''}${subset}${d.subset !== undefined || d.endpoints ? ` (${label})` : ''}${rewritten}${carried}${d.share !== d.weight ? ` [${fmt(d.share)}% of all requests]` : ''}`);
      if (d.problem) lines.push(`${pad}    ✗ ${d.problem}`);
      if (d.next) walk(d.next, depth + 2, n + 1);
    }
  };
  walk(root, 0, 1);
  return `${lines.join('\n')}\n`;
}

/** After a carried baggage header, the lane it names: "(lane gray)", or "(no lane)" when no member names one. */
function baggageText(d: ExplainedDestination, laneHeader: string): string {
  if (laneHeader.toLowerCase() !== BAGGAGE_HEADER || d.lane === undefined) return '';
  return d.baggageLane !== undefined ? ` (lane ${d.baggageLane})` : ' (no lane)';
}

/** A percentage as people write it: 25, 37.5, 33.33. */
export function fmt(n: number): string {
  return Number.isInteger(n) ? String(n) : n.toFixed(2).replace(/0+$/, '');
}
