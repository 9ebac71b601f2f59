/**
 * The one door the ingress tests route requests through: a request in, plain data out (which route took it,
 * and each destination's host, subset, share and the request headers its upstream receives). Today it calls
 * the Istio and Traefik simulators; when they become one object model only this file changes.
 */
import { simulateIstio, simulateTraefik, type Manifest } from '../../compiler';

export interface RouteRequest {
  readonly host: string;
  readonly path?: string;
  readonly method?: string;
  /** Istio only: the port the request addresses. */
  readonly port?: number;
  readonly headers?: Readonly<Record<string, string>>;
  readonly query?: Readonly<Record<string, string>>;
  /** Traefik only: a router with `tls` takes HTTPS requests only (default http). */
  readonly scheme?: 'http' | 'https';
}

/** Where the request enters: an Istio gateway ("namespace/name"), the mesh, or a Traefik entry point. */
export type Entrance = { readonly gateway: string } | { readonly mesh: true } | { readonly entryPoint: string };

export interface RoutedDestination {
  /** Kubernetes host, e.g. "api.shop.svc.cluster.local" (Traefik: the Service's). */
  readonly host: string;
  readonly subset?: string;
  /** Percentage of the requests. */
  readonly share: number;
  /** Request headers as the upstream receives them (names lower-case). */
  readonly headers: Readonly<Record<string, string>>;
}

export interface RoutedRequest {
  readonly routed: boolean;
  /** The route that took the request: Istio route name, Traefik "namespace/ingressroute#index". */
  readonly route?: string;
  readonly destinations: readonly RoutedDestination[];
}

export function routeRequest(objects: readonly Manifest[], entrance: Entrance, request: RouteRequest): RoutedRequest {
  if ('entryPoint' in entrance) {
    const hop = simulateTraefik(objects, { entryPoint: entrance.entryPoint, ...request });
    if (hop.status !== 'routed' || hop.problems.length > 0) return { routed: false, destinations: [] };
    return {
      routed: true,
      ...(hop.router !== undefined ? { route: hop.router } : {}),
      destinations: hop.backends.map((b) => ({ host: `${b.service}.${b.namespace}.svc.cluster.local`, share: b.weight, headers: hop.headers })),
    };
  }
  const { scheme: _scheme, ...istioRequest } = request;
  const hop = simulateIstio(objects, { gateway: 'mesh' in entrance ? 'mesh' : entrance.gateway, ...istioRequest });
  if (hop.status !== 'routed') return { routed: false, destinations: [] };
  return {
    routed: true,
    ...(hop.route !== undefined ? { route: hop.route } : {}),
    destinations: hop.destinations.map((d) => ({
      host: d.host,
      ...(d.subset !== undefined ? { subset: d.subset } : {}),
      share: d.weight,
      headers: d.headers,
    })),
  };
}

/** One line per destination, for exact assertions: "100% api-canary.shop.svc.cluster.local x-lane=canary". */
export function describeRouted(result: RoutedRequest, header?: string): string[] {
  if (!result.routed) return ['no route'];
  return result.destinations.map((d) => {
    const lane = header === undefined ? '' : ` ${header}=${d.headers[header] ?? '(none)'}`;
    return `${d.share}% ${d.host}${d.subset !== undefined ? `/${d.subset}` : ''}${lane}`;
  });
}
