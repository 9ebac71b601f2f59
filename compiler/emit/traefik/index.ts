/**
 * Target `traefik` (traefik.io/v1alpha1, or traefik.containo.us for Traefik v2): an IngressRoute with one
 * route per entry rule, explicit priorities (Traefik otherwise orders by rule length), TraefikServices for
 * weighted splits, and Middlewares for anti-spoofing, lane tags and resilience.
 *
 * Direct mode: a lane that is its own Service (serviceName, namespace, or a baseline without selector) is
 * routed to straight. Tag mode: a lane of pod labels is reached through the mesh — the route goes to the
 * entry Service and a Middleware sets the lane header, which the mesh objects (target istio or asm) route by.
 */
import type { Diagnostic } from '../../diagnostics';
import type { Plan, PlanRule, PlanService } from '../../plan';
import { LANE_HEADER_ANNOTATION } from '../../rules/rule';
import { objectMetadata, sortManifests, TRAEFIK_CROSS_NAMESPACE_ANNOTATION, type Emitted, type Manifest } from '../manifest';
import { middlewares } from './middlewares';
import { rateLimitScope } from './rate-limit-scope';
import { MESH_SERVICE_REF, meshHostMiddleware, meshHostName } from './mesh-handover';
import { headerRule, hostRule, methodRule, pathRule, queryRule, type RuleSyntax } from './rule-syntax';
import type { TraefikTls } from '../../spec/schema';

export const TRAEFIK_KIND_ORDER = ['Middleware', 'TraefikService', 'IngressRoute'] as const;
/** Our routes outrank routes with Traefik's default priority (the rule's length) on the same hosts. */
const PRIORITY_BASE = 1000;

interface ServiceRef {
  name: string;
  namespace?: string;
  port: number;
}

export function emitTraefik(plan: Plan): Emitted {
  // Without an entry there is nothing for Traefik to route (check reports target traefik without an entry).
  if (!plan.entry.declared) return { manifests: [], diagnostics: [] };
  const apiVersion = `${plan.entry.traefikApiGroup}/v1alpha1`;
  const syntax: RuleSyntax = plan.entry.traefikApiGroup === 'traefik.containo.us' ? 'v2' : 'v3';
  const diagnostics: Diagnostic[] = [];
  const serviceOf = (rule: PlanRule) => plan.services.find((s) => s.name === rule.service)!;
  const rules = reachableRules(plan.entry.rules);
  // Requests no rule matches go to entry.service's baseline; without entry.service they find no route (404).
  const fallback = plan.entry.defaultService;
  const needsDefault = fallback !== undefined && (rules.length === 0 || hasMatch(rules[rules.length - 1]!));
  const routed: PlanRule[] = [...rules, ...(needsDefault ? [{ name: 'default', service: fallback, headers: [], queryParams: [], split: [{ lane: plan.baseline, weight: 100 }] }] : [])];

  // Decide each route's backend first: it says which lanes need a tagging Middleware.
  const plans = routed.map((rule, i) => backendPlan(plan, serviceOf(rule), rule, i < rules.length ? i : undefined, diagnostics));
  const tagLanes = new Set(plans.flatMap((p) => (p.tag !== undefined && p.tag !== plan.baseline ? [p.tag] : [])));
  const mw = middlewares(plan, apiVersion, tagLanes, diagnostics);
  // Tag mode goes through Traefik's sidecar: one Host middleware per service reached that way (mesh-handover.ts).
  const meshHosts = [...new Map(plans.flatMap((p) => (p.mesh ? [[p.mesh.name, p.mesh] as const] : []))).values()].map((s) => meshHostMiddleware(plan, apiVersion, s));

  const traefikServices: Manifest[] = [];
  const routes = routed.map((rule, i) => {
    const p = plans[i]!;
    const at = ['spec', 'entry', 'rules', i, 'match'];
    const path = rule.path ? pathRule(rule.path, syntax) : undefined;
    if (typeof path === 'object') diagnostics.push(unsupported([...at, 'path'], path.problem, path.hint));
    const method = rule.method ? methodRule(rule.method, syntax) : undefined;
    if (rule.method && method === undefined)
      diagnostics.push(unsupported([...at, 'method'], `Traefik matches methods by name only (Method); rule "${rule.name}" uses a ${'pattern' in rule.method && rule.method.pattern.regex !== undefined ? 'regex' : 'prefix'}.`, 'list the methods, e.g. method: [GET, HEAD]'));
    if (rule.port !== undefined)
      diagnostics.push(unsupported([...at, 'port'], `Traefik rules cannot match on the port (rule "${rule.name}" asks for port ${rule.port}); a port is an entry point of Traefik's static configuration.`, 'remove port and list the entry point in entry.traefik.entryPoints, or use target istio or asm'));
    const conditions = [
      hostRule(plan.entry.hosts),
      ...(typeof path === 'string' ? [path] : []),
      ...(method !== undefined ? [method] : []),
      ...rule.headers.map((c) => headerRule(c, syntax)),
      ...rule.queryParams.map((c) => {
        const q = queryRule(c, syntax);
        if (q === undefined)
          diagnostics.push(unsupported(['spec', 'entry', 'rules', i, 'match', 'queryParams', c.name], `Traefik v2 rule syntax matches query parameters exactly only; "${c.name}" uses ${c.match.regex !== undefined ? 'regex' : 'prefix'}.`, 'use apiGroup traefik.io (Traefik v3), or an exact value'));
        return q ?? 'false';
      }),
    ];
    let services: Record<string, unknown>[];
    if (p.weighted) {
      const name = `${plan.release}-${rule.name}-split`;
      traefikServices.push({
        apiVersion,
        kind: 'TraefikService',
        metadata: objectMetadata(plan, name),
        spec: {
          weighted: {
            services: p.weighted.map(({ ref, weight }) => ({ ...serviceRefSpec(ref), weight })),
            ...(rule.sticky ? { sticky: { cookie: { ...rule.sticky.cookie } } } : {}),
          },
        },
      });
      services = [{ name, kind: 'TraefikService' }];
    } else {
      // A route the target cannot express has an error diagnostic; nothing is emitted then.
      services = p.single ? [{ ...serviceRefSpec(p.single), ...(p.mesh ? MESH_SERVICE_REF : {}) }] : [];
    }
    // The Host is set last, so the rate limit's and the other middlewares' view of the request is the client's.
    const chain = [...mw.chain(p.tag), ...(p.mesh ? [meshHostName(plan, p.mesh)] : [])];
    return {
      kind: 'Rule',
      match: conditions.join(' && '),
      priority: PRIORITY_BASE + routed.length - i,
      ...(chain.length > 0 ? { middlewares: chain.map((name) => ({ name })) } : {}),
      services,
    };
  });

  // The service label names the entry's one service; an entry that fans out to several has none.
  const metadata = objectMetadata(plan, `${plan.release}-entry`, plan.entry.services.length === 1 ? { service: plan.entry.services[0]! } : {});
  const ingressRoute: Manifest = {
    apiVersion,
    kind: 'IngressRoute',
    metadata: annotations(plan, metadata),
    spec: {
      ...(plan.entry.entryPoints.length > 0 ? { entryPoints: [...plan.entry.entryPoints] } : {}),
      routes,
      ...(plan.entry.tls ? { tls: ingressRouteTls(plan.entry.tls) } : {}),
    },
  };
  diagnostics.push(...rateLimitScope(plan, routes.filter((r) => (r.middlewares ?? []).some((m) => m.name === `${plan.release}-ratelimit`)).length));
  const hasErrors = diagnostics.some((d) => d.severity === 'error');
  return {
    manifests: hasErrors ? [] : sortManifests([...mw.manifests, ...meshHosts, ...traefikServices, ingressRoute], TRAEFIK_KIND_ORDER),
    diagnostics,
  };
}

interface BackendPlan {
  /** The lane whose header the route sets (tag mode, or a single lane in direct mode). */
  tag?: string;
  single?: ServiceRef;
  weighted?: { ref: ServiceRef; weight: number }[];
  /** Tag mode: the service whose VirtualService Traefik's sidecar must apply. */
  mesh?: PlanService;
}

function backendPlan(plan: Plan, service: PlanService, rule: PlanRule, index: number | undefined, diagnostics: Diagnostic[]): BackendPlan {
  const at = index === undefined ? ['spec', 'entry', 'rules'] : ['spec', 'entry', 'rules', index];
  const shares = rule.split.map((w) => ({ ...w, dest: service.resolution[w.lane]! }));
  const endpointLane = shares.find((s) => s.dest.kind === 'endpoints');
  if (endpointLane) {
    diagnostics.push(unsupported(at, `Rule "${rule.name}" sends requests to lane "${endpointLane.lane}", whose copy of "${service.name}" is fixed endpoints; Traefik routes to Kubernetes Services only.`, 'run that lane as a Service, or use target istio or asm (ServiceEntry)'));
    return {};
  }
  const labelled = shares.some((s) => s.dest.subset !== undefined);
  if (labelled) {
    // Tag mode: the entry Service, and the mesh behind Traefik picks the pods by the lane header.
    if (plan.laneHeader === undefined) {
      diagnostics.push(unsupported(at, `Rule "${rule.name}" sends requests to pod-label lanes (${shares.map((s) => `"${s.lane}"`).join(', ')}), which Traefik can reach only by tagging requests for a mesh, but the spec has no trafficLabel.header.`, 'add trafficLabel: { header: x-lane } and target istio or asm for the mesh, or give the lanes Services of their own (serviceName)'));
      return {};
    }
    if (shares.length > 1) {
      diagnostics.push(unsupported(at, `Rule "${rule.name}" splits requests by weight between pod-label lanes (${shares.map((s) => `${s.lane} ${s.weight}%`).join(', ')}); Traefik would have to set a different lane header per weighted share, which its middlewares cannot do.`, 'use target istio or asm for this split (the entry VirtualService tags each share), or give the lanes Services of their own (serviceName) for Traefik\'s weighted services'));
      return {};
    }
    return { tag: shares[0]!.lane, single: serviceRef(service.host, service, plan, diagnostics, at), mesh: service };
  }
  if (shares.length === 1) return { tag: shares[0]!.lane, single: serviceRef(shares[0]!.dest.host, service, plan, diagnostics, at) };
  if (plan.laneHeader !== undefined)
    diagnostics.push({ code: 'GL405', severity: 'warning', path: [...at, 'weights'], message: `Traefik cannot tag the weighted shares of rule "${rule.name}" with lane header "${plan.laneHeader}"; each share reaches its lane's Service, but hops behind it see no lane.`, hint: 'use target istio or asm at the entry if the lane must follow the request' });
  return { weighted: shares.map((s) => ({ ref: serviceRef(s.dest.host, service, plan, diagnostics, at), weight: s.weight })) };
}

function serviceRef(host: string, service: PlanService, plan: Plan, diagnostics: Diagnostic[], at: (string | number)[]): ServiceRef {
  const m = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?)\.([a-z0-9]([-a-z0-9]*[a-z0-9])?)\.svc\.cluster\.local$/.exec(host);
  if (!m) {
    diagnostics.push(unsupported(at, `Host "${host}" is not a Kubernetes Service (<name>.<namespace>.svc.cluster.local), so a Traefik route cannot name it.`, 'use a Kubernetes Service host for the entry service'));
    return { name: host, port: service.ports[0]!.number };
  }
  // Traefik refuses a Service in another namespace unless it runs with allowCrossNamespace (default false): the
  // route would be dropped and answer 404 (kubernetes_http.go nameAndService).
  if (m[3] !== plan.namespace && !plan.entry.traefikAllowCrossNamespace)
    diagnostics.push({
      code: 'GL407',
      severity: 'error',
      path: at,
      message: `The route reaches Service ${m[3]}/${m[1]}, in another namespace than the IngressRoute (${plan.namespace}); Traefik drops such routes unless it runs with providers.kubernetesCRD.allowCrossNamespace=true, which is off by default.`,
      hint: 'enable allowCrossNamespace in Traefik and say so with entry.traefik.allowCrossNamespace: true, or give the lane a Service in the release namespace (serviceName)',
    });
  return { name: m[1]!, ...(m[3] !== plan.namespace ? { namespace: m[3]! } : {}), port: service.ports[0]!.number };
}

function serviceRefSpec(ref: ServiceRef): Record<string, unknown> {
  return { name: ref.name, ...(ref.namespace !== undefined ? { namespace: ref.namespace } : {}), port: ref.port };
}

function reachableRules(rules: readonly PlanRule[]): PlanRule[] {
  const catchAll = rules.findIndex((r) => !hasMatch(r));
  return catchAll === -1 ? [...rules] : rules.slice(0, catchAll + 1);
}

function hasMatch(rule: PlanRule): boolean {
  return rule.headers.length > 0 || rule.queryParams.length > 0 || rule.path !== undefined || rule.method !== undefined || rule.port !== undefined;
}

/** The IngressRoute's `spec.tls`, field by field as Traefik's CRD names them (fixed key order). */
function ingressRouteTls(tls: TraefikTls): Record<string, unknown> {
  return {
    ...(tls.secretName !== undefined ? { secretName: tls.secretName } : {}),
    ...(tls.certResolver !== undefined ? { certResolver: tls.certResolver } : {}),
    ...(tls.options ? { options: { name: tls.options.name, ...(tls.options.namespace !== undefined ? { namespace: tls.options.namespace } : {}) } } : {}),
    ...(tls.domains ? { domains: tls.domains.map((d) => ({ ...(d.main !== undefined ? { main: d.main } : {}), ...(d.sans ? { sans: [...d.sans] } : {}) })) } : {}),
  };
}

function unsupported(path: (string | number)[], message: string, hint: string): Diagnostic {
  return { code: 'GL404', severity: 'error', path, message, hint };
}



/** The IngressRoute's annotations: the lane header, and the Traefik setting the routes rely on. */
function annotations(plan: Plan, metadata: Manifest['metadata']): Manifest['metadata'] {
  const a: Record<string, string> = {
    ...(plan.laneHeader !== undefined ? { [LANE_HEADER_ANNOTATION]: plan.laneHeader } : {}),
    ...(plan.entry.traefikAllowCrossNamespace ? { [TRAEFIK_CROSS_NAMESPACE_ANNOTATION]: 'true' } : {}),
  };
  return Object.keys(a).length > 0 ? { ...metadata, annotations: a } : metadata;
}
