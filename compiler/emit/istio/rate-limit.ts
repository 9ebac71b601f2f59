/**
 * The entry's rate limit on Istio: an EnvoyFilter inserting Envoy's local rate limit filter into the inbound
 * HTTP chain of the entry service's sidecars (the pattern of Istio's "local rate limiting" task). Envoy's
 * token bucket holds `burst` tokens (or `average`), refilled with `average` tokens every `period`; the limit
 * holds per pod, as a local limit does.
 */
import type { Plan } from '../../plan';
import { objectMetadata, type Manifest } from '../manifest';

export const ENVOY_FILTER_API = 'networking.istio.io/v1alpha3';

export function entryRateLimit(plan: Plan): Manifest[] {
  const limit = plan.entry.resilience?.rateLimit;
  if (!limit) return [];
  const percent = (key: string) => ({ runtime_key: key, default_value: { numerator: 100, denominator: 'HUNDRED' } });
  // An entry that fans out to several services limits each one's sidecars: one EnvoyFilter per service.
  const several = plan.entry.services.length > 1;
  return plan.entry.services.map((name) => {
    const service = plan.services.find((s) => s.name === name)!;
    return {
      apiVersion: ENVOY_FILTER_API,
      kind: 'EnvoyFilter',
      metadata: objectMetadata(plan, several ? `${plan.release}-entry-ratelimit-${name}` : `${plan.release}-entry-ratelimit`, { service: service.name }),
      spec: {
        workloadSelector: { labels: { ...service.workloadLabels } },
        configPatches: [
          {
            applyTo: 'HTTP_FILTER',
            match: { context: 'SIDECAR_INBOUND', listener: { filterChain: { filter: { name: 'envoy.filters.network.http_connection_manager' } } } },
            patch: {
              // First in the inbound HTTP filters: INSERT_FIRST is what INSERT_BEFORE without a subFilter does, without
              // the relative-operation ordering risk istioctl analyze reports (IST0151).
              operation: 'INSERT_FIRST',
              value: {
                name: 'envoy.filters.http.local_ratelimit',
                typed_config: {
                  '@type': 'type.googleapis.com/udpa.type.v1.TypedStruct',
                  type_url: 'type.googleapis.com/envoy.extensions.filters.http.local_ratelimit.v3.LocalRateLimit',
                  value: {
                    stat_prefix: 'http_local_rate_limiter',
                    token_bucket: { max_tokens: limit.burst ?? limit.average, tokens_per_fill: limit.average, fill_interval: limit.period ?? '1s' },
                    filter_enabled: percent('local_rate_limit_enabled'),
                    filter_enforced: percent('local_rate_limit_enforced'),
                  },
                },
              },
            },
          },
        ],
      },
    };
  });
}
