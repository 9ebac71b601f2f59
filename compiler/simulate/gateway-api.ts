/**
 * The Gateway API route simulator the tests use: one request through HTTPRoutes, answered by the object model
 * (`compiler/model/gateway-api-route.ts`), so the gateway-api emitter is tested by the same reading of Gateway
 * API that explain, diff and check use.
 */
import type { ServiceLookupOptions } from '../model/gateway-api-model';
import type { GatewayApiHop } from '../model/gateway-api-route';
import { modelOf } from '../model/model';
import type { KubeObject } from '../model/object-set';
import type { Request } from '../model/request';

export type { ServiceLookupOptions } from '../model/gateway-api-model';
export type { GatewayApiBackend, GatewayApiHop, GatewayApiMirror, GatewayApiStatus } from '../model/gateway-api-route';
export type { KubeObject } from '../model/object-set';
export type { Request } from '../model/request';

/**
 * Route `request` through `objects` as a Gateway API implementation would.
 *
 * - `request.via`: "namespace/name" of a Gateway (gateway.networking.k8s.io) — the listener is chosen by
 *   `port` (default: the authority's, else 80 for http / 443 for https, else the Gateway's only port) and
 *   hostname — or "mesh" (GAMMA): `authority` names the Service called ("reviews" resolves in
 *   `sourceNamespace`, default "default"; "reviews.ns" and "reviews.ns.svc.cluster.local" are whole), `port`
 *   its port (default: the Service's only port, else 80), `sourceNamespace` the caller's namespace.
 * - The answer: `status` (routed, redirect, not-found = 404, error = 500, no-listener), the route, rule and match
 *   that took the request, `backends` with `weight` (percent of the rule's requests) and the request as each
 *   receives it after filters (`headers` with lower-case names, `path` with query, `authority`), a `problem` on a
 *   backend whose share gets 500, `redirect`, `mirrors`, and `notes`.
 * - `options.absentServices`: how a backendRef to a Service missing from `objects` counts (see
 *   ServiceLookupOptions; pass "assumed" for graylane output without the application's own Services).
 */
export function simulateGatewayApi(objects: readonly KubeObject[], request: Request, options: ServiceLookupOptions = {}): GatewayApiHop {
  return modelOf(objects).routeGatewayApi(request, options);
}
