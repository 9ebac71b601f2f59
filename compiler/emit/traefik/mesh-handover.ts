/**
 * Tag mode hands each request to the mesh through Traefik's own Istio sidecar (Traefik must run with one). For the
 * sidecar to apply the entry service's VirtualService — the lane routes that pick the pods — two things must hold
 * (see compiler/model/traefik-to-mesh.ts for the upstream code each follows):
 * - Traefik dials the Service's cluster IP at the service port, not a pod IP it chose itself: `nativeLB: true`
 *   (kubernetes_http.go loadServers), so the connection meets the sidecar's route configuration for that port;
 * - the Host names the service: a headers Middleware sets it to the service's hostname (headers/header.go sets
 *   req.Host for `Host`), which passHostHeader (default true) keeps; the sidecar's virtual host for the service
 *   holds that domain (httproute.go generateVirtualHostDomains). The client's Host stays in X-Forwarded-Host.
 * Without them the Host is the client's (`shop.example.com`), no virtual host holds it, and the PassthroughCluster
 * delivers the request to the pod Traefik picked, whatever its lane.
 */
import type { Plan, PlanService } from '../../plan';
import { objectMetadata, type Manifest } from '../manifest';

export function meshHostName(plan: Plan, service: PlanService): string {
  return `${plan.release}-mesh-host-${service.name}`;
}

/** The headers Middleware that sets the Host to the service's hostname. */
export function meshHostMiddleware(plan: Plan, apiVersion: string, service: PlanService): Manifest {
  return {
    apiVersion,
    kind: 'Middleware',
    metadata: objectMetadata(plan, meshHostName(plan, service), { service: service.name }),
    spec: { headers: { customRequestHeaders: { Host: service.host } } },
  };
}

/** What a tag-mode route's Service reference adds: one server, the cluster IP. */
export const MESH_SERVICE_REF = { nativeLB: true } as const;
