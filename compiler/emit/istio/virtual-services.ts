/**
 * VirtualServices: one per service host for the mesh (lane routes, then the catch-all), and one for the
 * gateway entry. Fallback chains were resolved by normalize; here they are only written down, with the
 * fewest routes: lanes that share a destination share a route, and a lane that the catch-all already
 * serves unchanged gets no route at all.
 */
import type { Destination, HeaderCondition, MethodCondition, PathCondition, Plan, PlanRule, PlanService } from '../../plan';
import type { StringMatch } from '../../spec/schema';
import { laneHeaderMatch, laneHeaderValue } from '../../baggage';
import { namesIn } from '../../plan';
import { LANE_HEADER_ANNOTATION } from '../../rules/rule';
import { objectMetadata, type Manifest } from '../manifest';
import { ISTIO_API } from './destination-rules';
import { destination, splitDestinations, laneHeaderOps, type HttpRouteDestination } from './destinations';
import { routeResilience } from './traffic-policy';
import { stickyCookie, stickyRoutes, withSetCookie } from './sticky';

export interface HttpRoute {
  name: string;
  match?: Record<string, unknown>[];
  route: HttpRouteDestination[];
  [extra: string]: unknown;
}

export function virtualServices(plan: Plan): Manifest[] {
  const out = plan.services.map((service) => meshVirtualService(plan, service));
  if (plan.entry.declared && plan.entry.gateway) out.push(gatewayVirtualService(plan));
  return out;
}

/**
 * An entry inside the mesh: each service's rules join that service's own VirtualService (one per host), in
 * place of its catch-all; undefined for a service no mesh entry rule routes to.
 */
export function meshEntryRoutes(plan: Plan, service: PlanService): HttpRoute[] | undefined {
  if (!plan.entry.declared || plan.entry.gateway !== undefined || !namesIn(plan.entry.services).has(service.name)) return undefined;
  return entryRoutes(plan, plan.entry.rules.filter((r) => r.service === service.name), service, false);
}

function meshVirtualService(plan: Plan, service: PlanService): Manifest {
  const resilience = routeResilience(service.resilience);
  const tail: HttpRoute[] = meshEntryRoutes(plan, service) ?? [{ name: service.canary ? 'canary' : 'default', route: catchAll(plan, service), ...resilience }];
  const routes = [...callerRoutes(plan, service), ...laneRoutes(plan, service, tail), ...tail];
  return {
    apiVersion: ISTIO_API,
    kind: 'VirtualService',
    metadata: objectMetadata(plan, service.name, { service: service.name }),
    spec: { hosts: [service.host], http: routes },
  };
}

/**
 * Caller-aware splits first (they are the most specific): requests of a lane from the workloads of another
 * lane (Istio `sourceLabels`, or `sourceNamespace` for a namespace lane), split by weight, lane header kept.
 */
function callerRoutes(plan: Plan, service: PlanService): HttpRoute[] {
  const header = plan.laneHeader;
  // Most plans have no caller splits: said before the filter and map, which run once per service.
  if (header === undefined || plan.callerSplits.length === 0) return [];
  return plan.callerSplits
    .filter((c) => namesIn(c.services).has(service.name))
    .map((c) => {
      const from = plan.lanes.find((l) => l.name === c.from)!;
      const source = from.selector ? { sourceLabels: { ...from.selector } } : { sourceNamespace: from.namespace! };
      return {
        name: `caller-${c.from}-${c.lane}`,
        match: [{ headers: { [header]: laneHeaderMatch(plan, c.lane) }, ...source }],
        route: c.split.map(({ lane, weight }) => ({ destination: destination(service.resolution[lane]!, service, false), ...(c.split.length > 1 ? { weight } : {}) })),
        ...routeResilience(service.resilience),
      };
    });
}

export function gatewayVirtualService(plan: Plan): Manifest {
  const gateway = plan.entry.gateway!;
  const fallback = plan.services.find((s) => s.name === plan.entry.defaultService);
  // The service label names the entry's one service; an entry that fans out to several has none.
  const metadata = objectMetadata(plan, `${plan.release}-entry`, plan.entry.services.length === 1 ? { service: plan.entry.services[0]! } : {});
  return {
    apiVersion: ISTIO_API,
    kind: 'VirtualService',
    // Policies read the lane header from here to check that the edge strips it.
    metadata: plan.laneHeader !== undefined ? { ...metadata, annotations: { [LANE_HEADER_ANNOTATION]: plan.laneHeader } } : metadata,
    spec: {
      hosts: [...plan.entry.hosts],
      gateways: [`${gateway.namespace}/${gateway.name}`],
      http: entryRoutes(plan, plan.entry.rules, fallback, true),
    },
  };
}

/** The canary split, or the baseline. The plain baseline keeps the request's lane header untouched. */
export function catchAll(plan: Plan, service: PlanService): HttpRouteDestination[] {
  if (service.canary) return splitDestinations(plan, service, service.canary, false);
  return [{ destination: destination(service.resolution[plan.baseline]!, service, false) }];
}

/**
 * Entry rules in order (first match wins), each to its own service, ending in a catch-all to the baseline of
 * `fallback` (entry.service); rules after a match-less one are unreachable. Without `fallback` (every rule
 * names its service) requests that match no rule find no route, as at any ingress.
 */
function entryRoutes(plan: Plan, rules: readonly PlanRule[], fallback: PlanService | undefined, atGateway: boolean): HttpRoute[] {
  const routeResilienceOf = (service: PlanService) => routeResilience(plan.entry.resilience ?? (atGateway ? undefined : service.resilience));
  const routes: HttpRoute[] = [];
  for (const rule of rules) {
    const service = plan.services.find((s) => s.name === rule.service)!;
    const match = ruleMatch(rule);
    // Sticky sessions (sticky.ts): the cookie routes first, then the weighted route that sets the cookies.
    const cookie = stickyCookie(plan, rule, plan.entry.rules.indexOf(rule), []);
    if (cookie) routes.push(...stickyRoutes(plan, rule, service, match, cookie, atGateway, routeResilienceOf(service)));
    const split = splitDestinations(plan, service, rule.split, atGateway);
    routes.push({
      name: rule.name,
      ...(match ? { match } : {}),
      route: cookie ? withSetCookie(split, rule, cookie) : split,
      ...routeResilienceOf(service),
    });
    if (!match) return routes;
  }
  if (fallback === undefined) return routes;
  const service = fallback;
  const resilience = routeResilienceOf(service);
  // Requests that match no rule: the baseline, and at the gateway without any lane header the client sent.
  routes.push({
    name: 'default',
    route: [
      {
        destination: destination(service.resolution[plan.baseline]!, service, atGateway),
        ...(atGateway ? laneHeaderOps(plan, plan.baseline) : {}),
      },
    ],
    ...resilience,
  });
  return routes;
}

/**
 * Routes for requests that carry a lane. A lane needs none when the routes after it would send it, as one
 * destination, to the same place and keep its lane header.
 */
function laneRoutes(plan: Plan, service: PlanService, tail: readonly HttpRoute[]): HttpRoute[] {
  const header = plan.laneHeader;
  if (header === undefined) return [];
  const only = tail.length === 1 && tail[0]!.match === undefined && tail[0]!.route.length === 1 ? tail[0]!.route[0]! : undefined;
  const groups = new Map<string, LaneGroup>();
  // Lanes served by one lane share one Destination object (normalize): its group is found by identity, and
  // the host|subset key is built once per Destination, not once per lane.
  const groupOfDestination = new Map<Destination, LaneGroup>();
  for (const lane of plan.lanes) {
    const dest = service.resolution[lane.name]!;
    if (only && sameTarget(only.destination, dest) && keepsLane(only, lane.name, plan, header)) continue;
    let group = groupOfDestination.get(dest);
    if (group === undefined) {
      const key = `${dest.host}|${dest.subset ?? ''}`;
      group = groups.get(key);
      if (group === undefined) {
        group = { lane: dest.lane, lanes: [] };
        groups.set(key, group);
      }
      groupOfDestination.set(dest, group);
    }
    group.lanes.push(lane.name);
  }
  const resilience = routeResilience(service.resilience);
  return [...groups.values()]
    .sort((a, b) => (a.lane < b.lane ? -1 : a.lane > b.lane ? 1 : 0))
    .map((g) => ({
      name: `lane-${g.lane}`,
      match: g.lanes.map((l) => ({ headers: { [header]: laneHeaderMatch(plan, l) } })),
      route: [{ destination: destination(service.resolution[g.lane]!, service, false) }],
      ...resilience,
    }));
}

/** Lanes that one lane route sends to one destination; `lane` is the lane that serves them. */
interface LaneGroup {
  readonly lane: string;
  readonly lanes: string[];
}

function sameTarget(a: HttpRouteDestination['destination'], b: { host: string; subset?: string }): boolean {
  return a.host === b.host && a.subset === b.subset;
}

function keepsLane(d: HttpRouteDestination, lane: string, plan: Plan, header: string): boolean {
  const ops = d.headers?.request;
  if (!ops) return true;
  if (ops.set?.[header] !== undefined) return ops.set[header] === laneHeaderValue(plan, lane);
  return ops.remove?.includes(header) === true ? lane === plan.baseline : true;
}

/**
 * A rule's match blocks (Istio ORs blocks and ANDs the conditions inside one), or undefined for a rule without
 * conditions. A segment prefix needs two blocks — the path itself, and the prefix with its "/" — because
 * Istio gives a VirtualService's `uri.prefix` Envoy's plain string `prefix` (path_separated_prefix only for the
 * objects Istio generates from Kubernetes Ingress and Gateway API: translateRouteMatch in
 * istio/istio pilot/pkg/networking/core/route/route.go), so `prefix: /api` alone would match "/apix".
 */
function ruleMatch(rule: PlanRule): Record<string, unknown>[] | undefined {
  const shared: Record<string, unknown> = {
    ...(rule.method ? { method: methodMatch(rule.method) } : {}),
    ...(rule.port !== undefined ? { port: rule.port } : {}),
    ...(rule.headers.length > 0 ? { headers: conditionMap(rule.headers) } : {}),
    ...(rule.queryParams.length > 0 ? { queryParams: conditionMap(rule.queryParams, true) } : {}),
  };
  const uris = rule.path ? uriMatches(rule.path) : [];
  if (uris.length === 0) return Object.keys(shared).length > 0 ? [shared] : undefined;
  return uris.map((uri) => ({ uri, ...shared }));
}

export function uriMatches(path: PathCondition): StringMatch[] {
  switch (path.kind) {
    case 'exact':
      return [{ exact: path.value }];
    case 'regex':
      return [{ regex: path.value }];
    case 'prefix':
      return path.value === '/' ? [{ prefix: '/' }] : [{ exact: path.value }, { prefix: `${path.value}/` }];
  }
}

/** Envoy matches `:method` as a header: a set of methods becomes one full-match regex alternation. */
function methodMatch(method: MethodCondition): StringMatch {
  if ('pattern' in method) return { ...method.pattern };
  return method.anyOf.length === 1 ? { exact: method.anyOf[0]! } : { regex: method.anyOf.map(escapeRegex).join('|') };
}

/** Istio has no prefix match on query parameters: a prefix becomes the equivalent full-match regex. */
function conditionMap(conditions: readonly HeaderCondition[], noPrefix = false): Record<string, StringMatch> {
  return Object.fromEntries(
    conditions.map(({ name, match }) => [
      name,
      noPrefix && match.prefix !== undefined ? { regex: `${escapeRegex(match.prefix)}.*` } : { ...match },
    ]),
  );
}

export function escapeRegex(text: string): string {
  return text.replace(/[\\^$.*+?()[\]{}|]/g, '\\$&');
}
