/** Reading Istio objects for the rules: hosts qualified as Istio qualifies them, routes and destinations. */
import { resolveShortname } from '../../model/istio-model';
import type { K8sObject } from '../rule';

export interface HeaderOperations {
  readonly request?: { set?: Record<string, string>; add?: Record<string, string>; remove?: string[] };
}

export interface IstioDestination {
  readonly destination: { readonly host: string; readonly subset?: string };
  readonly weight?: number;
  readonly headers?: HeaderOperations;
}

export interface IstioRoute {
  readonly name?: string;
  readonly match?: { headers?: Record<string, unknown>; gateways?: string[] }[];
  readonly route?: IstioDestination[];
  readonly headers?: HeaderOperations;
  readonly redirect?: { redirectCode?: number };
}

export const namespaceOf = (o: K8sObject) => o.metadata?.namespace ?? 'default';

export function vsSpec(o: K8sObject): { hosts: string[]; gateways: string[]; http: IstioRoute[]; exportTo?: string[] } {
  const s = (o.spec ?? {}) as { hosts?: string[]; gateways?: string[]; http?: IstioRoute[]; exportTo?: string[] };
  return { hosts: s.hosts ?? [], gateways: s.gateways ?? ['mesh'], http: s.http ?? [], ...(s.exportTo ? { exportTo: s.exportTo } : {}) };
}

/** "namespace/name" of a gateway reference, or "mesh". */
export function qualifyGateway(ref: string, namespace: string): string {
  return ref === 'mesh' || ref.includes('/') ? ref : `${namespace}/${ref}`;
}

export function destinationHost(host: string, namespace: string): string {
  return resolveShortname(host, namespace);
}
