/**
 * What a Gateway API implementation makes of Gateways, HTTPRoutes, ReferenceGrants, Namespaces and Services
 * (`gateway.networking.k8s.io` v1 and v1beta1; kubernetes-sigs/gateway-api v1.6.1): which routes attach to which
 * listener or Service, with which hostnames, and which backendRefs resolve. Routing one request over it is
 * `gateway-api-route.ts`.
 *
 * Upstream semantics followed (apis/v1/gateway_types.go, httproute_types.go, shared_types.go,
 * referencegrant_types.go):
 * - a parentRef defaults to group gateway.networking.k8s.io, kind Gateway, the route's namespace; `sectionName`
 *   and `port` narrow it to the listeners of that name and port (ParentReference);
 * - a listener accepts a route when its `allowedRoutes.namespaces` (Same by default, All, or a Selector over the
 *   Namespace's labels) admits the route's namespace, its `allowedRoutes.kinds` (by default the protocol's:
 *   HTTPRoute for HTTP and HTTPS) include HTTPRoute, and the hostnames intersect (HTTPRouteSpec.Hostnames: a
 *   wildcard label is a suffix match of one or more labels; a route hostname the listener does not match is
 *   ignored; none left → not accepted);
 * - GEP-1426 (GAMMA, standard since v1.1): a parentRef of kind Service (group "" or "core") attaches the route to
 *   the Service's traffic inside the mesh; a route in the Service's namespace is a producer route (every caller),
 *   one in another namespace a consumer route (callers in the route's namespace only);
 * - a backendRef defaults to a core Service in the route's namespace, needs a port, and is invalid (its share of
 *   requests gets a 500) when its kind is not supported, the Service does not exist, or it is in another namespace
 *   without a ReferenceGrant there that allows HTTPRoutes of the route's namespace (HTTPBackendRef, ReferenceGrant)
 *   — except a backend in the namespace of the Service parent the request came through: the conformance test
 *   mesh-consumer-route has a consumer route reach the producer's Service without a grant (GEP-1426). Istio goes
 *   further and needs no grant for any mesh route (istio/istio#45058), other meshes (Kuma) do: the model follows the
 *   stricter reading elsewhere and says so;
 * - rules without matches match PathPrefix "/" (HTTPRouteRule.Matches default).
 */
import { MANAGED_BY } from '../emit/manifest';
import type { ObjectSet, Stored } from './object-set';

export const GATEWAY_API_GROUP = 'gateway.networking.k8s.io';
const CLUSTER_DOMAIN = 'cluster.local';

export interface HeaderValue {
  readonly name: string;
  readonly value: string;
}

export interface HeaderModifier {
  readonly set?: readonly HeaderValue[];
  readonly add?: readonly HeaderValue[];
  readonly remove?: readonly string[];
}

export interface PathModifier {
  readonly type: 'ReplaceFullPath' | 'ReplacePrefixMatch' | string;
  readonly replaceFullPath?: string;
  readonly replacePrefixMatch?: string;
}

export interface BackendObjectReference {
  readonly group?: string;
  readonly kind?: string;
  readonly name: string;
  readonly namespace?: string;
  readonly port?: number;
}

export interface HttpRouteFilter {
  readonly type: string;
  readonly requestHeaderModifier?: HeaderModifier;
  readonly responseHeaderModifier?: HeaderModifier;
  readonly requestRedirect?: {
    readonly scheme?: string;
    readonly hostname?: string;
    readonly path?: PathModifier;
    readonly port?: number;
    readonly statusCode?: number;
  };
  readonly urlRewrite?: { readonly hostname?: string; readonly path?: PathModifier };
  readonly requestMirror?: {
    readonly backendRef: BackendObjectReference;
    readonly percent?: number;
    readonly fraction?: { readonly numerator: number; readonly denominator?: number };
  };
  readonly extensionRef?: { readonly group?: string; readonly kind?: string; readonly name?: string };
}

export interface HttpRouteMatch {
  readonly path?: { readonly type?: string; readonly value?: string };
  readonly headers?: readonly { readonly type?: string; readonly name: string; readonly value: string }[];
  readonly queryParams?: readonly { readonly type?: string; readonly name: string; readonly value: string }[];
  readonly method?: string;
}

export interface HttpBackendRef extends BackendObjectReference {
  readonly weight?: number;
  readonly filters?: readonly HttpRouteFilter[];
}

export interface HttpRouteRule {
  readonly name?: string;
  readonly matches?: readonly HttpRouteMatch[];
  readonly filters?: readonly HttpRouteFilter[];
  readonly backendRefs?: readonly HttpBackendRef[];
  /** GEP-1742. */
  readonly timeouts?: { readonly request?: string; readonly backendRequest?: string };
  /** GEP-1731 (experimental channel). */
  readonly retry?: { readonly codes?: readonly number[]; readonly attempts?: number; readonly backoff?: string };
}

export interface ParentReference {
  readonly group?: string;
  readonly kind?: string;
  readonly namespace?: string;
  readonly name: string;
  readonly sectionName?: string;
  readonly port?: number;
}

export interface HttpRouteSpec {
  readonly parentRefs?: readonly ParentReference[];
  readonly hostnames?: readonly string[];
  readonly rules?: readonly HttpRouteRule[];
}

interface GatewaySpec {
  readonly gatewayClassName?: string;
  readonly listeners?: readonly {
    readonly name?: string;
    readonly hostname?: string;
    readonly port?: number;
    readonly protocol?: string;
    readonly allowedRoutes?: {
      readonly namespaces?: { readonly from?: string; readonly selector?: LabelSelector };
      readonly kinds?: readonly { readonly group?: string; readonly kind?: string }[];
    };
  }[];
}

interface LabelSelector {
  readonly matchLabels?: Readonly<Record<string, string>>;
  readonly matchExpressions?: readonly { readonly key: string; readonly operator: string; readonly values?: readonly string[] }[];
}

interface ReferenceGrantSpec {
  readonly from?: readonly { readonly group?: string; readonly kind?: string; readonly namespace?: string }[];
  readonly to?: readonly { readonly group?: string; readonly kind?: string; readonly name?: string }[];
}

export interface ModelListener {
  /** "namespace/name" of the Gateway. */
  readonly gateway: string;
  readonly name: string;
  readonly port: number;
  readonly protocol: string;
  readonly hostname?: string;
  /**
   * The Gateway is not in the input (graylane's output never holds it): assumed to have an HTTP listener without
   * hostname that admits the route, on the parentRef's port (0: any port) and under its sectionName.
   */
  readonly assumed?: boolean;
}

/** One route attached to one parent: a listener, or a Service (GAMMA). */
export interface Attachment {
  readonly route: ModelHttpRoute;
  /** The parentRef's index in the route. */
  readonly parentRef: number;
  readonly listener?: ModelListener;
  /** "namespace/name" of the Service, for mesh routes. */
  readonly service?: string;
  /** The Service port the parentRef names (mesh routes), if any. */
  readonly servicePort?: number;
  /**
   * Hostnames this route serves on this parent, after intersecting with the listener's (route hostname, or the
   * listener's when it is the narrower one); empty means any host.
   */
  readonly hostnames: readonly string[];
}

/** A parentRef that does not attach, and why (Accepted: False on Istio, Envoy Gateway and others). */
export interface Refusal {
  readonly route: ModelHttpRoute;
  readonly parentRef: number;
  /** The listener that refuses it, when others of the parentRef accept it. */
  readonly listener?: string;
  readonly reason: string;
}

export interface ResolvedBackend {
  readonly ref: HttpBackendRef | BackendObjectReference;
  readonly name: string;
  readonly namespace: string;
  readonly host: string;
  readonly port?: number;
  /** Why the reference is invalid (its share gets HTTP 500); undefined when it resolves. */
  readonly problem?: string;
  /** The Service is not in the input and was assumed to exist. */
  readonly assumed?: boolean;
}

export interface ModelHttpRoute {
  readonly stored: Stored;
  /** "namespace/name". */
  readonly ref: string;
  readonly namespace: string;
  readonly spec: HttpRouteSpec;
  /** metadata.creationTimestamp, when the object has one (rendered output does not). */
  readonly creationTimestamp?: string;
  readonly rules: readonly HttpRouteRule[];
}

export interface ServiceLookupOptions {
  /**
   * A backendRef to a core Service that is not in the objects: `missing` (the implementation answers 500), or
   * `assumed` (it exists: the objects are only part of the cluster, e.g. graylane's output without the
   * application's own Services). Default: `missing` when the objects describe the Service's namespace (hold a
   * Service of it that graylane did not emit), else `assumed`.
   */
  readonly absentServices?: 'missing' | 'assumed';
}

export class GatewayApiModel {
  readonly routes: readonly ModelHttpRoute[];
  readonly attachments: readonly Attachment[];
  readonly refusals: readonly Refusal[];
  readonly listeners: readonly ModelListener[];
  /** Namespaces the objects describe: they hold a Service of it that graylane did not emit. */
  private readonly described = new Set<string>();
  private readonly services = new Map<string, Stored>();
  private readonly namespaceLabels = new Map<string, Readonly<Record<string, string>>>();
  private readonly grants: { namespace: string; spec: ReferenceGrantSpec }[] = [];

  constructor(readonly set: ObjectSet) {
    for (const s of set.kind('Service')) {
      if (s.group !== '') continue;
      this.services.set(`${s.namespace}/${s.name}`, s);
      if (s.object.metadata?.labels?.[MANAGED_BY] !== 'graylane') this.described.add(s.namespace);
    }
    for (const n of set.kind('Namespace')) if (n.group === '') this.namespaceLabels.set(n.name, n.object.metadata?.labels ?? {});
    for (const g of set.kind('ReferenceGrant')) if (g.group === GATEWAY_API_GROUP) this.grants.push({ namespace: g.namespace, spec: (g.object.spec ?? {}) as ReferenceGrantSpec });

    const gateways = set.kind('Gateway').filter((g) => g.group === GATEWAY_API_GROUP);
    const listeners: (ModelListener & { allowed: NonNullable<GatewaySpec['listeners']>[number]['allowedRoutes'] })[] = [];
    for (const g of gateways) {
      for (const l of ((g.object.spec ?? {}) as GatewaySpec).listeners ?? []) {
        listeners.push({
          gateway: `${g.namespace}/${g.name}`,
          name: l.name ?? '',
          port: l.port ?? 0,
          protocol: l.protocol ?? '',
          ...(l.hostname !== undefined && l.hostname !== '' ? { hostname: l.hostname.toLowerCase() } : {}),
          allowed: l.allowedRoutes,
        });
      }
    }
    this.listeners = listeners.map(({ allowed: _allowed, ...l }) => l);

    const routes: ModelHttpRoute[] = [];
    for (const r of set.kind('HTTPRoute')) {
      if (r.group !== GATEWAY_API_GROUP) continue;
      const spec = (r.object.spec ?? {}) as HttpRouteSpec;
      const created = (r.object.metadata as { creationTimestamp?: unknown } | undefined)?.creationTimestamp;
      routes.push({
        stored: r,
        ref: `${r.namespace}/${r.name}`,
        namespace: r.namespace,
        spec,
        ...(typeof created === 'string' && created !== '' ? { creationTimestamp: created } : {}),
        // The CRD's default: one rule matching PathPrefix "/" (with no backends, which is a 500).
        rules: spec.rules && spec.rules.length > 0 ? spec.rules : [{ matches: [{ path: { type: 'PathPrefix', value: '/' } }] }],
      });
    }
    this.routes = routes.sort(routeOrder);

    const attachments: Attachment[] = [];
    const refusals: Refusal[] = [];
    for (const route of this.routes) {
      (route.spec.parentRefs ?? []).forEach((p, index): void => {
        const group = p.group ?? GATEWAY_API_GROUP;
        const kind = p.kind ?? 'Gateway';
        const namespace = p.namespace ?? route.namespace;
        const refuse = (reason: string): void => {
          refusals.push({ route, parentRef: index, reason });
        };
        if (kind === 'Service' && (group === '' || group === 'core')) {
          const svc = this.services.get(`${namespace}/${p.name}`);
          if (!svc && this.described.has(namespace)) return refuse(`its parentRef Service ${namespace}/${p.name} is not in the input`);
          // GEP-1426: hostnames mean nothing for a Service parent; the Service's own names are what callers use.
          attachments.push({ route, parentRef: index, service: `${namespace}/${p.name}`, ...(p.port !== undefined ? { servicePort: p.port } : {}), hostnames: [] });
          return;
        }
        if (group !== GATEWAY_API_GROUP || kind !== 'Gateway') return refuse(`its parentRef of kind ${group || 'core'}/${kind} is not a Gateway or Service`);
        const gateway = `${namespace}/${p.name}`;
        const candidates = listeners.filter((l) => l.gateway === gateway && (p.sectionName === undefined || l.name === p.sectionName) && (p.port === undefined || l.port === p.port));
        if (!gateways.some((g) => `${g.namespace}/${g.name}` === gateway)) {
          // Refused only where the input describes the namespace's Gateways; else the Gateway lives elsewhere.
          if (gateways.some((g) => g.namespace === namespace)) return refuse(`its parentRef Gateway ${gateway} is not in the input`);
          attachments.push({ route, parentRef: index, listener: { gateway, name: p.sectionName ?? '', port: p.port ?? 0, protocol: 'HTTP', assumed: true }, hostnames: (route.spec.hostnames ?? []).map((h) => h.toLowerCase()) });
          return;
        }
        if (candidates.length === 0) return refuse(`Gateway ${gateway} has no listener${p.sectionName !== undefined ? ` named ${p.sectionName}` : ''}${p.port !== undefined ? ` on port ${p.port}` : ''}`);
        const reasons: { listener: string; reason: string }[] = [];
        for (const l of candidates) {
          const why = this.listenerRefuses(l, l.allowed, route);
          if (why !== undefined) {
            reasons.push({ listener: l.name, reason: why });
            continue;
          }
          const hostnames = intersectHostnames(l.hostname, route.spec.hostnames ?? []);
          if (hostnames === undefined) {
            reasons.push({ listener: l.name, reason: `none of the route's hostnames (${(route.spec.hostnames ?? []).join(', ')}) matches the listener's ${l.hostname}` });
            continue;
          }
          const { allowed: _allowed, ...listener } = l;
          attachments.push({ route, parentRef: index, listener, hostnames });
        }
        if (reasons.length === candidates.length) refuse(`Gateway ${gateway} does not accept it (${reasons.map((r) => `listener ${r.listener}: ${r.reason}`).join('; ')})`);
        else for (const r of reasons) refusals.push({ route, parentRef: index, listener: r.listener, reason: `listener ${r.listener} of Gateway ${gateway} does not accept it: ${r.reason}` });
      });
    }
    this.attachments = attachments;
    this.refusals = refusals;
  }

  /** Whether a Service absent from the objects is missing (see ServiceLookupOptions) rather than assumed. */
  absentIsMissing(namespace: string, options: ServiceLookupOptions = {}): boolean {
    return (options.absentServices ?? (this.described.has(namespace) ? 'missing' : 'assumed')) === 'missing';
  }

  serviceOf(namespace: string, name: string): Stored | undefined {
    return this.services.get(`${namespace}/${name}`);
  }

  /** The Service ports as declared (number, name). */
  portsOf(namespace: string, name: string): { number: number; name?: string }[] | undefined {
    const svc = this.services.get(`${namespace}/${name}`);
    if (!svc) return undefined;
    const ports = ((svc.object.spec ?? {}) as { ports?: { port?: number; name?: string }[] }).ports ?? [];
    return ports.filter((p) => typeof p.port === 'number').map((p) => ({ number: p.port!, ...(p.name !== undefined ? { name: p.name } : {}) }));
  }

  /** ReferenceGrant: may an object of `fromKind` in `fromNamespace` refer to Service `name` in `toNamespace`? */
  granted(fromKind: string, fromNamespace: string, toNamespace: string, name: string): boolean {
    return this.grants.some(
      (g) =>
        g.namespace === toNamespace &&
        (g.spec.from ?? []).some((f) => (f.group ?? '') === GATEWAY_API_GROUP && f.kind === fromKind && f.namespace === fromNamespace) &&
        (g.spec.to ?? []).some((t) => (t.group ?? '') === '' && t.kind === 'Service' && (t.name === undefined || t.name === '' || t.name === name)),
    );
  }

  /**
   * A backendRef (or a mirror's) resolved as the implementation would: the Service, or why it is invalid.
   * `meshParent`: the namespace of the Service parent a mesh request came through (GAMMA), whose Services a route
   * may name without a ReferenceGrant.
   */
  resolveBackend(route: ModelHttpRoute, ref: BackendObjectReference, options: ServiceLookupOptions = {}, meshParent?: string): ResolvedBackend {
    const namespace = ref.namespace ?? route.namespace;
    const base = { ref, name: ref.name, namespace, host: `${ref.name}.${namespace}.svc.${CLUSTER_DOMAIN}`, ...(ref.port !== undefined ? { port: ref.port } : {}) };
    const group = ref.group ?? '';
    const kind = ref.kind ?? 'Service';
    if (!((group === '' || group === 'core') && kind === 'Service'))
      return { ...base, problem: `backendRef kind ${group || 'core'}/${kind} is not a Service (InvalidKind; the model reads Services only)` };
    // GEP-1426: a mesh route may name the Services of its parent's namespace without a ReferenceGrant.
    if (namespace !== route.namespace && namespace !== meshParent && !this.granted('HTTPRoute', route.namespace, namespace, ref.name))
      return {
        ...base,
        problem: `backendRef to Service ${namespace}/${ref.name} from HTTPRoute ${route.ref} in another namespace has no ReferenceGrant in ${namespace} allowing it (RefNotPermitted${meshParent !== undefined ? '; Istio accepts it for mesh routes, other meshes do not' : ''})`,
      };
    if (ref.port === undefined) return { ...base, problem: `backendRef to Service ${namespace}/${ref.name} has no port, which a Service reference requires` };
    const ports = this.portsOf(namespace, ref.name);
    if (!ports) {
      if (this.absentIsMissing(namespace, options)) return { ...base, problem: `Service ${namespace}/${ref.name} is not in the input (BackendNotFound)` };
      return { ...base, assumed: true };
    }
    if (!ports.some((p) => p.number === ref.port)) return { ...base, problem: `Service ${namespace}/${ref.name} has no port ${ref.port} (${ports.map((p) => p.number).join(', ') || 'no ports'})` };
    return base;
  }

  private listenerRefuses(
    l: ModelListener,
    allowed: NonNullable<GatewaySpec['listeners']>[number]['allowedRoutes'],
    route: ModelHttpRoute,
  ): string | undefined {
    if (l.protocol !== 'HTTP' && l.protocol !== 'HTTPS') return `its protocol ${l.protocol || '(none)'} does not take HTTPRoutes`;
    const kinds = allowed?.kinds;
    if (kinds && kinds.length > 0 && !kinds.some((k) => (k.group ?? GATEWAY_API_GROUP) === GATEWAY_API_GROUP && k.kind === 'HTTPRoute')) return 'its allowedRoutes.kinds do not include HTTPRoute';
    const [gatewayNamespace] = l.gateway.split('/');
    const from = allowed?.namespaces?.from ?? 'Same';
    if (from === 'All') return undefined;
    if (from === 'Same') return route.namespace === gatewayNamespace ? undefined : `it admits routes of namespace ${gatewayNamespace} only (allowedRoutes.namespaces.from: Same)`;
    if (from === 'Selector') {
      // The API server labels every Namespace with its name (kubernetes.io/metadata.name).
      const labels = { ...(this.namespaceLabels.get(route.namespace) ?? {}), 'kubernetes.io/metadata.name': route.namespace };
      return selects(allowed?.namespaces?.selector, labels)
        ? undefined
        : `its namespace selector does not select namespace ${route.namespace}${this.namespaceLabels.has(route.namespace) ? '' : ' (the Namespace is not in the input: only its name label is known)'}`;
    }
    return `allowedRoutes.namespaces.from ${from} is not a known value`;
  }
}

/**
 * The route order ties are broken in (HTTPRouteRule.Matches): oldest creationTimestamp first, then
 * "namespace/name" alphabetically. Routes without a timestamp (rendered YAML) compare by name only.
 */
export function routeOrder(a: ModelHttpRoute, b: ModelHttpRoute): number {
  const ta = a.creationTimestamp;
  const tb = b.creationTimestamp;
  if (ta !== undefined && tb !== undefined && ta !== tb) {
    const da = Date.parse(ta);
    const db = Date.parse(tb);
    if (!Number.isNaN(da) && !Number.isNaN(db) && da !== db) return da - db;
  }
  return a.ref < b.ref ? -1 : a.ref > b.ref ? 1 : 0;
}

/** Whether a hostname pattern (exact, or `*.` + suffix of one or more labels) matches a host. */
export function hostnameMatches(pattern: string, host: string): boolean {
  const p = pattern.toLowerCase();
  const h = host.toLowerCase();
  if (p.startsWith('*.')) return h.endsWith(p.slice(1)) && h.length > p.length - 1;
  return p === h;
}

/**
 * The route's hostnames as a listener serves them (HTTPRouteSpec.Hostnames): all of them when the listener has
 * none; else each route hostname the listener's matches, or the listener's own when the route's wildcard covers
 * it. Empty means any host; undefined means no intersection (the route is not accepted there).
 */
export function intersectHostnames(listener: string | undefined, route: readonly string[]): string[] | undefined {
  const names = route.map((h) => h.toLowerCase());
  if (listener === undefined) return names;
  if (names.length === 0) return [listener];
  const out: string[] = [];
  for (const h of names) {
    if (hostnameMatches(listener, h) || h === listener) out.push(h);
    else if (hostnameMatches(h, listener.startsWith('*.') ? `x${listener.slice(1)}` : listener) && (!listener.startsWith('*.') || listener.length >= h.length)) out.push(listener);
  }
  const unique = [...new Set(out)];
  return unique.length > 0 ? unique : undefined;
}

function selects(selector: LabelSelector | undefined, labels: Readonly<Record<string, string>>): boolean {
  if (!selector) return true;
  for (const [k, v] of Object.entries(selector.matchLabels ?? {})) if (labels[k] !== v) return false;
  for (const e of selector.matchExpressions ?? []) {
    const has = Object.prototype.hasOwnProperty.call(labels, e.key);
    const value = labels[e.key];
    const values = e.values ?? [];
    if (e.operator === 'In' && !(has && values.includes(value!))) return false;
    if (e.operator === 'NotIn' && has && values.includes(value!)) return false;
    if (e.operator === 'Exists' && !has) return false;
    if (e.operator === 'DoesNotExist' && has) return false;
  }
  return true;
}
