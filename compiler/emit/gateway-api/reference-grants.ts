/**
 * ReferenceGrants: a backendRef to a Service in another namespace is honoured only when a ReferenceGrant in
 * that namespace allows HTTPRoutes of the route's namespace to name it (kubernetes-sigs/gateway-api v1.6.1
 * `apis/v1/referencegrant_types.go`; an ungranted ref is `RefNotPermitted` and its share answers 500). One grant
 * per Service named, so adding or dropping a lane creates or deletes a grant and never edits one a live route
 * relies on (make-before-break, as for the per-lane Services).
 */
import type { Plan } from '../../plan';
import { objectMetadata, type Manifest } from '../manifest';
import { shortHash } from '../object-names';
import { GATEWAY_API } from './routes';

export const REFERENCE_GRANT_API = 'gateway.networking.k8s.io/v1';

export function referenceGrants(plan: Plan, routes: readonly Manifest[]): Manifest[] {
  const wanted = new Map<string, { namespace: string; name: string }>();
  for (const route of routes) {
    for (const rule of route.spec.rules as { backendRefs?: { name: string; namespace?: string }[] }[]) {
      for (const ref of rule.backendRefs ?? []) {
        if (ref.namespace === undefined || ref.namespace === route.metadata.namespace) continue;
        wanted.set(`${ref.namespace}/${ref.name}`, { namespace: ref.namespace, name: ref.name });
      }
    }
  }
  return [...wanted.values()]
    .sort((a, b) => (a.namespace + '/' + a.name < b.namespace + '/' + b.name ? -1 : 1))
    .map(({ namespace, name }) => ({
      apiVersion: REFERENCE_GRANT_API,
      kind: 'ReferenceGrant',
      // Named after the release, its namespace and the Service: two releases, or one release in two
      // namespaces, never share a grant.
      metadata: { ...objectMetadata(plan, grantName(plan, namespace, name)), namespace },
      spec: {
        from: [{ group: GATEWAY_API.split('/')[0]!, kind: 'HTTPRoute', namespace: plan.namespace }],
        to: [{ group: '', kind: 'Service', name }],
      },
    }));
}

/**
 * `<release>-<release namespace>-to-<namespace>-<service>`: unique across namespaces too, as one file per object
 * (`<kind>-<name>.yaml`) needs; shortened with a hash past 253 characters.
 */
function grantName(plan: Plan, namespace: string, service: string): string {
  const full = `${plan.release}-${plan.namespace}-to-${namespace}-${service}`;
  return full.length <= 253 ? full : `${full.slice(0, 245)}-${shortHash(full)}`;
}
