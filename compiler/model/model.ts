/**
 * The model of a set of objects: what Istio, Traefik and Gateway API implementations would make of them. Built once per object set; every
 * inspection (explain, the traffic table, diff), every check rule and every simulator reads it.
 */
import { GatewayApiModel, type ServiceLookupOptions } from './gateway-api-model';
import { routeGatewayApi, type GatewayApiHop } from './gateway-api-route';
import { IstioModel } from './istio-model';
import { routeIstio, type IstioHop } from './istio-route';
import { ObjectSet, type KubeObject } from './object-set';
import { normalRequest, type Request } from './request';
import { TraefikModel, type TraefikHop, type TraefikOptions } from './traefik-model';
import { routeTraefikThroughMesh, type TraefikMeshRoute, type TraefikSidecar } from './traefik-to-mesh';

export interface ModelOptions extends TraefikOptions {
  /** Namespace of objects without one (kubectl apply -n). */
  readonly defaultNamespace?: string;
}

export class Model {
  readonly objects: ObjectSet;
  readonly istio: IstioModel;
  readonly traefik: TraefikModel;
  readonly gatewayApi: GatewayApiModel;

  constructor(objects: readonly KubeObject[], options: ModelOptions = {}) {
    this.objects = new ObjectSet(objects, options.defaultNamespace ?? 'default');
    this.istio = new IstioModel(this.objects);
    this.traefik = new TraefikModel(this.objects, options);
    this.gatewayApi = new GatewayApiModel(this.objects);
  }

  /** Notes for people: replaced identities, kinds not modelled. */
  get notes(): readonly string[] {
    return this.objects.notes;
  }

  routeIstio(request: Request): IstioHop {
    return routeIstio(this.istio, request);
  }

  routeTraefik(request: Request): TraefikHop {
    return this.traefik.route(normalRequest(request));
  }

  /** Through Gateway API routes: `via` is a Gateway's "namespace/name", or "mesh" (GAMMA). */
  routeGatewayApi(request: Request, options?: ServiceLookupOptions): GatewayApiHop {
    return routeGatewayApi(this.gatewayApi, request, options);
  }

  /** A Traefik request followed into Traefik's own Istio sidecar, for each backend Traefik sends it to. */
  routeTraefikThroughMesh(request: Request, sidecar: TraefikSidecar): TraefikMeshRoute {
    return routeTraefikThroughMesh(this, request, sidecar);
  }
}

const cache = new WeakMap<readonly KubeObject[], Model>();

/** The model of an object list, built once per list (the list must not change afterwards). */
export function modelOf(objects: readonly KubeObject[]): Model {
  let m = cache.get(objects);
  if (!m) {
    m = new Model(objects);
    cache.set(objects, m);
  }
  return m;
}
