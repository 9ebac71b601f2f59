/**
 * How many token buckets one source meets per rateLimit Middleware, read as Traefik v3.7 builds them: the
 * in-memory limiter is created with each router's middleware chain, so every router that runs the Middleware
 * has buckets of its own (traefik/traefik#13706); the Redis limiter keys them `rate:<middleware>:<source>`
 * (pkg/middlewares/ratelimiter/rate_limiter.go, redis_limiter.go), one set for every router and replica.
 */
import type { Stored } from './object-set';
import type { TraefikModel } from './traefik-model';

export interface RateLimitScope {
  /** "namespace/name" of the rateLimit Middleware. */
  readonly middleware: string;
  /** Routers Traefik serves that run it (directly or through a chain). */
  readonly routers: readonly string[];
  /** Buckets in Redis, shared by every router. */
  readonly shared: boolean;
  /** How many times the configured rate one source can get through these routers together. */
  readonly multiplier: number;
}

export function rateLimitScopes(model: TraefikModel): RateLimitScope[] {
  const users = new Map<string, { stored: Stored; routers: string[] }>();
  for (const router of model.routers) {
    if (router.errors.length > 0) continue;
    for (const m of new Set(model.middlewareChain(router))) {
      const spec = (m.object.spec ?? {}) as { rateLimit?: unknown };
      if (spec.rateLimit === undefined) continue;
      const key = `${m.namespace}/${m.name}`;
      const entry = users.get(key) ?? { stored: m, routers: [] };
      if (!entry.routers.includes(router.id)) entry.routers.push(router.id);
      users.set(key, entry);
    }
  }
  return [...users].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([middleware, { stored, routers }]) => {
    const shared = ((stored.object.spec ?? {}) as { rateLimit?: { redis?: unknown } }).rateLimit?.redis !== undefined;
    return { middleware, routers, shared, multiplier: shared ? 1 : routers.length };
  });
}
