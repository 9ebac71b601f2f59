/**
 * Target `gateway-api` (Kubernetes Gateway API v1.6.1, standard channel): HTTPRoutes for the entry (attached to
 * the Gateway `entry.gateway`) and for the mesh (GAMMA: attached to each Service), the Services that stand for
 * lanes (Gateway API has no subsets), EndpointSlices for endpoint lanes, and ReferenceGrants for backends in
 * other namespaces. Runs on any implementation of the standard channel (Istio, Envoy Gateway, Cilium, …).
 */
import type { Diagnostic } from '../../diagnostics';
import type { Plan } from '../../plan';
import { sortManifests, type Emitted } from '../manifest';
import { referenceGrants } from './reference-grants';
import { httpRoutes } from './routes';
import { laneServices, serviceProblems } from './services';
import { unsupported } from './unsupported';

/** Apply order: Services and their endpoints, the grants, then the routes that name them. */
export const GATEWAY_API_KIND_ORDER = ['Service', 'EndpointSlice', 'ReferenceGrant', 'HTTPRoute'] as const;

export function emitGatewayApi(plan: Plan): Emitted {
  const diagnostics: Diagnostic[] = [...unsupported(plan)];
  const seen = new Set<string>();
  const report = (d: Diagnostic) => {
    // The same resilience or lane reaches several routes: each problem is said once.
    const key = JSON.stringify([d.code, d.path, d.message]);
    if (!seen.has(key)) diagnostics.push(d);
    seen.add(key);
  };
  const routes = httpRoutes(plan, report);
  const services = laneServices(plan);
  diagnostics.push(...serviceProblems(plan, services));
  if (diagnostics.some((d) => d.severity === 'error')) return { manifests: [], diagnostics };
  const manifests = sortManifests([...services, ...referenceGrants(plan, routes), ...routes], GATEWAY_API_KIND_ORDER);
  return { manifests, diagnostics };
}
