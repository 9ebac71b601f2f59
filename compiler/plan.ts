/**
 * The normalized plan: the one place where lane resolution, fallback and weights are decided.
 * Every emitter reads it; none re-derives routing.
 */
import type { EntryRule, Resilience, StringMatch, Target, TraefikTls } from './spec/schema';

export interface ServicePort {
  readonly number: number;
  readonly name: string;
  readonly protocol: 'HTTP' | 'HTTP2' | 'GRPC';
  /** The pods' port behind it (the spec's targetPort, else the number). */
  readonly targetPort: number;
}

/** How a lane's copy of a service is reached. */
export type LaneKind = 'service' | 'selector' | 'namespace' | 'serviceName' | 'endpoints';

export interface PlanEndpoint {
  readonly address: string;
  readonly port?: number;
  readonly labels?: Readonly<Record<string, string>>;
}

export interface PlanLane {
  readonly name: string;
  readonly baseline: boolean;
  readonly strict: boolean;
  readonly kind: LaneKind;
  readonly selector?: Readonly<Record<string, string>>;
  readonly namespace?: string;
  readonly serviceName?: string;
  readonly endpoints?: readonly PlanEndpoint[];
  readonly host?: string;
  /** Services this lane runs, sorted. */
  readonly runs: readonly string[];
  /** Lanes tried, in order, for services this lane does not run (the baseline comes after them). */
  readonly fallback: readonly string[];
  readonly fallbackWhen: readonly ('noinstances' | 'unavailable')[];
}

/** Where requests of one lane go for one service. */
export interface Destination {
  /** The lane whose copy serves the request (after fallback). */
  readonly lane: string;
  readonly host: string;
  readonly subset?: string;
  readonly kind: LaneKind;
}

export interface WeightedLane {
  readonly lane: string;
  readonly weight: number;
}

export interface PlanService {
  readonly name: string;
  readonly host: string;
  readonly ports: readonly ServicePort[];
  readonly resilience?: Resilience;
  /** Labels every pod of the service carries, whatever its lane. */
  readonly workloadLabels: Readonly<Record<string, string>>;
  /** Lane name → destination, for every lane of the release. */
  readonly resolution: Readonly<Record<string, Destination>>;
  /** Split for requests that carry no lane; absent means all to the baseline. */
  readonly canary?: readonly WeightedLane[];
  /** Namespaces the spec names as this service's callers (services.<name>.callers), sorted. */
  readonly callers: readonly string[];
}

export interface HeaderCondition {
  readonly name: string;
  readonly match: StringMatch;
}

/**
 * A path condition. `prefix` is a path-segment prefix (Kubernetes Ingress `Prefix`, Gateway API `PathPrefix`),
 * stored without trailing slashes ("/" stays "/"); each target emits what gives that meaning.
 */
export interface PathCondition {
  readonly kind: 'exact' | 'prefix' | 'regex';
  readonly value: string;
}

/** A method condition: any of a list of methods, or a prefix/regex string match. */
export type MethodCondition = { readonly anyOf: readonly string[] } | { readonly pattern: StringMatch };

export interface PlanRule {
  readonly name: string;
  /** The service the rule routes to (the rule's own, else entry.service). */
  readonly service: string;
  readonly path?: PathCondition;
  readonly method?: MethodCondition;
  readonly port?: number;
  readonly headers: readonly HeaderCondition[];
  readonly queryParams: readonly HeaderCondition[];
  /** Lanes and their shares for this rule at the selected step; a `lane` rule is one lane at 100. */
  readonly split: readonly WeightedLane[];
  readonly sticky?: EntryRule['sticky'];
}

/** Requests of `lane` sent by workloads of `from` go to `split` (per service, after fallback). */
export interface PlanCallerSplit {
  readonly lane: string;
  readonly from: string;
  readonly services: readonly string[];
  readonly split: readonly WeightedLane[];
}

export interface PlanTrafficLabel {
  readonly labelName: string;
  readonly scope: 'mesh' | 'namespace' | 'workload';
  readonly workloadSelector?: Readonly<Record<string, string>>;
  readonly valueFrom: readonly ({ header: string } | { context: string } | { localLabel: string })[];
  readonly attachTo: readonly string[];
  readonly protocols?: string;
}

export interface PlanBaggage {
  /** The member key (trafficLabel.baggageKey, default "lane"). */
  readonly key: string;
  /** trafficLabel.header, lowercased: what ASM's label reads, and the name entry rules use for the lane. */
  readonly labelHeader: string;
}

export interface PlanGateway {
  readonly namespace: string;
  readonly name: string;
}

export interface PlanEntry {
  /** false: the spec has no entry (no rules, no entry objects; the mesh objects only). */
  readonly declared: boolean;
  /** undefined: callers are inside the mesh. */
  readonly gateway?: PlanGateway;
  readonly hosts: readonly string[];
  /** The entry's first-hop service for display: entry.service, else the first rule's service ("" without an entry). */
  readonly service: string;
  /** entry.service: where requests no rule matches go; undefined when every rule names its service (they get no route). */
  readonly defaultService?: string;
  /** Every service an entry rule routes to (or the default service), sorted. */
  readonly services: readonly string[];
  readonly rules: readonly PlanRule[];
  readonly resilience?: Resilience;
  readonly entryPoints: readonly string[];
  /** Traefik API group; `traefik.containo.us` also means Traefik v2 rule syntax. */
  readonly traefikApiGroup: 'traefik.io' | 'traefik.containo.us';
  /** Traefik runs with providers.kubernetesCRD.allowCrossNamespace (the spec says so). */
  readonly traefikAllowCrossNamespace: boolean;
  /** Traefik: the IngressRoute's tls. */
  readonly tls?: TraefikTls;
  /** Gateway API: the listener of the Gateway the entry's HTTPRoutes attach to. */
  readonly gatewayApiSectionName?: string;
  readonly gatewayApiPort?: number;
  /** Namespaces the spec names as the entry's callers inside the mesh (entry.callers), sorted. */
  readonly callers: readonly string[];
}

export interface Plan {
  readonly release: string;
  readonly namespace: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly targets: readonly Target[];
  readonly step: number;
  readonly baseline: string;
  /** Lanes sorted by name. */
  readonly lanes: readonly PlanLane[];
  /** Services sorted by name. */
  readonly services: readonly PlanService[];
  /** The header that carries the lane between hops: trafficLabel.header, or "baggage" with propagation baggage. */
  readonly laneHeader?: string;
  readonly laneHeaderTrusted: boolean;
  /** propagation baggage: the lane is the member `<key>=<lane>` of the `baggage` header (compiler/baggage.ts). */
  readonly baggage?: PlanBaggage;
  readonly entry: PlanEntry;
  readonly callerSplits: readonly PlanCallerSplit[];
  /** ASM's traffic label (from trafficLabel), when the spec has one. */
  readonly trafficLabel?: PlanTrafficLabel;
  readonly asmVersion?: string;
  /** Istio exportTo of every object; undefined leaves Istio's default. */
  readonly exportTo?: readonly string[];
}

/** Each readonly list of names (a lane's `runs`, a caller split's `services`) as a Set, built on first use. */
const nameSets = new WeakMap<readonly string[], ReadonlySet<string>>();

/** A plan's readonly list of names as a Set, for membership in constant time (`includes` per service was quadratic). */
export function namesIn(names: readonly string[]): ReadonlySet<string> {
  let set = nameSets.get(names);
  if (set === undefined) {
    set = new Set(names);
    nameSets.set(names, set);
  }
  return set;
}

/**
 * The services `lane` runs, as a Set. Loops over services × lanes fetch it once per lane (outside the loop
 * over services) rather than through `runsService` for every pair: the WeakMap lookup costs more than the test.
 */
export function laneMembers(lane: Pick<PlanLane, 'runs'>): ReadonlySet<string> {
  return namesIn(lane.runs);
}

/**
 * For each service, the lanes of `lanes` that run it, in the order of `lanes`: what a loop over services ×
 * lanes that skips the lanes not running the service visits, found from the lanes' own lists (each lane runs
 * a few services) rather than by testing every pair. A lane listing a service twice is listed once.
 */
export function lanesByService<L extends Pick<PlanLane, 'runs'>>(lanes: readonly L[]): ReadonlyMap<string, readonly L[]> {
  const byService = new Map<string, L[]>();
  for (const lane of lanes) {
    for (const service of lane.runs) {
      const running = byService.get(service);
      if (running === undefined) byService.set(service, [lane]);
      else if (running[running.length - 1] !== lane) running.push(lane);
    }
  }
  return byService;
}

const NO_LANES: readonly never[] = [];

/** Each plan's lanes by name, built on first use (the lanes are readonly). */
const lanesByName = new WeakMap<readonly PlanLane[], ReadonlyMap<string, PlanLane>>();

/** The lane named `name`, in constant time: `plan.lanes.find` for every service × lane made emitting quadratic. */
export function laneNamed(plan: Pick<Plan, 'lanes'>, name: string): PlanLane | undefined {
  let byName = lanesByName.get(plan.lanes);
  if (byName === undefined) {
    const map = new Map<string, PlanLane>();
    // The first of equal names, as `find` gives.
    for (const lane of plan.lanes) if (!map.has(lane.name)) map.set(lane.name, lane);
    byName = map;
    lanesByName.set(plan.lanes, byName);
  }
  return byName.get(name);
}

/** The lanes running `service` in a `lanesByService` map (none when it is not there). */
export function lanesRunning<L>(byService: ReadonlyMap<string, readonly L[]>, service: string): readonly L[] {
  return byService.get(service) ?? NO_LANES;
}

/**
 * Whether `lane` runs `service`, in constant time: `runs.includes` for every service × lane (normalize, the
 * emitters, the checks) made compile quadratic in the number of services.
 */
export function runsService(lane: Pick<PlanLane, 'runs'>, service: string): boolean {
  return laneMembers(lane).has(service);
}
