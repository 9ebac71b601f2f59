/**
 * HTTPRoutes (gateway.networking.k8s.io/v1): the entry's, attached to the Gateway `entry.gateway`, and one per
 * service port for the mesh (GAMMA, GEP-1426: `parentRefs` is the Service itself). Both are written as the Istio
 * target plans them — lane routes on the lane header, then the entry rules or the catch-all (baseline or canary
 * split) — and then kept in that first-match-wins order under Gateway API's precedence (./precedence.ts).
 *
 * The lane header is written per backendRef (`RequestHeaderModifier`: `set` for a lane's share, `remove` for the
 * baseline's), never by a rule-level filter: Envoy-based implementations apply a backendRef's header operations
 * before the rule's (Istio turns backendRef filters into the weighted destination's `headers` and rule filters
 * into the route's: `buildHTTPDestination` and `convertHTTPRoute` in istio/istio
 * `pilot/pkg/config/kube/gateway/conversion.go`), so a rule-level `remove` would undo every lane.
 */
import type { Diagnostic, SpecPath } from '../../diagnostics';
import type { Plan, PlanRule, PlanService, ServicePort, WeightedLane } from '../../plan';
import { namesIn } from '../../plan';
import type { Resilience } from '../../spec/schema';
import { LANE_HEADER_ANNOTATION } from '../../rules/rule';
import { objectMetadata, type Manifest } from '../manifest';
import { servingService, serviceOfHost, type ServiceRef } from './backends';
import { gatewayDuration } from './durations';
import { CATCH_ALL, matchKey, matchObject, ruleMatches, type GatewayMatch } from './matches';
import { keepFirstMatch, layOut, MAX_BACKEND_REFS, MAX_HOSTNAMES, type OrderedRule } from './precedence';

export const GATEWAY_API = 'gateway.networking.k8s.io/v1';

export interface BackendRef {
  readonly service: ServiceRef;
  readonly port: number;
  readonly weight?: number;
  readonly laneHeader?: { readonly set?: string; readonly remove?: boolean };
}

export interface RuleBody {
  readonly backendRefs: readonly BackendRef[];
  readonly timeouts?: { readonly request?: string; readonly backendRequest?: string };
}

type Report = (d: Diagnostic) => void;

/** Every HTTPRoute of the release, and the Services they name (for ReferenceGrants). */
export function httpRoutes(plan: Plan, report: Report): Manifest[] {
  const out: Manifest[] = [];
  for (const service of plan.services) {
    const parent = serviceOfHost(service.host);
    if (!parent) {
      report({ code: 'GL412', severity: 'error', path: ['spec', 'services', service.name], message: `Service "${service.name}" has host "${service.host}", which is not a Kubernetes Service; a mesh HTTPRoute (GAMMA) attaches to a Service.`, hint: 'use a Kubernetes Service host, or target istio (ServiceEntry hosts)' });
      continue;
    }
    for (const port of service.ports) {
      const rules = meshRules(plan, service, port, report);
      const name = service.ports.length === 1 ? service.name : `${service.name}-${port.number}`;
      out.push(...routesOf(plan, name, rules, [], { group: '', kind: 'Service', name: parent.name, namespace: parent.namespace, port: port.number }, { service: service.name }, report));
    }
  }
  if (plan.entry.declared && plan.entry.gateway) out.push(...entryRoutes(plan, report));
  return out;
}

function entryRoutes(plan: Plan, report: Report): Manifest[] {
  const gateway = plan.entry.gateway!;
  const ordered: OrderedRule<RuleBody>[] = [];
  let caughtAll = false;
  plan.entry.rules.forEach((rule, i) => {
    if (caughtAll) return;
    const service = plan.services.find((s) => s.name === rule.service)!;
    const at: SpecPath = ['spec', 'entry', 'rules', i];
    const r = specRule(plan, rule, service, service.ports[0]!, at, plan.entry.resilience, ['spec', 'entry', 'resilience'], report);
    if (r) {
      ordered.push(r);
      caughtAll = r.matches.some((m) => matchKey(m) === matchKey(CATCH_ALL));
    }
  });
  const fallback = plan.services.find((s) => s.name === plan.entry.defaultService);
  if (fallback && !caughtAll) {
    // Requests no rule matches: the baseline, without any lane header the client sent.
    const body = ruleBody(plan, fallback, fallback.ports[0]!, [{ lane: plan.baseline, weight: 100 }], plan.entry.resilience, ['spec', 'entry', 'resilience'], ['spec', 'entry', 'service'], report);
    if (body) ordered.push({ name: 'default', matches: [CATCH_ALL], outcome: JSON.stringify(body), at: ['spec', 'entry', 'service'], body });
  }
  const parentRef = {
    group: 'gateway.networking.k8s.io',
    kind: 'Gateway',
    name: gateway.name,
    namespace: gateway.namespace,
    ...(plan.entry.gatewayApiSectionName !== undefined ? { sectionName: plan.entry.gatewayApiSectionName } : {}),
    ...(plan.entry.gatewayApiPort !== undefined ? { port: plan.entry.gatewayApiPort } : {}),
  };
  return routesOf(plan, `${plan.release}-entry`, ordered, plan.entry.hosts, parentRef, plan.entry.services.length === 1 ? { service: plan.entry.services[0]! } : {}, report, true);
}

/** The mesh plan of the Istio target for one service port: lane routes, then the entry rules or the catch-all. */
function meshRules(plan: Plan, service: PlanService, port: ServicePort, report: Report): OrderedRule<RuleBody>[] {
  const resilienceAt: SpecPath = ['spec', 'services', service.name, 'resilience'];
  let tail: OrderedRule<RuleBody>[];
  if (plan.entry.declared && plan.entry.gateway === undefined && namesIn(plan.entry.services).has(service.name)) {
    tail = [];
    let caughtAll = false;
    plan.entry.rules.forEach((rule, i) => {
      if (caughtAll || rule.service !== service.name) return;
      const r = specRule(plan, rule, service, port, ['spec', 'entry', 'rules', i], plan.entry.resilience ?? service.resilience, plan.entry.resilience ? ['spec', 'entry', 'resilience'] : resilienceAt, report);
      if (r) {
        tail.push(r);
        caughtAll = r.matches.some((m) => matchKey(m) === matchKey(CATCH_ALL));
      }
    });
    if (!caughtAll) {
      const body = ruleBody(plan, service, port, [{ lane: plan.baseline, weight: 100 }], plan.entry.resilience ?? service.resilience, resilienceAt, ['spec', 'entry', 'service'], report, true);
      if (body) tail.push({ name: 'default', matches: [CATCH_ALL], outcome: JSON.stringify(body), at: ['spec', 'entry'], body });
    }
  } else {
    const split = service.canary ?? [{ lane: plan.baseline, weight: 100 }];
    const body = ruleBody(plan, service, port, split, service.resilience, resilienceAt, service.canary ? ['spec', 'canary', service.name] : ['spec', 'services', service.name], report, service.canary === undefined);
    tail = body ? [{ name: service.canary ? 'canary' : 'default', matches: [CATCH_ALL], outcome: JSON.stringify(body), at: ['spec', 'services', service.name], body }] : [];
  }
  return [...laneRules(plan, service, port, tail, report), ...tail];
}

/**
 * Rules for requests that carry a lane, one per Service reached (its lanes' header values ORed), none for a
 * lane the catch-all already sends, as one backend, to the same Service with its lane header kept.
 */
function laneRules(plan: Plan, service: PlanService, port: ServicePort, tail: readonly OrderedRule<RuleBody>[], report: Report): OrderedRule<RuleBody>[] {
  const header = plan.laneHeader;
  if (header === undefined) return [];
  const only = tail.length === 1 && matchKey(tail[0]!.matches[0]!) === matchKey(CATCH_ALL) && tail[0]!.body.backendRefs.length === 1 ? tail[0]!.body.backendRefs[0]! : undefined;
  const groups = new Map<string, { lane: string; ref: ServiceRef; lanes: string[] }>();
  for (const lane of plan.lanes) {
    const ref = servingService(plan, service, lane.name);
    if ('problem' in ref) {
      report({ code: 'GL412', severity: 'error', path: ['spec', 'lanes', lane.name], message: ref.problem, hint: 'give the lane a Kubernetes Service, or use target istio' });
      continue;
    }
    if (only && sameService(only.service, ref) && keepsLane(only, lane.name, plan.baseline)) continue;
    const key = `${ref.namespace}/${ref.name}`;
    const group = groups.get(key) ?? { lane: service.resolution[lane.name]!.lane, ref, lanes: [] };
    group.lanes.push(lane.name);
    groups.set(key, group);
  }
  const timeouts = timeoutsOf(service.resilience, ['spec', 'services', service.name, 'resilience'], report);
  return [...groups.values()]
    .sort((a, b) => (a.lane < b.lane ? -1 : a.lane > b.lane ? 1 : 0))
    .map((g) => {
      const body: RuleBody = { backendRefs: [{ service: g.ref, port: port.number }], ...(timeouts ? { timeouts } : {}) };
      return {
        name: `lane-${g.lane}`,
        matches: g.lanes.map((l): GatewayMatch => ({ path: CATCH_ALL.path, headers: [{ name: header, type: 'Exact', value: l }], queryParams: [] })),
        outcome: JSON.stringify(body),
        at: ['spec', 'lanes', g.lane],
        body,
      };
    });
}

function sameService(a: ServiceRef, b: ServiceRef): boolean {
  return a.name === b.name && a.namespace === b.namespace;
}

function keepsLane(ref: BackendRef, lane: string, baseline: string): boolean {
  if (ref.laneHeader === undefined) return true;
  if (ref.laneHeader.set !== undefined) return ref.laneHeader.set === lane;
  return ref.laneHeader.remove === true ? lane === baseline : true;
}

function specRule(plan: Plan, rule: PlanRule, service: PlanService, port: ServicePort, at: SpecPath, resilience: Resilience | undefined, resilienceAt: SpecPath, report: Report): OrderedRule<RuleBody> | undefined {
  const { matches, problems } = ruleMatches(rule, [...at, 'match']);
  for (const p of problems) report({ code: 'GL410', severity: 'error', path: p.path, message: p.message, hint: p.hint });
  const body = ruleBody(plan, service, port, rule.split, resilience, resilienceAt, at, report);
  if (!body || problems.length > 0) return undefined;
  return { name: rule.name, matches, outcome: JSON.stringify(body), at, body };
}

/** The backendRefs of a split, each share with its lane header operation; `keep` leaves the header alone. */
function ruleBody(plan: Plan, service: PlanService, port: ServicePort, split: readonly WeightedLane[], resilience: Resilience | undefined, resilienceAt: SpecPath, at: SpecPath, report: Report, keep = false): RuleBody | undefined {
  if (split.length > MAX_BACKEND_REFS) {
    report({ code: 'GL414', severity: 'error', path: at, message: `This split has ${split.length} shares; an HTTPRoute rule holds at most ${MAX_BACKEND_REFS} backendRefs.`, hint: `split among at most ${MAX_BACKEND_REFS} lanes` });
    return undefined;
  }
  const refs: BackendRef[] = [];
  for (const { lane, weight } of split) {
    const ref = servingService(plan, service, lane);
    if ('problem' in ref) {
      report({ code: 'GL412', severity: 'error', path: at, message: ref.problem, hint: 'give the lane a Kubernetes Service, or use target istio' });
      return undefined;
    }
    const header = keep || plan.laneHeader === undefined ? undefined : lane === plan.baseline ? { remove: true } : { set: lane };
    refs.push({ service: ref, port: port.number, ...(split.length > 1 ? { weight } : {}), ...(header ? { laneHeader: header } : {}) });
  }
  const timeouts = timeoutsOf(resilience, resilienceAt, report);
  return { backendRefs: refs, ...(timeouts ? { timeouts } : {}) };
}

/** `timeouts.request` from the timeout; `backendRequest` (each try) from retries.perTryTimeout when it is shorter. */
function timeoutsOf(r: Resilience | undefined, at: SpecPath, report: Report): RuleBody['timeouts'] {
  if (r?.timeout === undefined && r?.retries?.perTryTimeout === undefined) return undefined;
  const convert = (value: string, sub: string[]) => {
    const d = gatewayDuration(value);
    if (d === undefined)
      report({ code: 'GL251', severity: 'error', path: [...at, ...sub], message: `Duration "${value}" has no Gateway API form: GEP-2257 durations count whole milliseconds, at most 99999h.`, hint: 'round it to milliseconds, e.g. "1500ms"' });
    return d;
  };
  const request = r.timeout !== undefined ? convert(r.timeout, ['timeout']) : undefined;
  const perTry = r.retries?.perTryTimeout !== undefined ? convert(r.retries.perTryTimeout, ['retries', 'perTryTimeout']) : undefined;
  // The CRD's CEL rule: backendRequest may not exceed request; a longer per-try limit is the request's anyway.
  const backendRequest = perTry !== undefined && (request === undefined || millis(perTry) <= millis(request)) ? perTry : undefined;
  const out = { ...(request !== undefined ? { request } : {}), ...(backendRequest !== undefined ? { backendRequest } : {}) };
  return Object.keys(out).length > 0 ? out : undefined;
}

function millis(d: string): number {
  const units: Record<string, number> = { h: 3_600_000, m: 60_000, s: 1000, ms: 1 };
  let total = 0;
  for (const [, n, unit] of d.matchAll(/(\d+)(ms|h|m|s)/g)) total += Number(n) * units[unit!]!;
  return total;
}

interface ParentRef {
  readonly group: string;
  readonly kind: string;
  readonly name: string;
  readonly namespace: string;
  readonly sectionName?: string;
  readonly port?: number;
}

/** The ordered rules, kept in order and laid out into HTTPRoutes (`name`, `name-2`, …) on ≤ 16 hostnames each. */
function routesOf(plan: Plan, name: string, rules: readonly OrderedRule<RuleBody>[], hostnames: readonly string[], parentRef: ParentRef, extra: { service?: string }, report: Report, entry = false): Manifest[] {
  const kept = keepFirstMatch(rules);
  const laid = kept.problems.length === 0 ? layOut(kept.rules) : { routes: [], problems: [] };
  for (const p of [...kept.problems, ...laid.problems]) report({ code: 'GL411', severity: 'error', path: p.path, message: p.message, hint: p.hint });
  const hostChunks: (readonly string[])[] = [];
  for (let i = 0; i < hostnames.length; i += MAX_HOSTNAMES) hostChunks.push(hostnames.slice(i, i + MAX_HOSTNAMES));
  if (hostChunks.length === 0) hostChunks.push([]);
  const out: Manifest[] = [];
  for (const hosts of hostChunks) {
    for (const route of laid.routes) {
      const metadata = objectMetadata(plan, out.length === 0 ? name : `${name}-${out.length + 1}`, extra);
      out.push({
        apiVersion: GATEWAY_API,
        kind: 'HTTPRoute',
        // Policies read the lane header from the entry's routes to check that the edge strips it.
        metadata: entry && plan.laneHeader !== undefined ? { ...metadata, annotations: { [LANE_HEADER_ANNOTATION]: plan.laneHeader } } : metadata,
        spec: {
          parentRefs: [{ ...parentRef }],
          ...(hosts.length > 0 ? { hostnames: [...hosts] } : {}),
          rules: uniqueNames(route).map((r) => ({
            name: r.name,
            matches: r.matches.map(matchObject),
            backendRefs: r.body.backendRefs.map((b) => backendRefObject(b, plan.namespace, plan.laneHeader)),
            ...(r.body.timeouts ? { timeouts: { ...r.body.timeouts } } : {}),
          })),
        },
      });
    }
  }
  return out;
}

/** Rule names are unique within a route (a spec rule may be called like a lane rule or `default`). */
function uniqueNames<T extends { readonly name: string }>(rules: readonly T[]): T[] {
  const used = new Set<string>();
  return rules.map((r) => {
    let name = r.name;
    for (let n = 2; used.has(name); n++) name = `${r.name}-${n}`;
    used.add(name);
    return { ...r, name };
  });
}

function backendRefObject(b: BackendRef, routeNamespace: string, header: string | undefined): Record<string, unknown> {
  const op = b.laneHeader;
  return {
    group: '',
    kind: 'Service',
    name: b.service.name,
    ...(b.service.namespace !== routeNamespace ? { namespace: b.service.namespace } : {}),
    port: b.port,
    ...(b.weight !== undefined ? { weight: b.weight } : {}),
    ...(op && header !== undefined
      ? {
          filters: [
            {
              type: 'RequestHeaderModifier',
              requestHeaderModifier: op.set !== undefined ? { set: [{ name: header, value: op.set }] } : { remove: [header] },
            },
          ],
        }
      : {}),
  };
}
