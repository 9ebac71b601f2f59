import { modelOf } from '../../model/model';
import type { K8sObject, StackRule } from '../rule';
import { ref, TRAEFIK_MODEL_KINDS } from '../rule';

/**
 * Every IngressRoute route is one Traefik serves: its rule parses and its Middlewares, TraefikServices and
 * Services exist in its own namespace. Traefik's CRD provider and router manager skip a route otherwise
 * (kubernetes_http.go, router.go buildEntryPointHandler), so its requests fall to another router or 404.
 */
export const traefikReferencesResolve: StackRule = {
  name: 'traefik-references-resolve',
  scope: 'stack',
  description: 'IngressRoute routes parse and reference Middlewares, TraefikServices and Services that exist in their namespace.',
  rationale: 'Traefik drops a route with a missing or cross-namespace reference and logs an error; its requests get 404.',
  defaultLevel: 'mandatory',
  kinds: TRAEFIK_MODEL_KINDS,
  check(objects) {
    const out: { object: K8sObject; message: string }[] = [];
    for (const router of modelOf(objects).traefik.routers) {
      if (router.errors.length === 0) continue;
      out.push({ object: router.ingressRoute.object, message: `${ref(router.ingressRoute.object)} route #${router.index} is not served by Traefik: ${router.errors.join('; ')}.` });
    }
    return out;
  },
};
