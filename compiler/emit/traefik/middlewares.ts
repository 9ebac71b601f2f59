/**
 * Middlewares of the entry: anti-spoofing (strip the client's lane header), lane tagging, and resilience.
 * Referenced in a fixed order: strip, tag, rateLimit, circuitBreaker, retry.
 */
import type { Diagnostic } from '../../diagnostics';
import { durationMillis } from '../../kubernetes-syntax';
import { laneHeaderValue } from '../../baggage';
import type { Plan } from '../../plan';
import type { Resilience } from '../../spec/schema';

type RateLimitRedis = NonNullable<NonNullable<Resilience['rateLimit']>['redis']>;
import { objectMetadata, type Manifest } from '../manifest';

export interface MiddlewareSet {
  readonly manifests: Manifest[];
  /** Names, in chain order, for a route whose requests belong to `lane` (undefined: no lane tag). */
  readonly chain: (lane: string | undefined) => string[];
}

export function middlewares(plan: Plan, apiVersion: string, tagLanes: ReadonlySet<string>, diagnostics: Diagnostic[]): MiddlewareSet {
  const manifests: Manifest[] = [];
  const add = (suffix: string, spec: Record<string, unknown>, lane?: string) => {
    const name = `${plan.release}-${suffix}`;
    manifests.push({ apiVersion, kind: 'Middleware', metadata: objectMetadata(plan, name, lane !== undefined ? { lane } : {}), spec });
    return name;
  };
  const header = plan.laneHeader;
  // An empty value makes Traefik remove the header: the client's own lane (with baggage: the client's whole
  // baggage, as OpenTelemetry advises for untrusted input) never passes the edge.
  const strip = header !== undefined ? add('strip-lane-header', { headers: { customRequestHeaders: { [header]: '' } } }) : undefined;
  const tags = new Map<string, string>();
  if (header !== undefined) {
    for (const lane of [...tagLanes].sort()) tags.set(lane, add(`lane-${lane}`, { headers: { customRequestHeaders: { [header]: laneHeaderValue(plan, lane) } } }, lane));
  }
  const resilience = resilienceMiddlewares(plan, add, diagnostics);
  return {
    manifests,
    chain: (lane) => [
      ...(strip ? [strip] : []),
      ...(lane !== undefined && tags.has(lane) ? [tags.get(lane)!] : []),
      ...resilience,
    ],
  };
}

type Add = (suffix: string, spec: Record<string, unknown>) => string;

function resilienceMiddlewares(plan: Plan, add: Add, diagnostics: Diagnostic[]): string[] {
  const r = plan.entry.resilience;
  if (!r) return [];
  const at = ['spec', 'entry', 'resilience'];
  const warn = (path: string[], message: string, hint: string) =>
    diagnostics.push({ code: 'GL402', severity: 'warning', path: [...at, ...path], message, hint });
  const names: string[] = [];
  if (r.rateLimit) {
    const { average, burst, period, sourceCriterion: sc, redis } = r.rateLimit;
    const criterion = sc
      ? {
          ...(sc.ipDepth !== undefined || sc.excludedIPs ? { ipStrategy: { ...(sc.ipDepth !== undefined ? { depth: sc.ipDepth } : {}), ...(sc.excludedIPs ? { excludedIPs: sc.excludedIPs } : {}) } } : {}),
          ...(sc.requestHeaderName !== undefined ? { requestHeaderName: sc.requestHeaderName } : {}),
          ...(sc.requestHost !== undefined ? { requestHost: sc.requestHost } : {}),
        }
      : undefined;
    names.push(
      add('ratelimit', {
        rateLimit: {
          average,
          ...(burst !== undefined ? { burst } : {}),
          ...(period !== undefined ? { period: goDuration(period) } : {}),
          ...(criterion ? { sourceCriterion: criterion } : {}),
          ...(redis ? { redis: redisSpec(redis) } : {}),
        },
      }),
    );
  }
  const cb = r.circuitBreaker;
  if (cb?.expression !== undefined) {
    names.push(
      add('circuitbreaker', {
        circuitBreaker: {
          expression: cb.expression,
          ...(cb.checkPeriod !== undefined ? { checkPeriod: goDuration(cb.checkPeriod) } : {}),
          ...(cb.fallbackDuration !== undefined ? { fallbackDuration: goDuration(cb.fallbackDuration) } : {}),
          ...(cb.recoveryDuration !== undefined ? { recoveryDuration: goDuration(cb.recoveryDuration) } : {}),
          ...(cb.responseCode !== undefined ? { responseCode: cb.responseCode } : {}),
        },
      }),
    );
  } else if (cb) {
    warn(['circuitBreaker'], 'Target traefik needs circuitBreaker.expression; the outlier-detection fields are Istio\'s and Traefik has no equivalent.', 'add an expression such as "NetworkErrorRatio() > 0.30"');
  }
  if (r.retries) {
    // Traefik counts attempts including the first try; Istio (and the spec) counts retries after it.
    names.push(add('retry', { retry: { attempts: r.retries.attempts + 1 } }));
    if (r.retries.retryOn !== undefined || r.retries.perTryTimeout !== undefined)
      warn(['retries'], 'Target traefik retries on network errors only: retries.retryOn and retries.perTryTimeout are not emitted.', 'keep them for the istio target; Traefik v3.7 adds retry.status and retry.timeout');
  }
  if (r.timeout !== undefined)
    warn(['timeout'], 'Target traefik has no per-route timeout; timeouts belong to a ServersTransport\'s forwardingTimeouts.', 'set forwardingTimeouts on the ServersTransport of the backend');
  return names;
}

/** Traefik's rateLimit.redis, field by field as its CRD names them (fixed key order, Go durations). */
function redisSpec(redis: RateLimitRedis): Record<string, unknown> {
  return {
    endpoints: [...redis.endpoints],
    ...(redis.secret !== undefined ? { secret: redis.secret } : {}),
    ...(redis.db !== undefined ? { db: redis.db } : {}),
    ...(redis.dialTimeout !== undefined ? { dialTimeout: goDuration(redis.dialTimeout) } : {}),
    ...(redis.readTimeout !== undefined ? { readTimeout: goDuration(redis.readTimeout) } : {}),
    ...(redis.writeTimeout !== undefined ? { writeTimeout: goDuration(redis.writeTimeout) } : {}),
    ...(redis.poolSize !== undefined ? { poolSize: redis.poolSize } : {}),
    ...(redis.minIdleConns !== undefined ? { minIdleConns: redis.minIdleConns } : {}),
    ...(redis.maxActiveConns !== undefined ? { maxActiveConns: redis.maxActiveConns } : {}),
  };
}

/** Traefik durations are Go durations without fractions: "1.5s" becomes "1500ms". */
export function goDuration(value: string): string {
  if (!value.includes('.')) return value;
  return `${Math.round(durationMillis(value))}ms`;
}
