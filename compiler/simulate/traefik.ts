/**
 * What Traefik does with IngressRoutes, TraefikServices and Middlewares for one request: the matching router
 * with the highest priority wins (a route without priority gets its rule's length, as Traefik does), its
 * middlewares run in order (headers middlewares set or — with an empty value — remove request headers), and
 * weighted TraefikServices split the request, nested ones multiplying their shares.
 */
import type { KubeObject } from './istio';
import { evaluateRule, parseRule, type TraefikRequest } from './traefik-rule';

export interface TraefikSimRequest extends TraefikRequest {
  /** The entry point the request arrives on; routes of IngressRoutes without entryPoints listen on all. */
  readonly entryPoint?: string;
}

export interface TraefikBackend {
  /** Percentage of requests. */
  readonly weight: number;
  readonly service: string;
  readonly namespace: string;
  readonly port?: number | string;
}

export interface TraefikMiddlewareRun {
  readonly name: string;
  /** The middleware's type: headers, rateLimit, circuitBreaker, retry, … */
  readonly type: string;
  readonly config: unknown;
}

export interface TraefikHop {
  readonly status: 'routed' | 'no-route';
  /** "namespace/name#index" of the IngressRoute route that won. */
  readonly router?: string;
  readonly priority?: number;
  readonly middlewares: readonly TraefikMiddlewareRun[];
  /** Request headers as the backend receives them. */
  readonly headers: Readonly<Record<string, string>>;
  readonly backends: readonly TraefikBackend[];
  /** References that do not resolve (a missing Middleware or TraefikService makes Traefik drop the router). */
  readonly problems: readonly string[];
}

interface Route {
  match: string;
  /** Traefik v3's per-router rule syntax (deprecated), e.g. "v2". */
  syntax?: string;
  priority?: number;
  middlewares?: { name: string; namespace?: string }[];
  services?: { name: string; namespace?: string; kind?: string; port?: number | string; weight?: number }[];
}

export function simulateTraefik(objects: readonly KubeObject[], request: TraefikSimRequest): TraefikHop {
  const candidates: { id: string; namespace: string; route: Route; priority: number }[] = [];
  for (const o of objects) {
    if (o.kind !== 'IngressRoute') continue;
    const spec = o.spec as { entryPoints?: string[]; routes?: Route[] };
    if (request.entryPoint !== undefined && spec.entryPoints && !spec.entryPoints.includes(request.entryPoint)) continue;
    const namespace = o.metadata?.namespace ?? 'default';
    (spec.routes ?? []).forEach((route, i) => {
      // traefik.containo.us is Traefik v2 (v2 rule syntax); traefik.io is v3 unless the route asks for v2.
      const syntax = o.apiVersion?.startsWith('traefik.containo.us/') || route.syntax === 'v2' ? 'v2' : 'v3';
      if (evaluateRule(parseRule(route.match, syntax), request))
        candidates.push({ id: `${namespace}/${o.metadata?.name ?? ''}#${i}`, namespace, route, priority: route.priority ?? route.match.length });
    });
  }
  const headers = Object.fromEntries(Object.entries(request.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v]));
  if (candidates.length === 0) return { status: 'no-route', middlewares: [], headers, backends: [], problems: [] };
  // Highest priority first; the sort is stable, so equal priorities keep file order.
  const winner = [...candidates].sort((a, b) => b.priority - a.priority)[0]!;
  return { status: 'routed', router: winner.id, priority: winner.priority, ...runRoute(objects, winner.route, winner.namespace, headers) };
}

/** What one IngressRoute route does with a request it takes: middlewares in order, then its backends. */
export function traefikRouteTargets(
  objects: readonly KubeObject[],
  ingressRoute: KubeObject,
  routeIndex: number,
  requestHeaders: Readonly<Record<string, string>> = {},
): Pick<TraefikHop, 'middlewares' | 'headers' | 'backends' | 'problems'> {
  const route = ((ingressRoute.spec as { routes?: Route[] }).routes ?? [])[routeIndex];
  const headers = Object.fromEntries(Object.entries(requestHeaders).map(([k, v]) => [k.toLowerCase(), v]));
  if (!route) return { middlewares: [], headers, backends: [], problems: [`no route #${routeIndex}`] };
  return runRoute(objects, route, ingressRoute.metadata?.namespace ?? 'default', headers);
}

function runRoute(
  objects: readonly KubeObject[],
  route: Route,
  namespace: string,
  headers: Record<string, string>,
): Pick<TraefikHop, 'middlewares' | 'headers' | 'backends' | 'problems'> {
  const problems: string[] = [];
  const middlewares: TraefikMiddlewareRun[] = [];
  for (const ref of route.middlewares ?? []) {
    const m = find(objects, 'Middleware', ref.namespace ?? namespace, ref.name);
    if (!m) {
      problems.push(`Middleware ${ref.namespace ?? namespace}/${ref.name} does not exist`);
      continue;
    }
    for (const [type, config] of Object.entries((m.spec ?? {}) as Record<string, unknown>)) {
      middlewares.push({ name: ref.name, type, config });
      if (type === 'headers') {
        for (const [name, value] of Object.entries((config as { customRequestHeaders?: Record<string, string> }).customRequestHeaders ?? {})) {
          if (value === '') delete headers[name.toLowerCase()];
          else headers[name.toLowerCase()] = value;
        }
      }
    }
  }
  const backends = expand(objects, route.services ?? [], namespace, 100, problems, 0);
  return { middlewares, headers, backends, problems };
}

function expand(
  objects: readonly KubeObject[],
  services: NonNullable<Route['services']>,
  namespace: string,
  share: number,
  problems: string[],
  depth: number,
): TraefikBackend[] {
  if (depth > 10) {
    problems.push('TraefikServices nest more than 10 deep (a cycle?)');
    return [];
  }
  // Several services on one route are a weighted round robin too (weight 1 each unless given).
  const total = services.reduce((sum, s) => sum + (s.weight ?? 1), 0);
  return services.flatMap((s) => {
    const part = total === 0 ? 0 : (share * (s.weight ?? 1)) / total;
    const ns = s.namespace ?? namespace;
    if (s.kind === 'TraefikService') {
      const ts = find(objects, 'TraefikService', ns, s.name);
      if (!ts) {
        problems.push(`TraefikService ${ns}/${s.name} does not exist`);
        return [];
      }
      const weighted = (ts.spec as { weighted?: { services?: NonNullable<Route['services']> } }).weighted;
      return expand(objects, weighted?.services ?? [], ns, part, problems, depth + 1);
    }
    return [{ weight: part, service: s.name, namespace: ns, ...(s.port !== undefined ? { port: s.port } : {}) }];
  });
}

function find(objects: readonly KubeObject[], kind: string, namespace: string, name: string): KubeObject | undefined {
  return objects.find((o) => o.kind === kind && o.metadata?.name === name && (o.metadata?.namespace ?? 'default') === namespace);
}
