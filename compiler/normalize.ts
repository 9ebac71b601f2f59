/**
 * Phase 3, normalize: defaults filled in, shorthands expanded, the step chosen, and — once, for every
 * service × lane — the destination decided. Tolerant of bad references (check reports them); emitters
 * run only on a plan whose check found no errors.
 */
import { BAGGAGE_HEADER, baggageMemberRegex, DEFAULT_BAGGAGE_KEY } from './baggage';
import type {
  Destination,
  HeaderCondition,
  LaneKind,
  MethodCondition,
  PathCondition,
  Plan,
  PlanBaggage,
  PlanEntry,
  PlanGateway,
  PlanLane,
  PlanRule,
  PlanService,
  ServicePort,
  WeightedLane,
} from './plan';
import { lanesByService, lanesRunning, runsService } from './plan';
import type { Entry, EntryRule, Lane, MethodMatch, PathMatch, ReleaseSpec, StringMatch, Weights } from './spec/schema';

export const DEFAULT_NAMESPACE = 'default';
export const ENDPOINT_HOST_SUFFIX = 'graylane.internal';

export function normalize(spec: ReleaseSpec, step = 0): Plan {
  const namespace = spec.metadata.namespace ?? DEFAULT_NAMESPACE;
  const serviceNames = Object.keys(spec.spec.services).sort();
  const laneEntries = Object.entries(spec.spec.lanes).sort(([a], [b]) => compare(a, b));
  const baseline = laneEntries.find(([, l]) => l.baseline === true)?.[0] ?? laneEntries[0]?.[0] ?? '';
  const lanes = laneEntries.map(([name, lane]) => normalizeLane(name, lane, name === baseline, serviceNames));
  const laneByName = new Map(lanes.map((l) => [l.name, l]));
  const resolvers = laneResolvers(lanes);
  const runningByService = lanesByService(resolvers.map((r) => ({ runs: r.lane.runs, index: r.index })));
  // By lane index: whether the lane runs the service of the current iteration (set, then cleared, per service).
  const runsCurrent = new Uint8Array(lanes.length);

  const services: PlanService[] = serviceNames.map((name) => {
    const s = spec.spec.services[name]!;
    const host = s.host ?? `${name}.${namespace}.svc.cluster.local`;
    const ports: ServicePort[] = s.ports
      ? s.ports.map((p) => ({ number: p.number, name: p.name ?? `http-${p.number}`, protocol: p.protocol ?? 'HTTP', targetPort: p.targetPort ?? p.number }))
      : [{ number: s.port ?? 80, name: `http-${s.port ?? 80}`, protocol: 'HTTP', targetPort: s.port ?? 80 }];
    const resolution: Record<string, Destination> = {};
    // Lanes served by the same lane share one Destination (most lanes fall back to the baseline for most
    // services): one object per serving lane instead of one per service × lane. Destinations are readonly.
    const byServingLane = new Map<string, Destination>();
    const running = lanesRunning(runningByService, name);
    for (const lane of running) runsCurrent[lane.index] = 1;
    for (const resolver of resolvers) {
      const serving = servingLane(resolver, runsCurrent, baseline);
      let destination = byServingLane.get(serving);
      if (destination === undefined) {
        destination = destinationOf(laneByName.get(serving)!, name, host, namespace);
        byServingLane.set(serving, destination);
      }
      resolution[resolver.lane.name] = destination;
    }
    for (const lane of running) runsCurrent[lane.index] = 0;
    const canaryWeights = spec.spec.canary?.[name];
    const resilience = s.resilience ?? spec.spec.resilience;
    return {
      name,
      host,
      ports,
      workloadLabels: sortedRecord(s.workloadLabels ?? { app: name }),
      resolution,
      ...(resilience ? { resilience } : {}),
      ...(canaryWeights ? { canary: orderSplit(canaryWeights, baseline) } : {}),
      callers: [...new Set(s.callers ?? [])].sort(),
    };
  });

  const baggage = planBaggage(spec);
  const specEntry = spec.spec.entry;
  const gatewayRef = specEntry?.gateway;
  const gateway =
    gatewayRef === undefined || gatewayRef === 'mesh'
      ? undefined
      : gatewayRef.includes('/')
        ? { namespace: gatewayRef.split('/')[0]!, name: gatewayRef.split('/')[1]! }
        : { namespace, name: gatewayRef };

  return {
    release: spec.metadata.name,
    namespace,
    labels: sortedRecord(spec.metadata.labels ?? {}),
    targets: [...new Set(spec.spec.targets)],
    step,
    baseline,
    lanes,
    services,
    ...(spec.spec.trafficLabel ? { laneHeader: baggage ? BAGGAGE_HEADER : spec.spec.trafficLabel.header.toLowerCase() } : {}),
    ...(baggage ? { baggage } : {}),
    ...(spec.spec.exportTo ? { exportTo: [...spec.spec.exportTo] } : {}),
    callerSplits: (spec.spec.callerSplits ?? []).map((c) => ({
      lane: c.lane,
      from: c.from,
      services: c.services ? [...new Set(c.services)].sort() : serviceNames,
      split: orderSplit(c.weights, baseline),
    })),
    ...(spec.spec.trafficLabel
      ? {
          trafficLabel: {
            labelName: spec.spec.trafficLabel.labelName ?? 'trafficLabel',
            scope: spec.spec.trafficLabel.scope ?? 'namespace',
            ...(spec.spec.trafficLabel.workloadSelector ? { workloadSelector: sortedRecord(spec.spec.trafficLabel.workloadSelector) } : {}),
            valueFrom: spec.spec.trafficLabel.valueFrom ?? [{ header: spec.spec.trafficLabel.header }],
            attachTo: spec.spec.trafficLabel.attachTo ?? ['opentracing'],
            ...(spec.spec.trafficLabel.protocols !== undefined ? { protocols: spec.spec.trafficLabel.protocols } : {}),
          },
        }
      : {}),
    ...(spec.spec.asm?.version !== undefined ? { asmVersion: spec.spec.asm.version } : {}),
    // Inside the mesh every caller is a workload of ours, so the lane header is trusted there.
    laneHeaderTrusted: gateway === undefined || spec.spec.trafficLabel?.trusted === true,
    entry: baggage ? baggageEntry(normalizeEntry(specEntry, gateway, step, baseline), baggage) : normalizeEntry(specEntry, gateway, step, baseline),
  };
}

/** propagation baggage: the lane is the member `<baggageKey>=<lane>` of the `baggage` header. */
function planBaggage(spec: ReleaseSpec): PlanBaggage | undefined {
  const t = spec.spec.trafficLabel;
  if (t?.propagation !== 'baggage') return undefined;
  return { key: t.baggageKey ?? DEFAULT_BAGGAGE_KEY, labelHeader: t.header.toLowerCase() };
}

/**
 * Entry rules name the request's lane by trafficLabel.header (e.g. `x-lane: { exact: gray }`, trusted
 * callers); with baggage that lane is a baggage member, so the condition becomes the member's regex.
 * Other matches on that header are refused by check (GL261).
 */
function baggageEntry(entry: PlanEntry, baggage: PlanBaggage): PlanEntry {
  const lane = (h: HeaderCondition): HeaderCondition =>
    h.name === baggage.labelHeader && h.match.exact !== undefined ? { name: BAGGAGE_HEADER, match: { regex: baggageMemberRegex(baggage.key, h.match.exact) } } : h;
  return {
    ...entry,
    rules: entry.rules.map((r) => ({ ...r, headers: r.headers.map(lane).sort((a, b) => compare(a.name, b.name)) })),
  };
}

function normalizeEntry(entry: Entry | undefined, gateway: PlanGateway | undefined, step: number, baseline: string): PlanEntry {
  const rules = (entry?.rules ?? []).map((r) => normalizeRule(r, entry?.service, step, baseline));
  const defaultService = entry?.service;
  return {
    declared: entry !== undefined,
    ...(gateway ? { gateway } : {}),
    hosts: [...(entry?.hosts ?? [])],
    service: defaultService ?? rules[0]?.service ?? '',
    ...(defaultService !== undefined ? { defaultService } : {}),
    services: [...new Set([...(defaultService !== undefined ? [defaultService] : []), ...rules.map((r) => r.service)])].filter((s) => s !== '').sort(),
    rules,
    ...(entry?.resilience ? { resilience: entry.resilience } : {}),
    entryPoints: [...(entry?.traefik?.entryPoints ?? [])],
    traefikApiGroup: entry?.traefik?.apiGroup ?? 'traefik.io',
    traefikAllowCrossNamespace: entry?.traefik?.allowCrossNamespace ?? false,
    ...(entry?.traefik?.tls ? { tls: entry.traefik.tls } : {}),
    ...(entry?.gatewayApi?.sectionName !== undefined ? { gatewayApiSectionName: entry.gatewayApi.sectionName } : {}),
    ...(entry?.gatewayApi?.port !== undefined ? { gatewayApiPort: entry.gatewayApi.port } : {}),
    callers: [...new Set(entry?.callers ?? [])].sort(),
  };
}

function normalizeLane(name: string, lane: Lane, baseline: boolean, services: readonly string[]): PlanLane {
  const fallback = Array.isArray(lane.fallback) ? lane.fallback : (lane.fallback?.lanes ?? []);
  const when = Array.isArray(lane.fallback) ? undefined : lane.fallback?.when;
  const runs = baseline || lane.services === undefined ? services : [...new Set(lane.services)].sort();
  return {
    name,
    baseline,
    strict: lane.strict === true,
    kind: laneKind(lane),
    ...(lane.selector ? { selector: sortedRecord(lane.selector) } : {}),
    ...(lane.namespace ? { namespace: lane.namespace } : {}),
    ...(lane.serviceName ? { serviceName: lane.serviceName } : {}),
    ...(lane.endpoints ? { endpoints: lane.endpoints.map((e) => (e.labels ? { ...e, labels: sortedRecord(e.labels) } : e)) } : {}),
    ...(lane.host ? { host: lane.host } : {}),
    runs,
    fallback: lane.strict === true ? [] : fallback,
    fallbackWhen: when && when.length > 0 ? [...new Set(when)].sort() : ['noinstances'],
  };
}

function laneKind(lane: Lane): LaneKind {
  if (lane.endpoints) return 'endpoints';
  if (lane.namespace) return 'namespace';
  if (lane.serviceName) return 'serviceName';
  if (lane.selector) return 'selector';
  return 'service';
}

/** A lane, its index among the plan's lanes, and its fallback lanes that exist (name and index), in order. */
interface LaneResolver {
  readonly lane: PlanLane;
  readonly index: number;
  readonly fallbacks: readonly { readonly name: string; readonly index: number }[];
}

function laneResolvers(lanes: readonly PlanLane[]): LaneResolver[] {
  const indexOf = new Map(lanes.map((l, i) => [l.name, i]));
  return lanes.map((lane, index) => {
    const fallbacks: { name: string; index: number }[] = [];
    if (!lane.strict) {
      for (const name of lane.fallback) {
        const fallbackIndex = indexOf.get(name);
        if (fallbackIndex !== undefined) fallbacks.push({ name, index: fallbackIndex });
      }
    }
    return { lane, index, fallbacks };
  });
}

/**
 * What `resolveLane` answers for one service, given which lanes run it (`runs`, by lane index): normalize's
 * loop over services × lanes reads array slots instead of looking the service up in each lane's Set.
 */
function servingLane(resolver: LaneResolver, runs: Uint8Array, baseline: string): string {
  if (runs[resolver.index] === 1) return resolver.lane.name;
  for (const fallback of resolver.fallbacks) if (runs[fallback.index] === 1) return fallback.name;
  return baseline;
}

/** The lane that serves `service` for requests of `lane`: itself, else its fallback list in order, else the baseline. */
export function resolveLane(
  lane: PlanLane,
  service: string,
  lanes: ReadonlyMap<string, PlanLane>,
  baseline: string,
): string {
  if (runsService(lane, service)) return lane.name;
  if (lane.strict) return baseline;
  for (const candidate of lane.fallback) {
    // The listed lanes' own fallbacks are not followed: the chain is exactly what this lane says.
    const fallbackLane = lanes.get(candidate);
    if (fallbackLane !== undefined && runsService(fallbackLane, service)) return candidate;
  }
  return baseline;
}

export function destinationOf(lane: PlanLane, service: string, serviceHost: string, namespace: string): Destination {
  const serviceName = lane.serviceName ? fill(lane.serviceName, service, lane.name) : service;
  const subset = lane.selector ? { subset: lane.name } : {};
  switch (lane.kind) {
    case 'endpoints':
      return { lane: lane.name, kind: lane.kind, host: endpointHost(lane, service, namespace) };
    case 'namespace':
      return { lane: lane.name, kind: lane.kind, host: `${serviceName}.${lane.namespace}.svc.cluster.local`, ...subset };
    case 'serviceName':
      return { lane: lane.name, kind: lane.kind, host: `${serviceName}.${namespace}.svc.cluster.local`, ...subset };
    default:
      return { lane: lane.name, kind: lane.kind, host: serviceHost, ...subset };
  }
}

/** An endpoint lane gets a host of its own, never a Kubernetes Service's host. */
export function endpointHost(lane: PlanLane, service: string, namespace: string): string {
  return lane.host ? fill(lane.host, service, lane.name) : `${service}.${lane.name}.${namespace}.${ENDPOINT_HOST_SUFFIX}`;
}

function fill(template: string, service: string, lane: string): string {
  return template.replaceAll('{service}', service).replaceAll('{lane}', lane);
}

function normalizeRule(rule: EntryRule, defaultService: string | undefined, step: number, baseline: string): PlanRule {
  const weights: Weights | undefined = rule.lane
    ? { [rule.lane]: 100 }
    : (rule.weights ?? rule.steps?.[Math.min(step, rule.steps.length - 1)]);
  const path = rule.match?.path ? pathCondition(rule.match.path) : undefined;
  const method = rule.match?.method ? methodCondition(rule.match.method) : undefined;
  return {
    name: rule.name,
    service: rule.service ?? defaultService ?? '',
    ...(path ? { path } : {}),
    ...(method ? { method } : {}),
    ...(rule.match?.port !== undefined ? { port: rule.match.port } : {}),
    headers: conditions(rule.match?.headers, true),
    queryParams: conditions(rule.match?.queryParams, false),
    split: weights ? orderSplit(weights, baseline) : [],
    ...(rule.sticky ? { sticky: rule.sticky } : {}),
  };
}

/** A segment prefix ignores trailing slashes ("/api/" is "/api"), as Kubernetes Ingress and Gateway API do. */
function pathCondition(m: PathMatch): PathCondition | undefined {
  if (m.exact !== undefined) return { kind: 'exact', value: m.exact };
  if (m.prefix !== undefined) return { kind: 'prefix', value: m.prefix.replace(/\/+$/, '') || '/' };
  if (m.regex !== undefined) return { kind: 'regex', value: m.regex };
  return undefined;
}

/** A list, or an exact match, is a set of methods; prefix and regex stay patterns. */
function methodCondition(m: MethodMatch): MethodCondition | undefined {
  if (Array.isArray(m)) return { anyOf: [...new Set(m)] };
  if (m.exact !== undefined) return { anyOf: [m.exact] };
  if (m.prefix !== undefined || m.regex !== undefined) return { pattern: m };
  return undefined;
}

function conditions(map: Record<string, StringMatch> | undefined, lowercase: boolean): HeaderCondition[] {
  return Object.entries(map ?? {})
    .map(([name, match]) => ({ name: lowercase ? name.toLowerCase() : name, match }))
    .sort((a, b) => compare(a.name, b.name));
}

/** Baseline first, then lanes by name; zero shares dropped (they route nothing and only add references). */
export function orderSplit(weights: Weights, baseline: string): WeightedLane[] {
  return Object.entries(weights)
    .filter(([, w]) => w !== 0)
    .map(([lane, weight]) => ({ lane, weight }))
    .sort((a, b) => (a.lane === baseline ? -1 : b.lane === baseline ? 1 : compare(a.lane, b.lane)));
}

/** User maps enter the plan sorted by key, so the same meaning gives the same bytes whatever the spec's order. */
function sortedRecord(record: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => compare(a, b)));
}

export function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
