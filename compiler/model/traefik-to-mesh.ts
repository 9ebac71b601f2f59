/**
 * Traefik in front of an Istio mesh: what Traefik's own sidecar does with a request Traefik hands to a backend.
 *
 * Traefik's side (traefik v3.7.9): the servers of a Kubernetes Service are its EndpointSlice addresses — pod IPs at
 * the endpoint port — unless the reference sets `nativeLB: true`, which gives one server, the Service's cluster IP at
 * the service port (pkg/provider/kubernetes/crd/kubernetes_http.go loadServers). The request keeps its Host unless
 * `passHostHeader: false` (default true, buildServersLB), which sends the server's address instead
 * (pkg/proxy/httputil/proxy.go rewriteRequestBuilder); a headers middleware's `Host` sets it (headers/header.go).
 *
 * The sidecar's side (istio 1.30.3): outbound HTTP traffic is routed by the route configuration of the destination
 * port, whose virtual hosts are the services on that port, each with its hostname, its short forms and its cluster
 * IP, with and without the port (pilot/pkg/networking/core/httproute.go generateVirtualHostDomains,
 * GenerateAltVirtualHosts); a Host no virtual host holds falls to the allow_any virtual host, the PassthroughCluster:
 * the original destination, i.e. the address Traefik dialled (buildCatchAllVirtualHost). So the entry service's
 * VirtualService — and with it the lane routes — applies only when Traefik dials the service port (nativeLB) with a
 * Host that names the service (or its cluster IP); otherwise the request reaches whichever pod Traefik picked.
 */
import { routeIstio, type IstioHop } from './istio-route';
import type { IstioModel } from './istio-model';
import type { ServiceSpec } from './istio-types';
import type { Model } from './model';
import { normalRequest, type Request } from './request';
import type { TraefikBackend, TraefikHop } from './traefik-model';

export interface TraefikSidecar {
  /** Namespace of Traefik's pod (where exportTo and DestinationRule lookups are evaluated). */
  readonly namespace: string;
  readonly labels?: Readonly<Record<string, string>>;
}

export interface MeshHandover {
  readonly backend: TraefikBackend;
  /** Where Traefik connects: the Service's cluster IP at its port, or one of its pods (EndpointSlice addresses). */
  readonly server: 'cluster-ip' | 'pod';
  /** The Host the sidecar sees. */
  readonly authority: string;
  /** virtual-host: the sidecar's route for a service whose domains hold the Host; passthrough: the address Traefik dialled. */
  readonly sidecar: 'virtual-host' | 'passthrough';
  /** The sidecar's hop, when a virtual host took the request. */
  readonly hop?: IstioHop;
  readonly notes: readonly string[];
}

export interface TraefikMeshRoute {
  readonly traefik: TraefikHop;
  readonly handovers: readonly MeshHandover[];
}

export function routeTraefikThroughMesh(model: Model, request: Request, sidecar: TraefikSidecar): TraefikMeshRoute {
  const normal = normalRequest(request);
  const traefik = model.traefik.route(normal);
  const handovers = traefik.backends.filter((b) => !b.standby && b.weight > 0).map((b) => handover(model.istio, traefik, b, sidecar));
  return { traefik, handovers };
}

function handover(istio: IstioModel, hop: TraefikHop, backend: TraefikBackend, sidecar: TraefikSidecar): MeshHandover {
  const fqdn = `${backend.service}.${backend.namespace}.svc.cluster.local`;
  const port = servicePort(istio, fqdn, backend.port);
  const server = backend.nativeLB === true ? 'cluster-ip' : 'pod';
  const notes: string[] = [];
  // passHostHeader false sends the server's address: the cluster IP is one of the service's domains, a pod IP is none.
  const passHost = backend.passHostHeader !== false;
  const authority = passHost ? hop.authority : server === 'cluster-ip' ? fqdn : `<pod of ${backend.namespace}/${backend.service}>`;
  if (!passHost) notes.push(`passHostHeader: false sends the server's address as Host${server === 'cluster-ip' ? ': the cluster IP, which the sidecar lists among the domains of ' + fqdn : ''}`);
  const passthrough = (why: string): MeshHandover => ({ backend, server, authority, sidecar: 'passthrough', notes: [...notes, why] });
  if (server === 'pod' && !targetPortIsServicePort(istio, fqdn, port))
    return passthrough(`Traefik connects to a pod of ${backend.namespace}/${backend.service} (an EndpointSlice address at the target port, not nativeLB): the sidecar's routes for the service port do not see it, and the PassthroughCluster delivers it to the pod Traefik chose — any pod of the Service, whatever its lane`);
  const meshHop = routeIstio(istio, { via: 'mesh', authority: authority.includes(':') || port === undefined ? authority : `${authority}:${port}`, path: hop.path, headers: hop.headers, sourceNamespace: sidecar.namespace, ...(sidecar.labels ? { sourceLabels: sidecar.labels } : {}) });
  if (meshHop.status === 'passthrough')
    return passthrough(`no virtual host of the sidecar's route for port ${port ?? '(the service port)'} holds Host ${authority}: the allow_any virtual host (PassthroughCluster) delivers it to the address Traefik dialled — any pod of ${backend.namespace}/${backend.service}, whatever its lane`);
  return { backend, server, authority, sidecar: 'virtual-host', hop: meshHop, notes };
}

function servicePort(istio: IstioModel, fqdn: string, port: number | string | undefined): number | undefined {
  if (typeof port === 'number') return port;
  const ports = (((istio.serviceFor(fqdn)?.object.spec ?? {}) as ServiceSpec).ports ?? []);
  return typeof port === 'string' ? ports.find((p) => p.name === port)?.port : ports.length === 1 ? ports[0]!.port : undefined;
}

/** A pod address reaches the service port's route only when the Service (in the set) maps the port onto itself. */
function targetPortIsServicePort(istio: IstioModel, fqdn: string, port: number | undefined): boolean {
  const spec = (istio.serviceFor(fqdn)?.object.spec ?? undefined) as ServiceSpec | undefined;
  const p = spec?.ports?.find((x) => x.port === port);
  return p !== undefined && (p.targetPort === undefined || p.targetPort === port);
}
