/** Route counts of a compiled mesh against the fewest any emitter could produce (see README, "The fewest routes"). */
import type { Manifest } from '../compiler/emit/manifest';
import type { Plan } from '../compiler/plan';

export function countRoutes(manifests: readonly Manifest[]): number {
  return manifests.filter((m) => m.kind === 'VirtualService').reduce((n, m) => n + (m.spec.http as unknown[]).length, 0);
}

/**
 * A lower bound no emitter can beat: a mesh VirtualService needs one route per distinct destination its lanes
 * reach, plus its catch-all when that is a split; the entry needs one route per reachable rule, plus a default
 * when the last rule matches something.
 */
export function minimumRoutes(plan: Plan): number {
  let total = 0;
  for (const service of plan.services) {
    const destinations = new Set(plan.lanes.map((l) => `${service.resolution[l.name]!.host}|${service.resolution[l.name]!.subset ?? ''}`));
    total += destinations.size + (service.canary ? 1 : 0);
  }
  if (plan.entry.gateway) {
    const rules = plan.entry.rules;
    const catchAll = rules.findIndex((r) => r.headers.length === 0 && r.queryParams.length === 0);
    total += catchAll === -1 ? rules.length + 1 : catchAll + 1;
  }
  return total;
}
