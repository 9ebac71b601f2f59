/**
 * Istio's view of an object set, read the way istiod reads it (pilot/pkg/model at 1.30.3):
 * - hosts qualified with ResolveShortnameToFQDN: a name without a dot is `<name>.<object namespace>.svc.cluster.local`;
 *   a dotted name, `*` and an IP stay as written (virtualservice.go, ResolveVirtualServiceShortnames);
 * - `exportTo` visibility per caller namespace (`*` by default, `.` its own namespace, `~` nobody);
 * - VirtualServices in istiod's order: private to the caller's namespace, then exported to it, then public, each by
 *   creation time — objects applied together share a creation second, so by name, then namespace
 *   (push_context.go VirtualServicesForGateway, SelectVirtualServices; config.go sortConfigByCreationTime);
 * - delegates merged into their root's routes (virtualservice.go MergeHTTPRoutes: matches combined, a conflicting
 *   delegate route dropped, the root's fault/mirror/headers/timeout/retries inherited where the delegate has none);
 * - DestinationRules of one host merged per namespace (subsets unique, first policy wins), looked up as
 *   push_context.go destinationRule does: caller's namespace, then the service's, then the root namespace.
 */
import { ISTIO_GROUP, type ObjectSet, type Stored } from './object-set';
import type {
  Destination,
  DestinationRuleSpec,
  GatewayServer,
  GatewaySpec,
  HttpMatch,
  HttpRoute,
  L4Route,
  ServiceEntrySpec,
  ServiceSpec,
  StringMatch,
  Subset,
  VirtualServiceSpec,
} from './istio-types';

export const ROOT_NAMESPACE = 'istio-system';
const CLUSTER_DOMAIN = 'cluster.local';

/** Istio's ResolveShortnameToFQDN. */
export function resolveShortname(host: string, namespace: string): string {
  if (host === '' || host === '*' || host.includes('.') || host.includes(':')) return host;
  return `${host}.${namespace}.svc.${CLUSTER_DOMAIN}`;
}

/** A gateway reference as Istio resolves it: `name` means the VirtualService's namespace. */
export function resolveGateway(ref: string, namespace: string): string {
  if (ref === 'mesh' || ref.includes('/')) return ref;
  // `name.namespace` (the old form) is read by istiod as the namespace after the dot.
  const dot = ref.indexOf('.');
  return dot > 0 ? `${ref.slice(dot + 1)}/${ref.slice(0, dot)}` : `${namespace}/${ref}`;
}

/** How specifically `pattern` matches `host`: 0 none, exact highest, then longer wildcard suffixes. */
export function hostSpecificity(pattern: string, host: string): number {
  const p = pattern.toLowerCase();
  const h = host.toLowerCase();
  if (p === h) return 1_000_000;
  if (p === '*') return 1;
  if (p.startsWith('*')) {
    const suffix = p.slice(1);
    return h.endsWith(suffix) && h.length > suffix.length ? 1 + suffix.length : 0;
  }
  return 0;
}

/** Istio's exportTo: 0 private to the caller's namespace, 1 exported to it by name, 2 public, undefined hidden. */
export function visibility(exportTo: readonly string[] | undefined, namespace: string, caller: string): 0 | 1 | 2 | undefined {
  const list = exportTo && exportTo.length > 0 ? exportTo : ['*'];
  if (list.includes('*')) return 2;
  if (list.includes('~')) return undefined;
  if (caller === namespace && list.includes('.')) return 0;
  if (list.includes(caller)) return 1;
  return undefined;
}

/** A route of a VirtualService, with where it came from (the root's route and, for delegates, the delegate's). */
export interface ModelHttpRoute {
  readonly route: HttpRoute;
  /** Index in the root VirtualService's `http`. */
  readonly index: number;
  /** The delegate VirtualService this route comes from, and its index there. */
  readonly delegate?: { readonly ref: string; readonly index: number };
}

export interface ModelVirtualService {
  readonly stored: Stored;
  readonly ref: string;
  readonly namespace: string;
  /** Hosts as Istio qualifies them. */
  readonly hosts: readonly string[];
  /** Gateways resolved to "namespace/name", or "mesh". */
  readonly gateways: readonly string[];
  readonly exportTo?: readonly string[];
  readonly http: readonly ModelHttpRoute[];
  readonly tcp: readonly L4Route[];
  readonly tls: readonly L4Route[];
  /** A VirtualService without hosts is a delegate: it applies only through a root's `delegate`. */
  readonly isDelegate: boolean;
  /** Problems met while reading it (a missing delegate, a conflicting delegate route). */
  readonly problems: readonly string[];
}

export interface ConsolidatedDestinationRule {
  readonly host: string;
  readonly namespace: string;
  readonly subsets: ReadonlyMap<string, Subset>;
  readonly trafficPolicy?: unknown;
  readonly sources: readonly Stored[];
}

export interface ModelGateway {
  readonly stored: Stored;
  readonly ref: string;
  readonly servers: readonly GatewayServer[];
}

export class IstioModel {
  readonly virtualServices: readonly ModelVirtualService[];
  readonly gateways: ReadonlyMap<string, ModelGateway>;
  /** VirtualServices by "namespace/name". */
  readonly byRef: ReadonlyMap<string, ModelVirtualService>;
  readonly notes: string[] = [];
  private readonly drByNamespace = new Map<string, Map<string, ConsolidatedDestinationRule>>();
  private readonly serviceEntries: Stored[];
  private readonly services = new Map<string, Stored>();
  /** Whether the set holds Kubernetes Services at all (if not, `*.svc.cluster.local` hosts are assumed to exist). */
  readonly hasServices: boolean;
  private readonly vsByHost = new Map<string, ModelVirtualService[]>();
  private readonly wildcardVs: ModelVirtualService[] = [];
  private readonly entriesByHost = new Map<string, Stored[]>();
  private readonly wildcardEntries: Stored[] = [];
  private readonly wildcardDrs = new Map<string, ConsolidatedDestinationRule[]>();
  private readonly drsByHost = new Map<string, ConsolidatedDestinationRule[]>();
  private readonly namespaces: ReadonlySet<string>;
  private readonly allDrsByHost = new Map<string, readonly ConsolidatedDestinationRule[]>();
  /** destinationRuleFor's answers, by caller namespace, then host. */
  private readonly drFor = new Map<string, Map<string, ConsolidatedDestinationRule | undefined>>();

  constructor(readonly set: ObjectSet) {
    const stored = sortByCreation(set.kind('VirtualService').filter((s) => s.group === ISTIO_GROUP));
    const raw = stored.map((s) => readVirtualService(s));
    const byRef = new Map(raw.map((v) => [v.ref, v]));
    this.virtualServices = raw.map((v) => expandDelegates(v, byRef));
    this.byRef = new Map(this.virtualServices.map((v) => [v.ref, v]));
    indexVirtualServices(this.virtualServices, this.vsByHost, this.wildcardVs);
    this.gateways = new Map(
      set.kind('Gateway').filter((s) => s.group === ISTIO_GROUP).map((s) => {
        const ref = `${s.namespace}/${s.name}`;
        return [ref, { stored: s, ref, servers: ((s.object.spec ?? {}) as GatewaySpec).servers ?? [] }];
      }),
    );
    mergeDestinationRules(sortByCreation(set.kind('DestinationRule').filter((x) => x.group === ISTIO_GROUP)), this.drByNamespace);
    indexDestinationRules(this.drByNamespace, this.drsByHost, this.wildcardDrs);
    this.namespaces = new Set(set.all.map((s) => s.namespace));
    this.serviceEntries = sortByCreation(set.kind('ServiceEntry').filter((s) => s.group === ISTIO_GROUP));
    for (const se of this.serviceEntries) {
      const hosts = ((se.object.spec ?? {}) as ServiceEntrySpec).hosts ?? [];
      if (hosts.some((h) => h.startsWith('*'))) this.wildcardEntries.push(se);
      for (const h of hosts) {
        const list = this.entriesByHost.get(h.toLowerCase()) ?? [];
        list.push(se);
        this.entriesByHost.set(h.toLowerCase(), list);
      }
    }
    const services = set.kind('Service').filter((s) => s.group === '');
    this.hasServices = services.length > 0;
    for (const s of services) this.services.set(`${s.name}.${s.namespace}.svc.${CLUSTER_DOMAIN}`.toLowerCase(), s);
  }

  /**
   * The VirtualService a proxy uses for `host`: among those bound to `gateway` and visible to `callerNamespace`,
   * in istiod's order, the first with the host exactly, else the most specific wildcard.
   */
  virtualServiceFor(gateway: string, callerNamespace: string, host: string): ModelVirtualService | undefined {
    const bound = (vs: ModelVirtualService) => vs.gateways.includes(gateway) && !vs.isDelegate;
    const exact = this.ordered((this.vsByHost.get(host.toLowerCase()) ?? []).filter(bound), callerNamespace);
    if (exact.length > 0) return exact[0];
    let best: { vs: ModelVirtualService; score: number } | undefined;
    for (const vs of this.ordered(this.wildcardVs.filter(bound), callerNamespace)) {
      const score = Math.max(0, ...vs.hosts.map((h) => (h.startsWith('*') ? hostSpecificity(h, host) : 0)));
      if (score > 0 && (!best || score > best.score)) best = { vs, score };
    }
    return best?.vs;
  }

  /** Every VirtualService bound to `gateway` and visible to `callerNamespace`, in istiod's order. */
  virtualServicesForGateway(gateway: string, callerNamespace: string): ModelVirtualService[] {
    return this.ordered(this.virtualServices.filter((vs) => !vs.isDelegate && vs.gateways.includes(gateway)), callerNamespace);
  }

  /** VirtualServices visible to a namespace, private first, then exported to it, then public (each keeps creation order). */
  ordered(list: readonly ModelVirtualService[], callerNamespace: string): ModelVirtualService[] {
    const classes: ModelVirtualService[][] = [[], [], []];
    for (const vs of list) {
      const v = visibility(vs.exportTo, vs.namespace, callerNamespace);
      if (v !== undefined) classes[v]!.push(vs);
    }
    return classes.flat();
  }

  /** The merged DestinationRule a proxy in `callerNamespace` uses for `host` (push_context.go destinationRule). */
  destinationRuleFor(callerNamespace: string, host: string): ConsolidatedDestinationRule | undefined {
    // Asked for every route of every request and rule: answered once per caller namespace and host.
    let byHost = this.drFor.get(callerNamespace);
    if (byHost === undefined) this.drFor.set(callerNamespace, (byHost = new Map()));
    if (byHost.has(host)) return byHost.get(host);
    const found = this.findDestinationRule(callerNamespace, host);
    byHost.set(host, found);
    return found;
  }

  private findDestinationRule(callerNamespace: string, host: string): ConsolidatedDestinationRule | undefined {
    const lookup = (namespace: string): ConsolidatedDestinationRule | undefined => {
      const byHost = this.drByNamespace.get(namespace);
      if (!byHost) return undefined;
      const visible = (dr: ConsolidatedDestinationRule) => visibility(((dr.sources[0]!.object.spec ?? {}) as DestinationRuleSpec).exportTo, namespace, callerNamespace) !== undefined;
      // The exact host first (an index lookup), then the most specific wildcard (MostSpecificHostMatch).
      const exact = byHost.get(host) ?? byHost.get(host.toLowerCase());
      if (exact && visible(exact)) return exact;
      let best: { dr: ConsolidatedDestinationRule; score: number } | undefined;
      for (const dr of this.wildcardDrs.get(namespace) ?? []) {
        const score = hostSpecificity(dr.host, host);
        if (score > 0 && visible(dr) && (!best || score > best.score)) best = { dr, score };
      }
      return best?.dr;
    };
    const serviceNamespace = /^[^.]+\.([^.]+)\.svc\./.exec(host)?.[1] ?? this.entryNamespace(host);
    return (
      lookup(callerNamespace) ??
      (serviceNamespace !== undefined && serviceNamespace !== callerNamespace ? lookup(serviceNamespace) : undefined) ??
      (callerNamespace !== ROOT_NAMESPACE ? lookup(ROOT_NAMESPACE) : undefined)
    );
  }

  /** Subsets any DestinationRule defines for a host, wherever it lives (for checks that do not know the caller). */
  allDestinationRules(host: string): readonly ConsolidatedDestinationRule[] {
    // Asked once per destination of every route: computed once per host (the model never changes).
    let out = this.allDrsByHost.get(host);
    if (out === undefined) {
      const found = [...(this.drsByHost.get(host.toLowerCase()) ?? [])];
      for (const list of this.wildcardDrs.values()) for (const dr of list) if (hostSpecificity(dr.host, host) > 0) found.push(dr);
      this.allDrsByHost.set(host, (out = found));
    }
    return out;
  }

  /** The ServiceEntry visible to `callerNamespace` that declares `host` (exact first, then wildcards). */
  serviceEntryFor(callerNamespace: string, host: string): Stored | undefined {
    const visible = (se: Stored) => visibility(((se.object.spec ?? {}) as ServiceEntrySpec).exportTo, se.namespace, callerNamespace) !== undefined;
    const exact = (this.entriesByHost.get(host.toLowerCase()) ?? []).find(visible);
    if (exact) return exact;
    let best: { se: Stored; score: number } | undefined;
    for (const se of this.wildcardEntries) {
      if (!visible(se)) continue;
      for (const h of ((se.object.spec ?? {}) as ServiceEntrySpec).hosts ?? []) {
        const score = h.startsWith('*') ? hostSpecificity(h, host) : 0;
        if (score > 0 && (!best || score > best.score)) best = { se, score };
      }
    }
    return best?.se;
  }

  /** The Kubernetes Service behind a `*.svc.cluster.local` host, when the set holds it. */
  serviceFor(host: string): Stored | undefined {
    return this.services.get(host.toLowerCase());
  }

  /** Ports of the service behind a host (Kubernetes Service or ServiceEntry), when known. */
  portsOf(callerNamespace: string, host: string): { number: number; protocol?: string; name?: string }[] | undefined {
    const svc = this.serviceFor(host);
    if (svc) return (((svc.object.spec ?? {}) as ServiceSpec).ports ?? []).map((p) => ({ number: p.port, ...(p.name !== undefined ? { name: p.name } : {}), ...(p.appProtocol !== undefined ? { protocol: p.appProtocol } : {}) }));
    const se = this.serviceEntryFor(callerNamespace, host);
    if (se) return (((se.object.spec ?? {}) as ServiceEntrySpec).ports ?? []).map((p) => ({ number: p.number, ...(p.name !== undefined ? { name: p.name } : {}), ...(p.protocol !== undefined ? { protocol: p.protocol } : {}) }));
    return undefined;
  }

  /** Whether any object of the set lives in `namespace` (a two-label mesh name `svc.ns` then means a Service). */
  knowsNamespace(namespace: string): boolean {
    return this.namespaces.has(namespace);
  }

  private entryNamespace(host: string): string | undefined {
    return this.entriesByHost.get(host.toLowerCase())?.[0]?.namespace;
  }
}


// The loops below run once per object of a large release: each is a small function of its own, so that the
// optimising compiler compiles it rather than the whole constructor (see mergeDestinationRules).

function indexVirtualServices(virtualServices: readonly ModelVirtualService[], vsByHost: Map<string, ModelVirtualService[]>, wildcardVs: ModelVirtualService[]): void {
  for (const vs of virtualServices) {
    for (const host of new Set(vs.hosts.map((h) => h.toLowerCase()))) {
      if (host.startsWith('*')) {
        if (!wildcardVs.includes(vs)) wildcardVs.push(vs);
        continue;
      }
      const list = vsByHost.get(host) ?? [];
      list.push(vs);
      vsByHost.set(host, list);
    }
  }
}

function indexDestinationRules(drByNamespace: ReadonlyMap<string, ReadonlyMap<string, ConsolidatedDestinationRule>>, drsByHost: Map<string, ConsolidatedDestinationRule[]>, wildcardDrs: Map<string, ConsolidatedDestinationRule[]>): void {
  for (const [namespace, byHost] of drByNamespace) {
    for (const dr of byHost.values()) {
      if (dr.host.startsWith('*')) wildcardDrs.set(namespace, [...(wildcardDrs.get(namespace) ?? []), dr]);
      else {
        const list = drsByHost.get(dr.host.toLowerCase()) ?? [];
        list.push(dr);
        drsByHost.set(dr.host.toLowerCase(), list);
      }
    }
  }
}

/**
 * DestinationRules of one host merged per namespace, in creation order. Its own function, not a loop of the
 * constructor: the loop runs once per rule (tens of thousands for a large release), and the optimising compiler
 * then compiles this small function instead of the whole constructor (measured: --trace-opt, 60 ms of compile
 * time for the constructor, run once).
 */
function mergeDestinationRules(rules: readonly Stored[], drByNamespace: Map<string, Map<string, ConsolidatedDestinationRule>>): void {
  for (const s of rules) {
    const spec = (s.object.spec ?? {}) as DestinationRuleSpec;
    const host = resolveShortname(spec.host ?? '', s.namespace);
    let byHost = drByNamespace.get(s.namespace);
    if (byHost === undefined) drByNamespace.set(s.namespace, (byHost = new Map()));
    const existing = byHost.get(host) as { subsets: Map<string, Subset>; sources: Stored[] } | undefined;
    // Merged in place (built here, read-only afterwards): copying per rule was quadratic in rules per host.
    if (existing === undefined) {
      const subsets = new Map<string, Subset>();
      for (const subset of spec.subsets ?? []) if (!subsets.has(subset.name)) subsets.set(subset.name, subset);
      byHost.set(host, { host, namespace: s.namespace, subsets, ...(spec.trafficPolicy !== undefined ? { trafficPolicy: spec.trafficPolicy } : {}), sources: [s] });
    } else {
      for (const subset of spec.subsets ?? []) if (!existing.subsets.has(subset.name)) existing.subsets.set(subset.name, subset);
      existing.sources.push(s);
      // The first rule's trafficPolicy wins; a later one's applies when the earlier rules have none.
      if (byHost.get(host)!.trafficPolicy === undefined && spec.trafficPolicy !== undefined)
        byHost.set(host, { host, namespace: s.namespace, subsets: existing.subsets, trafficPolicy: spec.trafficPolicy, sources: existing.sources });
    }
  }
}

/**
 * istiod's order of configs (pilot/pkg/model/config.go configCompareByCreationTime): creationTimestamp, then
 * name, then namespace. Objects read from YAML rarely carry a timestamp (Go's zero time: before any other);
 * `kubectl get -o yaml` output does, and then the older object wins a conflict whatever its name.
 */
function sortByCreation(list: readonly Stored[]): Stored[] {
  const created = (s: Stored): number => {
    const stamp = (s.object.metadata as { creationTimestamp?: unknown } | undefined)?.creationTimestamp;
    const ms = typeof stamp === 'string' ? Date.parse(stamp) : NaN;
    return Number.isNaN(ms) ? Number.NEGATIVE_INFINITY : ms;
  };
  const order = (a: Stored, b: Stored) => {
    const ta = created(a);
    const tb = created(b);
    if (ta !== tb) return ta < tb ? -1 : 1;
    return a.name < b.name ? -1 : a.name > b.name ? 1 : a.namespace < b.namespace ? -1 : a.namespace > b.namespace ? 1 : 0;
  };
  // Rendered output is mostly in this order already: one linear pass instead of a sort (Array.sort is stable,
  // so a sorted list is its own result).
  let sorted = true;
  for (let i = 1; i < list.length && sorted; i++) sorted = order(list[i - 1]!, list[i]!) <= 0;
  return sorted ? [...list] : [...list].sort(order);
}

function readVirtualService(s: Stored): ModelVirtualService {
  const spec = (s.object.spec ?? {}) as VirtualServiceSpec;
  const hosts = (spec.hosts ?? []).map((h) => resolveShortname(h, s.namespace));
  return {
    stored: s,
    ref: `${s.namespace}/${s.name}`,
    namespace: s.namespace,
    hosts,
    gateways: (spec.gateways && spec.gateways.length > 0 ? spec.gateways : ['mesh']).map((g) => resolveGateway(g, s.namespace)),
    ...(spec.exportTo ? { exportTo: spec.exportTo } : {}),
    http: (spec.http ?? []).map((route, index) => ({ route, index })),
    tcp: spec.tcp ?? [],
    tls: spec.tls ?? [],
    isDelegate: hosts.length === 0,
    problems: [],
  };
}

/** Routes with `delegate` replaced by the delegate's routes, merged as istiod merges them. */
function expandDelegates(vs: ModelVirtualService, byRef: ReadonlyMap<string, ModelVirtualService>): ModelVirtualService {
  if (!vs.http.some((r) => r.route.delegate)) return vs;
  const problems: string[] = [];
  const http: ModelHttpRoute[] = [];
  for (const r of vs.http) {
    const d = r.route.delegate;
    if (!d) {
      http.push(r);
      continue;
    }
    const ref = `${d.namespace ?? vs.namespace}/${d.name}`;
    const delegate = byRef.get(ref);
    if (!delegate || !delegate.isDelegate || visibility(delegate.exportTo, delegate.namespace, vs.namespace) === undefined) {
      problems.push(`route ${r.route.name ?? `#${r.index}`} delegates to VirtualService ${ref}, which ${!delegate ? 'does not exist' : delegate.isDelegate ? 'is not exported to this namespace' : 'has hosts (a delegate must have none)'}; the route is dropped.`);
      continue;
    }
    delegate.http.forEach((sub, index) => {
      const merged = mergeRoute(r.route, delegate.namespace === vs.namespace ? sub.route : qualifiedHosts(sub.route, delegate.namespace));
      if (merged) http.push({ route: merged, index: r.index, delegate: { ref, index } });
      else problems.push(`route ${r.route.name ?? `#${r.index}`}: route ${sub.route.name ?? `#${index}`} of delegate ${ref} conflicts with the root's match and is dropped, as istiod drops it.`);
    });
  }
  return { ...vs, http, problems };
}

/**
 * A delegate's short destination hosts name services of the delegate's own namespace: istiod qualifies every
 * VirtualService's short hosts with its own namespace before it merges a delegate into its root
 * (pilot/pkg/model/virtualservice_controller.go: ResolveVirtualServiceShortnames on the delegate's config).
 * Written out here, so that later readers, which qualify with the root's namespace, cannot misread them.
 */
function qualifiedHosts(route: HttpRoute, namespace: string): HttpRoute {
  const destination = <T extends { destination?: Destination }>(d: T): T =>
    d?.destination && typeof d.destination.host === 'string' ? { ...d, destination: { ...d.destination, host: resolveShortname(d.destination.host, namespace) } } : d;
  return {
    ...route,
    ...(Array.isArray(route.route) ? { route: route.route.map(destination) } : {}),
    ...(route.mirror && typeof route.mirror.host === 'string' ? { mirror: { ...route.mirror, host: resolveShortname(route.mirror.host, namespace) } } : {}),
    ...(Array.isArray(route.mirrors) ? { mirrors: route.mirrors.map(destination) } : {}),
  };
}

function mergeRoute(root: HttpRoute, sub: HttpRoute): HttpRoute | undefined {
  const match = mergeMatches(root.match ?? [], sub.match ?? []);
  if (match === undefined) return undefined;
  const inherit = <K extends keyof HttpRoute>(k: K) => (sub[k] === undefined && root[k] !== undefined ? { [k]: root[k] } : {});
  const name = sub.name === undefined ? root.name : root.name !== undefined ? `${root.name}-${sub.name}` : sub.name;
  const { delegate: _ignored, ...rest } = sub;
  void _ignored;
  return {
    ...rest,
    ...(name !== undefined ? { name } : {}),
    ...(match.length > 0 ? { match } : {}),
    ...inherit('rewrite'),
    ...inherit('directResponse'),
    ...inherit('timeout'),
    ...inherit('retries'),
    ...inherit('fault'),
    ...inherit('mirror'),
    ...inherit('mirrorPercentage'),
    ...inherit('mirrors'),
    ...inherit('headers'),
  };
}

/** Each delegate match combined with every root match it does not conflict with; undefined on conflict. */
function mergeMatches(root: readonly HttpMatch[], sub: readonly HttpMatch[]): HttpMatch[] | undefined {
  if (root.length === 0) return [...sub];
  if (sub.length === 0) return [...root];
  const out: HttpMatch[] = [];
  for (const leaf of sub) {
    let found = false;
    for (const r of root) {
      if (matchConflict(r, leaf)) continue;
      out.push(mergeMatch(r, leaf));
      found = true;
    }
    if (!found) return undefined;
  }
  return out.length > 0 ? out : undefined;
}

function mergeMatch(root: HttpMatch, leaf: HttpMatch): HttpMatch {
  const pick = <K extends keyof HttpMatch>(k: K) => (leaf[k] !== undefined ? { [k]: leaf[k] } : root[k] !== undefined ? { [k]: root[k] } : {});
  const maps = <K extends 'headers' | 'withoutHeaders' | 'queryParams'>(k: K) =>
    root[k] || leaf[k] ? { [k]: { ...(root[k] ?? {}), ...(leaf[k] ?? {}) } } : {};
  const labels = !Array.isArray(root.sourceLabels) && !Array.isArray(leaf.sourceLabels) && (root.sourceLabels || leaf.sourceLabels)
    ? { sourceLabels: { ...((root.sourceLabels as Record<string, string>) ?? {}), ...((leaf.sourceLabels as Record<string, string>) ?? {}) } }
    : pick('sourceLabels');
  return {
    ...leaf,
    ...pick('uri'),
    ...pick('scheme'),
    ...pick('method'),
    ...pick('authority'),
    ...maps('headers'),
    ...maps('withoutHeaders'),
    ...maps('queryParams'),
    ...(leaf.port ? {} : root.port ? { port: root.port } : {}),
    ...labels,
    ...pick('sourceNamespace'),
    ...(leaf.gateways && leaf.gateways.length > 0 ? {} : root.gateways ? { gateways: root.gateways } : {}),
  };
}

function matchConflict(root: HttpMatch, leaf: HttpMatch): boolean {
  for (const k of ['uri', 'scheme', 'method', 'authority'] as const) if (stringConflict(root[k], leaf[k])) return true;
  for (const k of ['headers', 'withoutHeaders', 'queryParams'] as const)
    for (const [name, m] of Object.entries(leaf[k] ?? {})) if (stringConflict(root[k]?.[name], m)) return true;
  if ((root.ignoreUriCase ?? false) !== (leaf.ignoreUriCase ?? false)) return true;
  if (root.port && leaf.port && root.port !== leaf.port) return true;
  if (root.sourceNamespace && leaf.sourceNamespace !== root.sourceNamespace) return true;
  if (!Array.isArray(root.sourceLabels) && !Array.isArray(leaf.sourceLabels))
    for (const [k, v] of Object.entries((leaf.sourceLabels as Record<string, string> | undefined) ?? {}))
      if ((root.sourceLabels as Record<string, string> | undefined)?.[k] !== undefined && (root.sourceLabels as Record<string, string>)[k] !== v) return true;
  if (root.gateways && root.gateways.length > 0 && leaf.gateways && leaf.gateways.length > 0 && leaf.gateways.some((g) => !root.gateways!.includes(g))) return true;
  return false;
}

function stringConflict(root: StringMatch | undefined, leaf: StringMatch | undefined): boolean {
  if (!root || !leaf) return false;
  if (root.regex) return !!(leaf.regex || leaf.prefix || leaf.exact);
  if (leaf.regex) return !!(root.regex || root.prefix || root.exact);
  if (root.exact) return !!leaf.prefix || leaf.exact !== root.exact;
  if (root.prefix) {
    if (leaf.prefix) return !leaf.prefix.startsWith(root.prefix);
    if (leaf.exact) return !leaf.exact.startsWith(root.prefix);
  }
  return true;
}

export type { Stored };
