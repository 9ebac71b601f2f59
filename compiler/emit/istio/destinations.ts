/**
 * Route destinations. Lane-header operations sit on each destination, never on the route: Envoy applies a
 * weighted cluster's header operations before the route's, so a route-level remove would erase them.
 */
import { laneHeaderValue } from '../../baggage';
import type { Destination, Plan, PlanService, WeightedLane } from '../../plan';

export interface HttpRouteDestination {
  destination: { host: string; subset?: string; port?: { number: number } };
  weight?: number;
  headers?: { request?: { set?: Record<string, string>; remove?: string[] }; response?: { add: Record<string, string> } };
}

export function destination(dest: Destination, service: PlanService, pinPort: boolean): HttpRouteDestination['destination'] {
  return {
    host: dest.host,
    ...(dest.subset !== undefined ? { subset: dest.subset } : {}),
    // A gateway must name the port of a multi-port service; inside the mesh the caller's port is kept.
    ...(pinPort && service.ports.length > 1 && dest.kind !== 'endpoints' ? { port: { number: service.ports[0]!.number } } : {}),
  };
}

/**
 * The lane header a request carries on to this destination: the lane's name (with baggage: the whole header
 * becomes the lane's member, so a client's own baggage never passes), or none for the baseline.
 */
export function laneHeaderOps(plan: Plan, lane: string): Pick<HttpRouteDestination, 'headers'> {
  if (plan.laneHeader === undefined) return {};
  return lane === plan.baseline
    ? { headers: { request: { remove: [plan.laneHeader] } } }
    : { headers: { request: { set: { [plan.laneHeader]: laneHeaderValue(plan, lane) } } } };
}

/** A split of lanes for one service, each share tagged with its lane (the request's lane from here on). */
export function splitDestinations(
  plan: Plan,
  service: PlanService,
  split: readonly WeightedLane[],
  pinPort: boolean,
): HttpRouteDestination[] {
  return split.map(({ lane, weight }) => ({
    destination: destination(service.resolution[lane]!, service, pinPort),
    ...(split.length > 1 ? { weight } : {}),
    ...laneHeaderOps(plan, lane),
  }));
}
