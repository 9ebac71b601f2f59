/**
 * What the entry's rateLimit Middleware means per source. Traefik builds a router's middleware chain once per
 * router, so the in-memory limiter keeps one bucket set per router: a Middleware used by N routes gives each
 * source N budgets (traefik/traefik#13706; pkg/middlewares/ratelimiter/rate_limiter.go New, called per router).
 * The Redis limiter keys its buckets `rate:<middleware>:<source>` (redis_limiter.go, rate_limiter.go ServeHTTP),
 * so every route — and every Traefik replica on the same Redis — shares them, and the limit is the spec's.
 */
import type { Diagnostic } from '../../diagnostics';
import type { Plan } from '../../plan';

/** GL402 when `routes` routers share the in-memory limiter: the effective limit is `routes`× the spec's. */
export function rateLimitScope(plan: Plan, routes: number): Diagnostic[] {
  const limit = plan.entry.resilience?.rateLimit;
  if (!limit || limit.redis || routes < 2) return [];
  const period = limit.period ?? '1s';
  return [
    {
      code: 'GL402',
      severity: 'warning',
      path: ['spec', 'entry', 'resilience', 'rateLimit'],
      message: `Traefik's in-memory rate limiter keeps one bucket set per router (traefik/traefik#13706): the ${routes} routes of this entry each get their own, so one source may send up to ${routes}× the limit, ${routes * limit.average} requests per ${period} instead of ${limit.average}.`,
      hint: 'set rateLimit.redis: { endpoints: [redis:6379] }, whose buckets every route (and every Traefik replica) shares',
    },
  ];
}
