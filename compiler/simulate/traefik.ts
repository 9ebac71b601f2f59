/** The Traefik route simulator the tests use: one request at an entry point, answered by the object model. */
import { modelOf } from '../model/model';
import type { KubeObject } from '../model/object-set';
import type { TraefikHop } from '../model/traefik-model';
import type { TraefikRequest } from './traefik-rule';
import type { TraefikMeshRoute, TraefikSidecar } from '../model/traefik-to-mesh';

export type { TraefikBackend, TraefikHop, TraefikMiddlewareRun } from '../model/traefik-model';
export type { MeshHandover, TraefikMeshRoute, TraefikSidecar } from '../model/traefik-to-mesh';

export interface TraefikSimRequest extends TraefikRequest {
  /** The entry point the request arrives on; routes of IngressRoutes without entryPoints listen on all. */
  readonly entryPoint?: string;
  readonly scheme?: 'http' | 'https';
}

export function simulateTraefik(objects: readonly KubeObject[], request: TraefikSimRequest): TraefikHop {
  const { entryPoint, host, ...rest } = request;
  return modelOf(objects).routeTraefik({ ...rest, via: `traefik:${entryPoint ?? ''}`, authority: host });
}

/** A Traefik request followed into Traefik's own Istio sidecar (tag mode): where each backend's share ends. */
export function simulateTraefikThroughMesh(objects: readonly KubeObject[], request: TraefikSimRequest, sidecar: TraefikSidecar): TraefikMeshRoute {
  const { entryPoint, host, ...rest } = request;
  return modelOf(objects).routeTraefikThroughMesh({ ...rest, via: `traefik:${entryPoint ?? ''}`, authority: host }, sidecar);
}
