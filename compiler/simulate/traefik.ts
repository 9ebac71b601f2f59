/** The Traefik route simulator the tests use: one request at an entry point, answered by the object model. */
import { modelOf } from '../model/model';
import type { KubeObject } from '../model/object-set';
import type { TraefikHop } from '../model/traefik-model';
import type { TraefikRequest } from './traefik-rule';

export type { TraefikBackend, TraefikHop, TraefikMiddlewareRun } from '../model/traefik-model';

export interface TraefikSimRequest extends TraefikRequest {
  /** The entry point the request arrives on; routes of IngressRoutes without entryPoints listen on all. */
  readonly entryPoint?: string;
  readonly scheme?: 'http' | 'https';
}

export function simulateTraefik(objects: readonly KubeObject[], request: TraefikSimRequest): TraefikHop {
  const { entryPoint, host, ...rest } = request;
  return modelOf(objects).routeTraefik({ ...rest, via: `traefik:${entryPoint ?? ''}`, authority: host });
}
