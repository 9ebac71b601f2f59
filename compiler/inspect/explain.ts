/**
 * `graylane explain`: one request followed hop by hop through Istio objects (graylane's or hand-written),
 * with the object and rule that matched at each hop and why, the weighted destinations, and the lane header
 * carried on. Built on the route simulator: this only walks and words it.
 */
import { simulateIstio, type KubeObject, type SimulatedDestination } from '../simulate/istio';
import { simulateTraefik } from '../simulate/traefik';

export interface ExplainRequest {
  /** "namespace/name" of the Istio gateway, "mesh", or "traefik:<entryPoint>" for a Traefik entry point. */
  readonly gateway: string;
  readonly host: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly query?: Readonly<Record<string, string>>;
  /** Hosts the request visits after the first hop, in order (each destination calls the next). */
  readonly hops?: readonly string[];
  /** Labels of the calling workload, for the first hop inside the mesh (caller-aware routes). */
  readonly sourceLabels?: Readonly<Record<string, string>>;
}

export interface ExplainedDestination extends SimulatedDestination {
  /** Share of all requests that take this branch (the product of the weights so far). */
  readonly share: number;
  /** The lane header value carried to the next hop, when a lane header is known. */
  readonly lane?: string;
  readonly next?: ExplainedHop;
}

export interface ExplainedHop {
  readonly gateway: string;
  readonly host: string;
  readonly status: 'routed' | 'no-route' | 'passthrough';
  readonly virtualService?: string;
  readonly route?: string;
  readonly routeIndex?: number;
  /** Traefik: the IngressRoute route that won, its priority and the middlewares it ran. */
  readonly router?: string;
  readonly priority?: number;
  readonly middlewares?: readonly string[];
  /** Why this route: its conditions that held, or that it has none. */
  readonly why: readonly string[];
  readonly destinations: readonly ExplainedDestination[];
}

export function explain(objects: readonly KubeObject[], request: ExplainRequest, laneHeader?: string): ExplainedHop {
  return hop({
    objects,
    laneHeader,
    gateway: request.gateway,
    host: request.host,
    headers: lower(request.headers ?? {}),
    query: request.query ?? {},
    rest: request.hops ?? [],
    share: 100,
    ...(request.sourceLabels ? { sourceLabels: request.sourceLabels } : {}),
  });
}

/** One hop of the walk: where the request is, what it carries, and what is left of its path. */
interface HopInput {
  readonly objects: readonly KubeObject[];
  readonly laneHeader: string | undefined;
  readonly gateway: string;
  readonly host: string;
  readonly headers: Record<string, string>;
  readonly query: Readonly<Record<string, string>>;
  readonly rest: readonly string[];
  /** Share of all requests that reach this hop. */
  readonly share: number;
  readonly sourceLabels?: Readonly<Record<string, string>>;
}

/** The next hop of a branch: inside the mesh, to the next host, with the headers the branch carries. */
function nextHop(h: HopInput, headers: Readonly<Record<string, string>>, share: number): ExplainedHop | undefined {
  if (h.rest.length === 0) return undefined;
  return hop({ objects: h.objects, laneHeader: h.laneHeader, gateway: 'mesh', host: h.rest[0]!, headers: { ...headers }, query: {}, rest: h.rest.slice(1), share });
}

function hop(h: HopInput): ExplainedHop {
  if (h.gateway.startsWith('traefik:')) return traefikHop(h);
  const { objects, gateway, host, headers, query, share, laneHeader, sourceLabels } = h;
  const result = simulateIstio(objects, { gateway, host, headers, query, ...(sourceLabels ? { sourceLabels } : {}) });
  const why = reasons(objects, result.virtualService, result.routeIndex, result.matchIndex, result.status);
  return {
    gateway,
    host,
    status: result.status,
    ...(result.virtualService !== undefined ? { virtualService: result.virtualService } : {}),
    ...(result.route !== undefined ? { route: result.route } : {}),
    ...(result.routeIndex !== undefined ? { routeIndex: result.routeIndex } : {}),
    why,
    destinations: result.destinations.map((d) => {
      const branch = (share * d.weight) / 100;
      const lane = laneHeader !== undefined ? d.headers[laneHeader.toLowerCase()] : undefined;
      const next = d.problem === undefined ? nextHop(h, d.headers, branch) : undefined;
      return { ...d, share: branch, ...(lane !== undefined ? { lane } : {}), ...(next ? { next } : {}) };
    }),
  };
}

/** The first hop through Traefik: router by priority, middlewares, backends (Services); then the mesh. */
function traefikHop(h: HopInput): ExplainedHop {
  const { objects, gateway, host, headers, query, share, laneHeader } = h;
  const entryPoint = gateway.slice('traefik:'.length);
  const result = simulateTraefik(objects, { ...(entryPoint ? { entryPoint } : {}), host, headers, query });
  const route = result.router ? routeOf(objects, result.router) : undefined;
  return {
    gateway,
    host,
    status: result.status === 'routed' ? 'routed' : 'no-route',
    ...(result.router !== undefined ? { router: result.router } : {}),
    ...(result.priority !== undefined ? { priority: result.priority } : {}),
    middlewares: result.middlewares.map((m) => `${m.name} (${m.type})`),
    why: result.status === 'routed' ? [`rule ${route?.match ?? '?'} holds, and no matching route has a higher priority`] : ['no router matches: Traefik answers 404'],
    destinations: result.backends.map((b) => {
      const branch = (share * b.weight) / 100;
      const backendHost = `${b.service}.${b.namespace}.svc.cluster.local`;
      const lane = laneHeader !== undefined ? result.headers[laneHeader.toLowerCase()] : undefined;
      const next = nextHop(h, result.headers, branch);
      return {
        weight: b.weight,
        host: backendHost,
        ...(typeof b.port === 'number' ? { port: b.port } : {}),
        headers: result.headers,
        ...(result.problems.length > 0 ? { problem: result.problems.join('; ') } : {}),
        share: branch,
        ...(lane !== undefined ? { lane } : {}),
        ...(next ? { next } : {}),
      };
    }),
  };
}

function routeOf(objects: readonly KubeObject[], router: string): { match: string } | undefined {
  const [ref, index] = router.split('#');
  const ir = objects.find((o) => o.kind === 'IngressRoute' && `${o.metadata?.namespace ?? 'default'}/${o.metadata?.name}` === ref);
  return (ir?.spec as { routes?: { match: string }[] } | undefined)?.routes?.[Number(index)];
}

/** The conditions of the match block that held, in words. */
function reasons(
  objects: readonly KubeObject[],
  virtualService: string | undefined,
  routeIndex: number | undefined,
  matchIndex: number | undefined,
  status: string,
): string[] {
  if (status === 'passthrough') return ['no VirtualService binds this host for this gateway: every endpoint of the host'];
  if (status === 'no-route') return ['no route matches: Envoy answers 404 (NR)'];
  const vs = objects.find((o) => o.kind === 'VirtualService' && `${o.metadata?.namespace ?? 'default'}/${o.metadata?.name}` === virtualService);
  const route = (vs?.spec as { http?: { match?: Record<string, unknown>[] }[] } | undefined)?.http?.[routeIndex ?? -1];
  const block = matchIndex !== undefined ? route?.match?.[matchIndex] : undefined;
  if (!block) return ['the route has no match conditions: it takes every request that reaches it'];
  const out: string[] = [];
  for (const [field, value] of Object.entries(block)) {
    if (field === 'headers' || field === 'queryParams') {
      for (const [name, m] of Object.entries(value as Record<string, Record<string, string>>)) out.push(`${field}.${name} ${describeMatch(m)}`);
    } else if (typeof value === 'object' && value !== null) out.push(`${field} ${describeMatch(value as Record<string, string>)}`);
  }
  return out;
}

function describeMatch(m: Record<string, string>): string {
  const [kind, value] = Object.entries(m)[0] ?? ['any', ''];
  return `${kind} ${JSON.stringify(value)}`;
}

function lower(headers: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
}

/** "v1", "{lane: dev-x}", "endpoint 10.10.0.7:9080" or the host: how people name a destination. */
export function destinationLabel(d: Pick<SimulatedDestination, 'host' | 'subset' | 'labels' | 'endpoints'>): string {
  if (d.endpoints) return d.endpoints.map((e) => `endpoint ${e.address}${e.port !== undefined ? `:${e.port}` : ''}`).join(', ');
  if (d.labels) {
    const entries = Object.entries(d.labels);
    if (entries.length === 1 && entries[0]![0] === 'version') return entries[0]![1];
    return `{${entries.map(([k, v]) => `${k}: ${v}`).join(', ')}}`;
  }
  return d.host.replace(/\.svc\.cluster\.local$/, '');
}

export function explainText(root: ExplainedHop, laneHeader?: string): string {
  const lines: string[] = [];
  const walk = (h: ExplainedHop, depth: number, n: number) => {
    const pad = '  '.repeat(depth);
    const via = h.gateway === 'mesh' ? 'inside the mesh' : h.gateway.startsWith('traefik:') ? `through Traefik entry point ${h.gateway.slice(8) || '(any)'}` : `through gateway ${h.gateway}`;
    lines.push(`${pad}hop ${n}: ${h.host}, ${via}`);
    const what = h.router
      ? `IngressRoute ${h.router.replace('#', ', route #')} (priority ${h.priority})`
      : h.virtualService
        ? `VirtualService ${h.virtualService}, route ${h.route !== undefined ? `"${h.route}"` : `#${h.routeIndex}`}`
        : h.status === 'passthrough'
          ? 'no VirtualService'
          : 'no route';
    lines.push(`${pad}  ${what}`);
    if (h.middlewares && h.middlewares.length > 0) lines.push(`${pad}    middlewares: ${h.middlewares.join(', ')}`);
    for (const reason of h.why) lines.push(`${pad}    because ${reason}`);
    for (const d of h.destinations) {
      const subset = d.subset !== undefined ? ` subset ${d.subset}` : '';
      const carried = laneHeader !== undefined ? `; ${laneHeader}: ${d.lane ?? '(none)'}` : '';
      const label = destinationLabel(d);
      lines.push(`${pad}  → ${fmt(d.weight)}% to ${d.host}${subset}${d.subset !== undefined || d.endpoints ? ` (${label})` : ''}${carried}${d.share !== d.weight ? ` [${fmt(d.share)}% of all requests]` : ''}`);
      if (d.problem) lines.push(`${pad}    ✗ ${d.problem}`);
      if (d.next) walk(d.next, depth + 2, n + 1);
    }
  };
  walk(root, 0, 1);
  return `${lines.join('\n')}\n`;
}

/** A percentage as people write it: 25, 37.5, 33.33. */
export function fmt(n: number): string {
  return Number.isInteger(n) ? String(n) : n.toFixed(2).replace(/0+$/, '');
}
