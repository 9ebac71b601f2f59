import type { K8sObject, StackRule } from '../rule';
import { ref, traefikKinds } from '../rule';

/** Every IngressRoute route runs a rateLimit Middleware and a circuitBreaker Middleware. */
export const traefikEntryResilience: StackRule = {
  name: 'traefik-entry-resilience',
  scope: 'stack',
  description: 'Traefik entry routes have a rate limit and a circuit breaker.',
  rationale: 'An entry without them passes a traffic spike or a failing canary straight to every backend.',
  defaultLevel: 'disabled',
  kinds: [...traefikKinds('IngressRoute'), ...traefikKinds('Middleware')],
  check(objects) {
    const out: { object: K8sObject; message: string }[] = [];
    for (const o of objects.filter((x) => x.kind === 'IngressRoute')) {
      const routes = ((o.spec ?? {}) as { routes?: { middlewares?: { name: string; namespace?: string }[] }[] }).routes ?? [];
      routes.forEach((route, i) => {
        const types = new Set(
          (route.middlewares ?? []).flatMap((m) => {
            const ns = m.namespace ?? o.metadata?.namespace ?? 'default';
            const mw = objects.find((x) => x.kind === 'Middleware' && x.metadata?.name === m.name && (x.metadata?.namespace ?? 'default') === ns);
            return Object.keys((mw?.spec ?? {}) as object);
          }),
        );
        for (const [type, what] of [['rateLimit', 'a rate limit'], ['circuitBreaker', 'a circuit breaker']] as const)
          if (!types.has(type)) out.push({ object: o, message: `${ref(o)} route #${i} has no ${type} Middleware; entries need ${what}.` });
      });
    }
    return out;
  },
};
