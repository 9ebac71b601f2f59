/**
 * What Traefik does with IngressRoutes, TraefikServices and Middlewares for one request, read the way Traefik's
 * Kubernetes CRD provider and router manager read them (traefik v3.7.9):
 * - a route whose Middleware or TraefikService is missing, or lives in another namespace (allowCrossNamespace is
 *   off by default), is not served at all: the provider or the router manager logs an error and skips it
 *   (pkg/provider/kubernetes/crd/kubernetes_http.go makeMiddlewareKeys; pkg/server/router/router.go
 *   buildEntryPointHandler);
 * - an IngressRoute with `tls` serves TLS requests only, one without serves plain HTTP only;
 * - the matching route with the highest priority wins; a route without priority gets its rule's length
 *   (pkg/muxer/http/mux.go GetRulePriority); equal priorities are ordered arbitrarily (sort.Sort is not stable),
 *   which the model reports instead of guessing;
 * - middlewares run in order; weighted TraefikServices split (nested ones multiply), mirroring copies a percentage,
 *   failover sends to its service and keeps the fallback for when that one is unhealthy.
 */
import { evaluateRule, parseRule, type RuleNode } from '../simulate/traefik-rule';
import { TRAEFIK_GROUPS, type ObjectSet, type Stored } from './object-set';
import type { NormalRequest } from './request';
import { TRAEFIK_CROSS_NAMESPACE_ANNOTATION } from '../emit/manifest';


export interface TraefikServiceRef {
  readonly name: string;
  readonly namespace?: string;
  readonly kind?: string;
  readonly port?: number | string;
  readonly weight?: number;
  readonly middlewares?: readonly { readonly name: string; readonly namespace?: string }[];
  /** Connect to the Service's cluster IP instead of its pods (kubernetes_http.go loadServers; default false). */
  readonly nativeLB?: boolean;
  /** Send the request's Host to the server (default true); false sends the server's address (httputil/proxy.go). */
  readonly passHostHeader?: boolean;
}

interface IngressRouteSpec {
  readonly entryPoints?: readonly string[];
  readonly tls?: unknown;
  readonly routes?: readonly {
    readonly kind?: string;
    readonly match?: string;
    /** Traefik v3's per-router rule syntax (deprecated), e.g. "v2". */
    readonly syntax?: string;
    readonly priority?: number;
    readonly middlewares?: readonly { readonly name: string; readonly namespace?: string }[];
    readonly services?: readonly TraefikServiceRef[];
  }[];
}

export interface TraefikRouter {
  /** "namespace/name#index". */
  readonly id: string;
  readonly ingressRoute: Stored;
  readonly index: number;
  readonly match: string;
  readonly rule?: RuleNode;
  readonly priority: number;
  readonly entryPoints?: readonly string[];
  readonly tls: boolean;
  readonly middlewares: readonly { readonly name: string; readonly namespace: string }[];
  readonly services: readonly TraefikServiceRef[];
  /** Why Traefik does not serve this router (empty when it does). */
  readonly errors: readonly string[];
}

export interface TraefikMiddlewareRun {
  readonly name: string;
  readonly namespace: string;
  /** The middleware's type: headers, stripPrefix, rateLimit, circuitBreaker, retry, … */
  readonly type: string;
  readonly config: unknown;
  /** What it did to this request, when the model evaluates that type. */
  readonly effect?: string;
}

export interface TraefikBackend {
  /** Percentage of requests. */
  readonly weight: number;
  readonly service: string;
  readonly namespace: string;
  readonly port?: number | string;
  /** Failover: a backend that takes requests only when the main service is unhealthy. */
  readonly standby?: boolean;
  /** The reference's nativeLB and passHostHeader, when it sets them. */
  readonly nativeLB?: boolean;
  readonly passHostHeader?: boolean;
}

export interface TraefikMirror {
  readonly service: string;
  readonly namespace: string;
  readonly port?: number | string;
  readonly percent: number;
}

export interface TraefikHop {
  readonly status: 'routed' | 'no-route' | 'redirect';
  /** "namespace/name#index" of the IngressRoute route that won. */
  readonly router?: string;
  readonly rule?: string;
  readonly priority?: number;
  readonly middlewares: readonly TraefikMiddlewareRun[];
  /** Request headers and path as the backend receives them. */
  readonly headers: Readonly<Record<string, string>>;
  readonly path: string;
  /** The request's Host after the middlewares (a headers middleware's `Host` sets it), before passHostHeader. */
  readonly authority: string;
  readonly backends: readonly TraefikBackend[];
  readonly mirrors: readonly TraefikMirror[];
  readonly redirect?: { readonly status: number; readonly location: string };
  /** References that do not resolve inside a served router (nested services). */
  readonly problems: readonly string[];
  readonly notes: readonly string[];
}

export interface TraefikOptions {
  /** Traefik's `providers.kubernetesCRD.allowCrossNamespace` (default false). */
  readonly allowCrossNamespace?: boolean;
}

export class TraefikModel {
  readonly routers: readonly TraefikRouter[];

  constructor(readonly set: ObjectSet, readonly options: TraefikOptions = {}) {
    const routers: TraefikRouter[] = [];
    for (const ir of set.kind('IngressRoute').filter((s) => TRAEFIK_GROUPS.includes(s.group))) {
      const spec = (ir.object.spec ?? {}) as IngressRouteSpec;
      (spec.routes ?? []).forEach((route, index) => {
        const errors: string[] = [];
        const match = route.match ?? '';
        let rule: RuleNode | undefined;
        if (route.kind !== undefined && route.kind !== 'Rule') errors.push(`route kind ${route.kind} is not supported (only Rule)`);
        if (match === '') errors.push('the route has an empty match rule');
        else {
          try {
            // traefik.containo.us is Traefik v2 (v2 rule syntax); traefik.io is v3 unless the route asks for v2.
            rule = parseRule(match, ir.group === 'traefik.containo.us' || route.syntax === 'v2' ? 'v2' : 'v3');
          } catch (e) {
            errors.push(`its rule does not parse: ${(e as Error).message}`);
          }
        }
        const middlewares = (route.middlewares ?? []).map((m) => ({ name: m.name, namespace: m.namespace ?? ir.namespace }));
        // graylane's IngressRoutes say when their spec declares that Traefik allows cross-namespace references.
        const cross = this.options.allowCrossNamespace === true || ir.object.metadata?.annotations?.[TRAEFIK_CROSS_NAMESPACE_ANNOTATION] === 'true';
        for (const m of middlewares) errors.push(...this.referenceErrors(ir, 'Middleware', m.name, m.namespace, cross));
        for (const s of route.services ?? []) errors.push(...this.serviceErrors(ir.namespace, s, 0, cross));
        routers.push({
          id: `${ir.namespace}/${ir.name}#${index}`,
          ingressRoute: ir,
          index,
          match,
          ...(rule ? { rule } : {}),
          priority: route.priority !== undefined && route.priority !== 0 ? route.priority : match.length,
          ...(spec.entryPoints && spec.entryPoints.length > 0 ? { entryPoints: spec.entryPoints } : {}),
          tls: spec.tls !== undefined && spec.tls !== null,
          middlewares,
          services: route.services ?? [],
          errors,
        });
      });
    }
    this.routers = routers;
    this.byId = new Map(routers.map((r) => [r.id, r]));
  }

  /** Routers by "namespace/name#index". */
  readonly byId: ReadonlyMap<string, TraefikRouter>;

  /** The Middleware objects a router runs, in order, chains expanded (missing ones left out). */
  middlewareChain(router: TraefikRouter): Stored[] {
    const out: Stored[] = [];
    const visit = (name: string, namespace: string, depth: number) => {
      const m = this.find('Middleware', namespace, name);
      if (!m || depth > 10) return;
      out.push(m);
      for (const c of ((m.object.spec ?? {}) as { chain?: { middlewares?: { name: string; namespace?: string }[] } }).chain?.middlewares ?? []) visit(c.name, c.namespace ?? namespace, depth + 1);
    };
    for (const m of router.middlewares) visit(m.name, m.namespace, 0);
    return out;
  }

  find(kind: string, namespace: string, name: string): Stored | undefined {
    return this.set.find(TRAEFIK_GROUPS, kind, namespace, name);
  }

  private referenceErrors(from: Stored | { namespace: string }, kind: string, name: string, namespace: string, cross: boolean): string[] {
    if (name.includes('@')) {
      // Provider references: `@kubernetescrd` ones are refused unless allowCrossNamespace (kubernetes.go resolveReference).
      if (name.endsWith('@kubernetescrd') && !cross) return [`${kind} reference ${name}: when allowCrossNamespace is disabled, @kubernetescrd references are disallowed`];
      return [];
    }
    if (namespace !== from.namespace && !cross)
      return [`${kind} ${namespace}/${name} is in another namespace than ${from.namespace}, and Traefik's allowCrossNamespace is off by default`];
    if (!this.find(kind, namespace, name)) return [`${kind} ${namespace}/${name} does not exist`];
    if (kind === 'Middleware') {
      const chain = ((this.find(kind, namespace, name)!.object.spec ?? {}) as { chain?: { middlewares?: { name: string; namespace?: string }[] } }).chain;
      return (chain?.middlewares ?? []).flatMap((m) => (m.name === name && (m.namespace ?? namespace) === namespace ? [`Middleware ${namespace}/${name} chains itself`] : this.referenceErrors({ namespace }, 'Middleware', m.name, m.namespace ?? namespace, cross)));
    }
    return [];
  }

  private serviceErrors(namespace: string, s: TraefikServiceRef, depth: number, cross: boolean): string[] {
    const ns = s.namespace ?? namespace;
    if (s.kind !== 'TraefikService') {
      if (ns !== namespace && !cross) return [`Service ${ns}/${s.name} is in another namespace than ${namespace}, and Traefik's allowCrossNamespace is off by default`];
      const hasServices = this.set.kind('Service').length > 0;
      if (hasServices && !this.set.find('', 'Service', ns, s.name)) return [`Service ${ns}/${s.name} does not exist`];
      return [];
    }
    const own = this.referenceErrors({ namespace }, 'TraefikService', s.name, ns, cross);
    if (own.length > 0 || depth > 10) return depth > 10 ? ['TraefikServices nest more than 10 deep (a cycle?)'] : own;
    const found = this.find('TraefikService', ns, s.name);
    if (!found) return [];
    const spec = (found.object.spec ?? {}) as TraefikServiceSpec;
    return children(spec).flatMap((c) => this.serviceErrors(ns, c, depth + 1, cross));
  }

  route(request: NormalRequest): TraefikHop {
    const entryPoint = request.via.startsWith('traefik:') ? request.via.slice('traefik:'.length) : '';
    const tls = request.scheme === 'https';
    const notes: string[] = [];
    const candidates: TraefikRouter[] = [];
    for (const r of this.routers) {
      if (entryPoint !== '' && r.entryPoints && !r.entryPoints.includes(entryPoint)) continue;
      if (r.tls !== tls) continue;
      if (!r.rule || !evaluateRule(r.rule, { host: request.host, path: request.pathOnly, method: request.method, headers: request.headers, query: request.query })) continue;
      if (r.errors.length > 0) {
        notes.push(`router ${r.id} would match, but Traefik does not serve it: ${r.errors.join('; ')}`);
        continue;
      }
      candidates.push(r);
    }
    const base = { middlewares: [], headers: request.headers, path: request.fullPath, authority: request.authority, backends: [], mirrors: [], problems: [] };
    if (candidates.length === 0) {
      notes.push(`no router${entryPoint ? ` on entry point ${entryPoint}` : ''} takes this ${tls ? 'TLS ' : ''}request: Traefik answers 404`);
      return { status: 'no-route', ...base, notes };
    }
    const top = Math.max(...candidates.map((c) => c.priority));
    const winners = candidates.filter((c) => c.priority === top);
    if (winners.length > 1) notes.push(`routers ${winners.map((w) => w.id).join(', ')} match with the same priority ${top}: Traefik's choice between them is arbitrary; the model shows the first`);
    const winner = winners[0]!;
    return { ...this.runRouter(winner, request), notes };
  }

  /** What one router does with a request it takes: its middlewares in order, then its services. */
  runRouter(router: TraefikRouter, request: NormalRequest): Omit<TraefikHop, 'notes'> {
    const headers: Record<string, string> = Object.assign(Object.create(null) as Record<string, string>, request.headers);
    const state = { path: request.fullPath, headers, authority: request.authority };
    const runs: TraefikMiddlewareRun[] = [];
    const common = { router: router.id, rule: router.match, priority: router.priority };
    for (const m of router.middlewares) {
      const redirect = this.runMiddleware(m.name, m.namespace, state, runs, request, 0);
      if (redirect) return { status: 'redirect', ...common, middlewares: runs, headers: state.headers, path: state.path, authority: state.authority, backends: [], mirrors: [], redirect, problems: [] };
    }
    const problems: string[] = [];
    const mirrors: TraefikMirror[] = [];
    // Middlewares on a route's Kubernetes service run after the router's (LoadBalancerSpec.middlewares).
    for (const svc of router.services) {
      for (const m of svc.middlewares ?? []) {
        const redirect = this.runMiddleware(m.name, m.namespace ?? router.ingressRoute.namespace, state, runs, request, 0);
        if (redirect) return { status: 'redirect', ...common, middlewares: runs, headers: state.headers, path: state.path, authority: state.authority, backends: [], mirrors: [], redirect, problems: [] };
      }
    }
    const backends = this.expand(router.services, router.ingressRoute.namespace, 100, problems, mirrors, 0, false);
    return { status: 'routed', ...common, middlewares: runs, headers: state.headers, path: state.path, authority: state.authority, backends, mirrors, problems };
  }

  private runMiddleware(
    name: string,
    namespace: string,
    state: { path: string; headers: Record<string, string>; authority: string },
    runs: TraefikMiddlewareRun[],
    request: NormalRequest,
    depth: number,
  ): { status: number; location: string } | undefined {
    const m = this.find('Middleware', namespace, name);
    if (!m || depth > 10) return undefined;
    for (const [type, config] of Object.entries((m.object.spec ?? {}) as Record<string, unknown>)) {
      if (type === 'chain') {
        runs.push({ name, namespace, type, config });
        for (const c of (config as { middlewares?: { name: string; namespace?: string }[] }).middlewares ?? []) {
          const r = this.runMiddleware(c.name, c.namespace ?? namespace, state, runs, request, depth + 1);
          if (r) return r;
        }
        continue;
      }
      const { effect, redirect } = applyMiddleware(type, config, state, request);
      runs.push({ name, namespace, type, config, ...(effect !== undefined ? { effect } : {}) });
      if (redirect) return redirect;
    }
    return undefined;
  }

  private expand(services: readonly TraefikServiceRef[], namespace: string, share: number, problems: string[], mirrors: TraefikMirror[], depth: number, standby: boolean): TraefikBackend[] {
    if (depth > 10) {
      problems.push('TraefikServices nest more than 10 deep (a cycle?)');
      return [];
    }
    // Several services on one route are a weighted round robin too (weight 1 each unless given).
    const total = services.reduce((sum, s) => sum + (s.weight ?? 1), 0);
    return services.flatMap((s) => {
      const part = services.length === 1 ? share : total === 0 ? 0 : (share * (s.weight ?? 1)) / total;
      return this.expandOne(s, namespace, part, problems, mirrors, depth, standby);
    });
  }

  private expandOne(s: TraefikServiceRef, namespace: string, share: number, problems: string[], mirrors: TraefikMirror[], depth: number, standby: boolean): TraefikBackend[] {
    const ns = s.namespace ?? namespace;
    if (s.kind !== 'TraefikService')
      return [{ weight: share, service: s.name, namespace: ns, ...(s.port !== undefined ? { port: s.port } : {}), ...(standby ? { standby } : {}), ...(s.nativeLB !== undefined ? { nativeLB: s.nativeLB } : {}), ...(s.passHostHeader !== undefined ? { passHostHeader: s.passHostHeader } : {}) }];
    const ts = this.find('TraefikService', ns, s.name);
    if (!ts) {
      problems.push(`TraefikService ${ns}/${s.name} does not exist`);
      return [];
    }
    const spec = (ts.object.spec ?? {}) as TraefikServiceSpec;
    if (spec.weighted) return this.expand(spec.weighted.services ?? [], ns, share, problems, mirrors, depth + 1, standby);
    if (spec.highestRandomWeight) return this.expand(spec.highestRandomWeight.services ?? [], ns, share, problems, mirrors, depth + 1, standby);
    if (spec.mirroring) {
      const mirror = spec.mirroring;
      // A mirror is named by the Kubernetes Services it ends at (through any TraefikServices).
      for (const m of mirror.mirrors ?? [])
        for (const b of this.expandOne(m, ns, ((m.percent ?? 0) * share) / 100, problems, mirrors, depth + 1, standby))
          mirrors.push({ service: b.service, namespace: b.namespace, ...(b.port !== undefined ? { port: b.port } : {}), percent: b.weight });
      return this.expandOne({ name: mirror.name, ...(mirror.namespace !== undefined ? { namespace: mirror.namespace } : {}), ...(mirror.kind !== undefined ? { kind: mirror.kind } : {}), ...(mirror.port !== undefined ? { port: mirror.port } : {}) }, ns, share, problems, mirrors, depth + 1, standby);
    }
    if (spec.failover) {
      const main = this.serviceByName(spec.failover.service, ns);
      const fallback = this.serviceByName(spec.failover.fallback, ns);
      if (!main.name) problems.push(`TraefikService ${ns}/${s.name}: failover without a service`);
      return [...this.expandOne(main, ns, share, problems, mirrors, depth + 1, standby), ...this.expandOne(fallback, ns, 0, problems, mirrors, depth + 1, true)];
    }
    problems.push(`TraefikService ${ns}/${s.name} has no weighted, mirroring or failover section the model reads`);
    return [];
  }

  /** failover names its services as references (or, in older forms, by name: a TraefikService if one exists). */
  private serviceByName(ref: string | TraefikServiceRef | undefined, namespace: string): TraefikServiceRef {
    if (ref !== undefined && typeof ref === 'object') return ref;
    const n = ref ?? '';
    return this.find('TraefikService', namespace, n) ? { name: n, kind: 'TraefikService', namespace } : { name: n, namespace };
  }
}

interface TraefikServiceSpec {
  readonly weighted?: { readonly services?: readonly TraefikServiceRef[] };
  readonly highestRandomWeight?: { readonly services?: readonly TraefikServiceRef[] };
  readonly mirroring?: TraefikServiceRef & { readonly mirrors?: readonly (TraefikServiceRef & { readonly percent?: number })[] };
  readonly failover?: { readonly service?: string | TraefikServiceRef; readonly fallback?: string | TraefikServiceRef };
}

function children(spec: TraefikServiceSpec): TraefikServiceRef[] {
  if (spec.weighted) return [...(spec.weighted.services ?? [])];
  if (spec.highestRandomWeight) return [...(spec.highestRandomWeight.services ?? [])];
  if (spec.mirroring) return [spec.mirroring, ...(spec.mirroring.mirrors ?? [])];
  if (spec.failover) return [spec.failover.service, spec.failover.fallback].filter((r): r is TraefikServiceRef => typeof r === 'object' && r !== null);
  return [];
}

/** The middlewares whose effect on a request the model evaluates; the others are shown as they are. */
function applyMiddleware(
  type: string,
  config: unknown,
  state: { path: string; headers: Record<string, string>; authority: string },
  request: NormalRequest,
): { effect?: string; redirect?: { status: number; location: string } } {
  const c = (config ?? {}) as Record<string, unknown>;
  switch (type) {
    case 'headers': {
      const changes: string[] = [];
      for (const [name, value] of Object.entries((c.customRequestHeaders as Record<string, string> | undefined) ?? {})) {
        // An empty value removes the header; `Host` sets the request's Host (headers/header.go modifyCustomRequestHeaders).
        if (value === '') delete state.headers[name.toLowerCase()];
        else if (name.toLowerCase() === 'host') state.authority = value;
        else state.headers[name.toLowerCase()] = value;
        changes.push(value === '' ? `removes ${name}` : `sets ${name}: ${value}`);
      }
      return changes.length > 0 ? { effect: changes.join(', ') } : {};
    }
    case 'stripPrefix': {
      const [pathOnly, query] = splitQuery(state.path);
      for (const prefix of (c.prefixes as string[] | undefined) ?? []) {
        if (pathOnly.startsWith(prefix)) {
          let rest = pathOnly.slice(prefix.length);
          if (!rest.startsWith('/')) rest = `/${rest}`;
          state.path = rest + query;
          return { effect: `strips ${prefix}: ${state.path}` };
        }
      }
      return { effect: 'no prefix matches' };
    }
    case 'addPrefix': {
      state.path = `${String(c.prefix ?? '')}${state.path}`;
      return { effect: `path ${state.path}` };
    }
    case 'replacePath': {
      const [, query] = splitQuery(state.path);
      state.path = `${String(c.path ?? '')}${query}`;
      return { effect: `path ${state.path}` };
    }
    case 'redirectScheme': {
      const scheme = String(c.scheme ?? 'https');
      if ((request.scheme ?? 'http') === scheme) return { effect: `already ${scheme}` };
      const port = c.port !== undefined && !((scheme === 'https' && String(c.port) === '443') || (scheme === 'http' && String(c.port) === '80')) ? `:${String(c.port)}` : '';
      return { redirect: { status: redirectStatus(c.permanent === true, request.method), location: `${scheme}://${request.host}${port}${request.fullPath}` } };
    }
    case 'redirectRegex': {
      const url = `${request.scheme ?? 'http'}://${request.authority}${request.fullPath}`;
      const re = new RegExp(String(c.regex ?? ''), 'u');
      if (!re.test(url)) return { effect: 'regex does not match' };
      return { redirect: { status: redirectStatus(c.permanent === true, request.method), location: url.replace(re, String(c.replacement ?? '').replace(/\$\{(\d+)\}/g, '$$$1')) } };
    }
    default:
      return {};
  }
}

function splitQuery(path: string): [string, string] {
  const q = path.indexOf('?');
  return q < 0 ? [path, ''] : [path.slice(0, q), path.slice(q)];
}

/** Traefik's redirect status: 302 for GET and 307 otherwise; 301 and 308 when permanent (middlewares/redirect/redirect.go). */
function redirectStatus(permanent: boolean, method: string): number {
  return method === 'GET' ? (permanent ? 301 : 302) : permanent ? 308 : 307;
}
