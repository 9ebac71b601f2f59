/** Resilience → Istio: route timeout/retries on VirtualService routes, circuit breaking on DestinationRules. */
import type { Resilience } from '../../spec/schema';

export function routeResilience(r: Resilience | undefined): Record<string, unknown> {
  if (!r) return {};
  const retries = r.retries
    ? {
        retries: {
          attempts: r.retries.attempts,
          ...(r.retries.perTryTimeout !== undefined ? { perTryTimeout: r.retries.perTryTimeout } : {}),
          // Istio splits retryOn on "," without trimming, so spaces the spec allows are dropped here.
          ...(r.retries.retryOn !== undefined ? { retryOn: r.retries.retryOn.split(',').map((t) => t.trim()).join(',') } : {}),
        },
      }
    : {};
  return { ...(r.timeout !== undefined ? { timeout: r.timeout } : {}), ...retries };
}

/** outlierDetection and connectionPool from the numeric circuit-breaker fields; undefined when none is set. */
export function trafficPolicy(r: Resilience | undefined): Record<string, unknown> | undefined {
  const cb = r?.circuitBreaker;
  if (!cb) return undefined;
  const outlier = {
    ...(cb.consecutiveErrors !== undefined ? { consecutive5xxErrors: cb.consecutiveErrors } : {}),
    ...(cb.interval !== undefined ? { interval: cb.interval } : {}),
    ...(cb.baseEjectionTime !== undefined ? { baseEjectionTime: cb.baseEjectionTime } : {}),
    ...(cb.maxEjectionPercent !== undefined ? { maxEjectionPercent: cb.maxEjectionPercent } : {}),
  };
  const pool = {
    ...(cb.maxConnections !== undefined ? { tcp: { maxConnections: cb.maxConnections } } : {}),
    ...(cb.maxPendingRequests !== undefined ? { http: { http1MaxPendingRequests: cb.maxPendingRequests } } : {}),
  };
  const policy = {
    ...(Object.keys(pool).length > 0 ? { connectionPool: pool } : {}),
    ...(Object.keys(outlier).length > 0 ? { outlierDetection: outlier } : {}),
  };
  return Object.keys(policy).length > 0 ? policy : undefined;
}
