/**
 * A release's traffic as a table people can compare: per entry route, and per service × lane, where
 * requests go ("v1 90% / v2 10%"). Read from the objects with the simulators, so it works on rendered or
 * hand-written YAML as well as on specs.
 */
import type { Manifest } from '../emit/manifest';
import { routeTargets, simulateIstio } from '../simulate/istio';
import { traefikRouteTargets } from '../simulate/traefik';
import { destinationLabel, fmt } from './explain';

export interface TrafficContext {
  /** The header naming a request's lane. */
  readonly laneHeader?: string;
  /** Lane names to try at every service (from the spec, or found in the objects' lane-header matches). */
  readonly lanes?: readonly string[];
}

/** Key ("reviews, lane gray", "entry bookinfo/bookinfo-entry: shenzhen") → where requests go. */
export type Traffic = ReadonlyMap<string, string>;

export function trafficOf(objects: readonly Manifest[], context: TrafficContext = {}): Traffic {
  const out = new Map<string, string>();
  const header = context.laneHeader?.toLowerCase();
  const lanes = context.lanes ?? (header ? lanesIn(objects, header) : []);
  for (const vs of objects.filter((o) => o.kind === 'VirtualService')) {
    const spec = vs.spec as { hosts?: string[]; gateways?: string[]; http?: { name?: string; route?: unknown[] }[] };
    const gateways = spec.gateways ?? ['mesh'];
    const name = `${vs.metadata.namespace}/${vs.metadata.name}`;
    if (gateways.some((g) => g !== 'mesh')) {
      // Entry routes are listed one line per route: what each rule does with a request it takes.
      (spec.http ?? []).forEach((route, i) => out.set(`entry ${name}: ${route.name ?? `#${i}`}`, describe(routeTargets(objects, vs, i), header)));
    }
    if (gateways.includes('mesh')) {
      for (const host of spec.hosts ?? []) {
        const service = host.split('.')[0]!;
        out.set(`${service}, no lane`, describe(simulateIstio(objects, { gateway: 'mesh', host }).destinations, header));
        for (const lane of lanes) {
          const hop = simulateIstio(objects, { gateway: 'mesh', host, headers: { [header!]: lane } });
          out.set(`${service}, lane ${lane}`, describe(hop.destinations, header, lane));
        }
      }
    }
  }
  for (const ir of objects.filter((o) => o.kind === 'IngressRoute')) {
    const routes = (ir.spec as { routes?: { match: string; priority?: number }[] }).routes ?? [];
    routes.forEach((route, i) => {
      const hop = traefikRouteTargets(objects, ir, i);
      const backends = hop.backends.map((b) => `${b.service}${b.namespace !== ir.metadata.namespace ? `.${b.namespace}` : ''} ${fmt(b.weight)}%`).join(' / ');
      const tag = header !== undefined && hop.headers[header] !== undefined ? ` [${header}: ${hop.headers[header]}]` : '';
      out.set(`traefik ${ir.metadata.namespace}/${ir.metadata.name}: ${route.match}`, `${backends}${tag}`);
    });
  }
  return new Map([...out].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

function describe(destinations: ReturnType<typeof simulateIstio>['destinations'], header: string | undefined, lane?: string): string {
  if (destinations.length === 0) return 'no route (404)';
  return destinations
    .map((d) => {
      const carried = header !== undefined ? d.headers[header] : undefined;
      // The lane header is worth showing where it changes: set at the entry, or rewritten on the way.
      const tag = carried !== undefined && carried !== lane ? ` [${header}: ${carried}]` : '';
      return `${destinationLabel(d)} ${fmt(d.weight)}%${tag}${d.problem ? ' (unresolved)' : ''}`;
    })
    .join(' / ');
}

/** Lane names that some VirtualService matches the lane header against (exactly). */
function lanesIn(objects: readonly Manifest[], header: string): string[] {
  const lanes = new Set<string>();
  for (const vs of objects.filter((o) => o.kind === 'VirtualService')) {
    for (const route of (vs.spec.http as { match?: { headers?: Record<string, { exact?: string }> }[] }[] | undefined) ?? []) {
      for (const m of route.match ?? []) {
        const exact = m.headers?.[header]?.exact;
        if (exact !== undefined) lanes.add(exact);
      }
    }
  }
  return [...lanes].sort();
}

