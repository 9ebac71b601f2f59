/**
 * Target `asm` (Alibaba Cloud Service Mesh): the Istio objects, plus what upstream Istio lacks —
 * a TrafficLabel (istio.alibabacloud.com/v1beta1) that carries a request's lane from hop to hop, and mesh
 * VirtualServices that route by that label with run-time `fallback: { case, target }` chains following each
 * lane's fallback list. Endpoint lanes are ServiceEntries whose endpoints carry the lane's label, with a subset
 * selecting them (the mock-centre pattern).
 */
import type { Diagnostic } from '../../diagnostics';
import type { Plan, PlanLane, PlanService } from '../../plan';
import { asmBaggageWarnings, asmPropagation } from './baggage';
import { laneNamed, namesIn, runsService } from '../../plan';
import { LANE_LABEL, objectMetadata, sortManifests, type Emitted, type Manifest } from '../manifest';
import { laneObjectName } from '../object-names';
import { destinationRules, ISTIO_API } from '../istio/destination-rules';
import { destination, splitDestinations } from '../istio/destinations';
import { ISTIO_KIND_ORDER } from '../istio';
import { entryRateLimit } from '../istio/rate-limit';
import { serviceEntries } from '../istio/service-entries';
import { routeResilience } from '../istio/traffic-policy';
import { gatewayVirtualService, meshEntryRoutes, type HttpRoute } from '../istio/virtual-services';
import { stickyCookie } from '../istio/sticky';

export const ASM_API = 'istio.alibabacloud.com/v1beta1';
/** ASM's fallback routing needs ASM 1.17.2.22 or later (Alibaba Cloud's "Configure fallback routing in ASM"). */
export const FALLBACK_MIN_VERSION = '1.17.2.22';

export type FallbackCase = 'noinstances' | 'noavailabled';

export function emitAsm(input: Plan): Emitted {
  // ASM carries the lane in its own label (TrafficLabel), so its entry sets the header the label reads.
  const plan = asmPropagation(input);
  const diagnostics: Diagnostic[] = [...asmBaggageWarnings(input)];
  const mesh = plan.services.map((s) => meshVirtualService(plan, s));
  const usesFallback = mesh.some((m) => JSON.stringify(m.spec).includes('"fallback"'));
  if (usesFallback && plan.asmVersion !== undefined && compareVersions(plan.asmVersion, FALLBACK_MIN_VERSION) < 0)
    diagnostics.push({
      code: 'GL406',
      severity: 'warning',
      path: ['spec', 'asm', 'version'],
      message: `ASM ${plan.asmVersion} has no fallback routing (it needs ASM ${FALLBACK_MIN_VERSION} or later, Enterprise or Ultimate edition): requests will stay in a lane whose copy is down.`,
      hint: `upgrade ASM to ${FALLBACK_MIN_VERSION} or later`,
    });
  // The entry routes are Istio's, sticky ones included: what they cannot keep is said here unless istio says it.
  if (!plan.targets.includes('istio')) plan.entry.rules.forEach((rule, i) => stickyCookie(plan, rule, i, diagnostics));
  const manifests = sortManifests(
    [
      ...trafficLabels(plan),
      ...entryRateLimit(plan),
      ...[...serviceEntries(plan), ...destinationRules(plan), ...endpointSubsets(plan), ...mesh, ...(plan.entry.declared && plan.entry.gateway ? [gatewayVirtualService(plan)] : [])].map((m) =>
        plan.exportTo ? { ...m, spec: { ...m.spec, exportTo: [...plan.exportTo] } } : m,
      ),
    ],
    ['TrafficLabel', ...ISTIO_KIND_ORDER],
  );
  return { manifests, diagnostics };
}

/** ASM's names for the label sources of the spec, in the spec's order (the first that yields a value wins). */
export function labelSource(source: { header: string } | { context: string } | { localLabel: string }): string {
  if ('context' in source) return `$getContext(${source.context})`;
  if ('header' in source) return `$getInboundRequestHeader(${source.header})`;
  // The workload's own label comes from its pod label ASM_TRAFFIC_TAG; any other label is read by name.
  return source.localLabel === 'ASM_TRAFFIC_TAG' ? '$(localLabel)' : `$getLabel(${source.localLabel})`;
}

function trafficLabels(plan: Plan): Manifest[] {
  const t = plan.trafficLabel;
  if (!t) return [];
  const base = objectMetadata(plan, t.scope === 'mesh' ? 'default' : plan.release);
  // Mesh-wide means the object named default in the mesh's root namespace.
  const metadata = t.scope === 'mesh' ? { ...base, namespace: 'istio-system' } : base;
  return [
    {
      apiVersion: ASM_API,
      kind: 'TrafficLabel',
      metadata,
      spec: {
        ...(t.scope === 'workload' ? { workloadSelector: { labels: { ...t.workloadSelector } } } : {}),
        rules: [
          {
            labels: [{ name: t.labelName, valueFrom: t.valueFrom.map(labelSource) }],
            attachTo: [...t.attachTo],
            ...(t.protocols !== undefined ? { protocols: t.protocols } : {}),
          },
        ],
      },
    },
  ];
}

/** A subset per endpoint lane on its ServiceEntry host: the endpoints carrying the lane's label. */
function endpointSubsets(plan: Plan): Manifest[] {
  const out: Manifest[] = [];
  for (const service of plan.services) {
    for (const lane of plan.lanes.filter((l) => l.kind === 'endpoints' && runsService(l, service.name))) {
      const host = service.resolution[lane.name]!.host;
      out.push({
        apiVersion: ISTIO_API,
        kind: 'DestinationRule',
        metadata: objectMetadata(plan, `${laneObjectName(service.name, lane.name, host, '')}-endpoints`, { service: service.name, lane: lane.name }),
        spec: { host, subsets: [{ name: lane.name, labels: { [LANE_LABEL]: lane.name } }] },
      });
    }
  }
  return out;
}

interface ChainLink {
  readonly lane: string;
  readonly host: string;
  readonly subset: string | undefined;
}

/**
 * Where requests of `lane` go for `service`, in order: the first lane of [lane, its fallbacks…, baseline]
 * that runs the service (decided now, as on Istio), then the rest of that list for run-time fallback. ASM
 * falls back between subsets of one host, so the chain stops at a link on another host or without a subset.
 */
export function fallbackChain(plan: Plan, lane: PlanLane, service: PlanService): ChainLink[] {
  const names = lane.strict ? [lane.name] : [lane.name, ...lane.fallback, plan.baseline];
  const links: ChainLink[] = [];
  for (const name of [...new Set(names)]) {
    const candidate = laneNamed(plan, name)!;
    if (!runsService(candidate, service.name)) continue;
    // Resolve as this lane's own copy: the lane runs the service, so the resolution is its own.
    const dest = service.resolution[candidate.name]!;
    const link = { lane: candidate.name, host: dest.host, subset: candidate.kind === 'endpoints' ? candidate.name : dest.subset };
    const previous = links[links.length - 1];
    if (previous && (previous.host !== link.host || previous.subset === undefined || link.subset === undefined)) break;
    links.push(link);
  }
  return links;
}

function fallbackCase(lane: PlanLane): FallbackCase {
  return lane.fallbackWhen.includes('unavailable') ? 'noavailabled' : 'noinstances';
}

/** Route destinations for a chain: the head takes `weight`, the rest stand by with weight 0. */
function chainDestinations(chain: readonly ChainLink[], when: FallbackCase, weight: number): Record<string, unknown>[] {
  return chain.map((link, i) => ({
    destination: { host: link.host, ...(link.subset !== undefined ? { subset: link.subset } : {}) },
    weight: i === 0 ? weight : 0,
    ...(i < chain.length - 1 ? { fallback: { case: when, target: chain[i + 1]!.subset } } : {}),
  }));
}

function meshVirtualService(plan: Plan, service: PlanService): Manifest {
  const labelName = plan.trafficLabel?.labelName;
  const resilience = routeResilience(service.resilience);
  const routes: HttpRoute[] = [];
  // A mesh entry's rules for this service come after the label routes, in place of the catch-all, as on Istio.
  const entryRoutes = meshEntryRoutes(plan, service);
  if (labelName !== undefined) {
    // Caller-aware splits: requests of a lane from workloads of another lane (ASM matches the caller's own label).
    for (const c of plan.callerSplits.filter((x) => namesIn(x.services).has(service.name))) {
      const seen = new Set<string>();
      const dests: Record<string, unknown>[] = [];
      for (const share of c.split) {
        const lane = laneNamed(plan, share.lane)!;
        for (const [i, d] of chainDestinations(fallbackChain(plan, lane, service), fallbackCase(lane), share.weight).entries()) {
          const key = JSON.stringify((d as { destination: unknown }).destination);
          if (i > 0 && seen.has(key)) continue;
          seen.add(key);
          dests.push(d);
        }
      }
      routes.push({
        name: `caller-${c.from}-${c.lane}`,
        match: [{ trafficLabel: [{ exact: c.lane }], sourceLabels: [{ exact: c.from }] }],
        route: dests as unknown as HttpRoute['route'],
        ...resilience,
      });
    }
    // One route per distinct chain; a lane the catch-all already serves (the plain baseline) needs none.
    const groups = new Map<string, { head: string; lanes: string[]; chain: ChainLink[]; when: FallbackCase }>();
    for (const lane of plan.lanes) {
      const chain = fallbackChain(plan, lane, service);
      const when = fallbackCase(lane);
      if (!service.canary && !entryRoutes && chain.length === 1 && chain[0]!.lane === plan.baseline) continue;
      const key = JSON.stringify([chain, chain.length > 1 ? when : '']);
      const group = groups.get(key) ?? { head: chain[0]!.lane, lanes: [], chain, when };
      group.lanes.push(lane.name);
      groups.set(key, group);
    }
    const ordered = [...groups.values()].sort((a, b) => (a.head < b.head ? -1 : a.head > b.head ? 1 : a.lanes[0]! < b.lanes[0]! ? -1 : 1));
    const names = new Set<string>();
    for (const g of ordered) {
      let name = `lane-${g.head}`;
      for (let n = 2; names.has(name); n++) name = `lane-${g.head}-${n}`;
      names.add(name);
      routes.push({
        name,
        match: g.lanes.map((l) => ({ trafficLabel: [{ exact: l }] })),
        route: chainDestinations(g.chain, g.when, 100) as unknown as HttpRoute['route'],
        ...resilience,
      });
    }
  }
  if (entryRoutes) {
    routes.push(...entryRoutes);
  } else {
    const catchAll = service.canary
      ? splitDestinations(plan, service, service.canary, false)
      : [{ destination: destination(service.resolution[plan.baseline]!, service, false) }];
    routes.push({ name: service.canary ? 'canary' : 'default', route: catchAll, ...resilience });
  }
  return {
    apiVersion: ISTIO_API,
    kind: 'VirtualService',
    metadata: objectMetadata(plan, service.name, { service: service.name }),
    spec: { hosts: [service.host], http: routes },
  };
}

function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}
