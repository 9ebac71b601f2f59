/**
 * Lanes are Services here: Gateway API routes to Services and has no subsets. Which Service serves a
 * service × lane: the lane's own `serviceName` or `namespace` Service (the user's); for a lane of pod labels a
 * Service graylane emits, `<service>-<lane>`, selecting the service's workloadLabels plus the lane's selector
 * (the baseline too when it has a selector, as Istio's baseline subset does: the plain Service would reach
 * every lane's pods); for an endpoint lane a selector-less Service `<service>-<lane>` with an EndpointSlice.
 */
import type { Plan, PlanLane, PlanService } from '../../plan';
import { laneNamed } from '../../plan';
import { ENDPOINT_HOST_SUFFIX } from '../../normalize';
import { laneObjectName } from '../object-names';
import { defaultHost } from '../istio/destination-rules';

export interface ServiceRef {
  readonly name: string;
  readonly namespace: string;
  /** graylane emits this Service (a pod-label or endpoint lane); otherwise it is the user's. */
  readonly emitted: boolean;
}

const SERVICE_HOST = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?)\.([a-z0-9]([-a-z0-9]*[a-z0-9])?)\.svc\.cluster\.local$/;

/** `<name>.<namespace>.svc.cluster.local` → the Service, or undefined for a host that is not one. */
export function serviceOfHost(host: string): { name: string; namespace: string } | undefined {
  const m = SERVICE_HOST.exec(host);
  return m ? { name: m[1]!, namespace: m[3]! } : undefined;
}

/** The Service that serves `service` in `lane` (the lane itself, not its fallback), or why there is none. */
export function laneService(plan: Plan, service: PlanService, lane: PlanLane): ServiceRef | { problem: string } {
  const dest = service.resolution[lane.name]!;
  if (lane.kind === 'endpoints') {
    const fallbackHost = `${service.name}.${lane.name}.${plan.namespace}.${ENDPOINT_HOST_SUFFIX}`;
    return { name: laneObjectName(service.name, lane.name, dest.host, fallbackHost), namespace: plan.namespace, emitted: true };
  }
  const owner = serviceOfHost(dest.host);
  if (!owner)
    return { problem: `Lane "${lane.name}" reaches "${service.name}" on host "${dest.host}", which is not a Kubernetes Service (<name>.<namespace>.svc.cluster.local); an HTTPRoute can name Services only.` };
  if (dest.subset === undefined) return { ...owner, emitted: false };
  return { name: laneObjectName(service.name, lane.name, dest.host, defaultHost(plan, service.name)), namespace: owner.namespace, emitted: true };
}

/** The Service of `service` for requests of `lane`, after fallback. */
export function servingService(plan: Plan, service: PlanService, lane: string): ServiceRef | { problem: string } {
  const serving = laneNamed(plan, service.resolution[lane]!.lane)!;
  return laneService(plan, service, serving);
}
