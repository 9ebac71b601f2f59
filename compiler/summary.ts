/** A routing summary for humans and stack outputs: per entry rule and per service, lane → destination and weight. */
import type { Plan } from './plan';

export interface RoutedShare {
  /** The lane the request belongs to after this hop. */
  readonly lane: string;
  /** The lane whose copy serves it (differs from `lane` after a fallback). */
  readonly servedBy: string;
  readonly host: string;
  readonly subset?: string;
  readonly weight: number;
}

export interface RoutingSummary {
  readonly step: number;
  /** Entry rule name → where its requests go (empty without an entry). */
  readonly entry: Readonly<Record<string, readonly RoutedShare[]>>;
  /** Service → lane → where requests of that lane go; key "" is requests without a lane. */
  readonly services: Readonly<Record<string, Readonly<Record<string, readonly RoutedShare[]>>>>;
}

export function routingSummary(plan: Plan): RoutingSummary {
  const share = (serviceName: string, lane: string, weight: number): RoutedShare => {
    const dest = plan.services.find((s) => s.name === serviceName)!.resolution[lane]!;
    return { lane, servedBy: dest.lane, host: dest.host, ...(dest.subset !== undefined ? { subset: dest.subset } : {}), weight };
  };
  const entry: Record<string, RoutedShare[]> = {};
  // Each rule's shares are of its own service (an entry may fan out to several).
  for (const rule of plan.entry.rules) entry[rule.name] = rule.split.map((w) => share(rule.service, w.lane, w.weight));
  const services: Record<string, Record<string, RoutedShare[]>> = {};
  for (const service of plan.services) {
    const byLane: Record<string, RoutedShare[]> = {
      '': (service.canary ?? [{ lane: plan.baseline, weight: 100 }]).map((w) => share(service.name, w.lane, w.weight)),
    };
    for (const lane of plan.lanes) byLane[lane.name] = [share(service.name, lane.name, 100)];
    services[service.name] = byLane;
  }
  return { step: plan.step, entry, services };
}
