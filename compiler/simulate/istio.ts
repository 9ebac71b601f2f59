/**
 * The Istio route simulator the tests use: one request at one hop, answered by the object model
 * (`compiler/model`), so the emitters are tested by the same reading of Istio that explain, diff and check use.
 */
import { modelOf } from '../model/model';
import type { IstioHop, RoutedDestination } from '../model/istio-route';
import type { KubeObject } from '../model/object-set';
import type { Availability, Request } from '../model/request';

export type { KubeObject } from '../model/object-set';
export type { Availability } from '../model/request';
export type SimulatedDestination = RoutedDestination;
export type SimulatedHop = IstioHop;

export interface IstioRequest extends Omit<Request, 'via' | 'authority'> {
  /** "namespace/name" of the gateway the request enters, or "mesh" (a sidecar calling a service). */
  readonly gateway: string;
  /** The host (authority) the request is for. */
  readonly host: string;
  readonly availability?: (host: string, subset: string | undefined) => Availability;
}

export function simulateIstio(objects: readonly KubeObject[], request: IstioRequest): SimulatedHop {
  const { gateway, host, ...rest } = request;
  return modelOf(objects).routeIstio({ ...rest, via: gateway, authority: host });
}

/** Istio merges DestinationRules of one host: the subsets a proxy in `namespace` sees for it. */
export function subsetsOf(objects: readonly KubeObject[], host: string, namespace?: string): { name: string; labels?: Readonly<Record<string, string>> }[] {
  const model = modelOf(objects).istio;
  const ns = namespace ?? /^[^.]+\.([^.]+)\.svc\./.exec(host)?.[1] ?? 'default';
  return [...(model.destinationRuleFor(ns, host)?.subsets.values() ?? [])].map((s) => ({ name: s.name, ...(s.labels ? { labels: s.labels } : {}) }));
}
