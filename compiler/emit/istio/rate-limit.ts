/**
 * The entry's rate limit on Istio: Envoy's local rate limit filter, where the entry's requests arrive.
 *
 * - A gateway entry: at the gateway, for the entry's virtual hosts only. An EnvoyFilter in the Gateway's namespace
 *   (context GATEWAY: the gateway proxies there, every gateway of the mesh when that namespace is the root
 *   namespace) inserts the filter, disabled, into the HTTP filters, and enables it per virtual host by merging
 *   `typed_per_filter_config` into each virtual host whose domains hold an entry host (VIRTUAL_HOST match
 *   `vhost.domainName`, pilot/pkg/networking/core/envoyfilter/rc_patch.go virtualHostMatch; the gateway's virtual
 *   hosts carry the VirtualService host as their domain, gateway.go). Callers inside the mesh are not throttled.
 * - A mesh entry (`gateway: mesh`): its callers are sidecars, so the filter goes first in the inbound HTTP chain of
 *   the entry services' own sidecars (the pattern of Istio's "local rate limiting" task).
 *
 * Envoy's token bucket holds `burst` tokens (or `average`), refilled with `average` tokens every `period`; the limit
 * holds per proxy (per gateway pod, or per entry pod), as a local limit does.
 */
import type { Plan } from '../../plan';
import type { Resilience } from '../../spec/schema';
import { objectMetadata, type Manifest } from '../manifest';

export const ENVOY_FILTER_API = 'networking.istio.io/v1alpha3';

const FILTER = 'envoy.filters.http.local_ratelimit';
const HCM = { filter: { name: 'envoy.filters.network.http_connection_manager' } };
type RateLimit = NonNullable<Resilience['rateLimit']>;

export function entryRateLimit(plan: Plan): Manifest[] {
  const limit = plan.entry.resilience?.rateLimit;
  if (!limit) return [];
  return plan.entry.gateway ? [gatewayRateLimit(plan, limit)] : inboundRateLimits(plan, limit);
}

/** The filter's config: `stat_prefix` alone leaves it disabled (filter_enabled defaults to 0%). */
function localRateLimit(value: Record<string, unknown>): Record<string, unknown> {
  return {
    '@type': 'type.googleapis.com/udpa.type.v1.TypedStruct',
    type_url: 'type.googleapis.com/envoy.extensions.filters.http.local_ratelimit.v3.LocalRateLimit',
    value: { stat_prefix: 'http_local_rate_limiter', ...value },
  };
}

function bucket(limit: RateLimit): Record<string, unknown> {
  const percent = (key: string) => ({ runtime_key: key, default_value: { numerator: 100, denominator: 'HUNDRED' } });
  return {
    token_bucket: { max_tokens: limit.burst ?? limit.average, tokens_per_fill: limit.average, fill_interval: limit.period ?? '1s' },
    filter_enabled: percent('local_rate_limit_enabled'),
    filter_enforced: percent('local_rate_limit_enforced'),
  };
}

function gatewayRateLimit(plan: Plan, limit: RateLimit): Manifest {
  const gateway = plan.entry.gateway!;
  // In another namespace than the release's, the name carries the release's namespace: releases of one name in
  // several namespaces (staging, prod) behind one gateway namespace get one object each.
  const name = gateway.namespace === plan.namespace ? `${plan.release}-entry-ratelimit` : `${plan.namespace}-${plan.release}-entry-ratelimit`;
  const metadata = objectMetadata(plan, name, plan.entry.services.length === 1 ? { service: plan.entry.services[0]! } : {});
  return {
    apiVersion: ENVOY_FILTER_API,
    kind: 'EnvoyFilter',
    // EnvoyFilters apply to the proxies of their own namespace (all of them in the root namespace).
    metadata: { ...metadata, namespace: gateway.namespace },
    spec: {
      configPatches: [
        {
          applyTo: 'HTTP_FILTER',
          match: { context: 'GATEWAY', listener: { filterChain: HCM } },
          // INSERT_FIRST is what INSERT_BEFORE without a subFilter does, without the relative-operation ordering
          // risk istioctl analyze reports (IST0151).
          patch: { operation: 'INSERT_FIRST', value: { name: FILTER, typed_config: localRateLimit({}) } },
        },
        ...[...new Set(plan.entry.hosts.map((h) => h.toLowerCase()))].map((host) => ({
          applyTo: 'VIRTUAL_HOST',
          match: { context: 'GATEWAY', routeConfiguration: { vhost: { domainName: host } } },
          patch: { operation: 'MERGE', value: { typed_per_filter_config: { [FILTER]: localRateLimit(bucket(limit)) } } },
        })),
      ],
    },
  };
}

function inboundRateLimits(plan: Plan, limit: RateLimit): Manifest[] {
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
            match: { context: 'SIDECAR_INBOUND', listener: { filterChain: HCM } },
            // First in the inbound HTTP filters (INSERT_FIRST, see above).
            patch: { operation: 'INSERT_FIRST', value: { name: FILTER, typed_config: localRateLimit(bucket(limit)) } },
          },
        ],
      },
    };
  });
}
