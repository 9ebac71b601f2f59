import type { K8sObject, StackRule } from '../rule';
import { ISTIO, ref } from '../rule';
import { destinationHost, namespaceOf, vsSpec } from './istio-helpers';

/**
 * Gateway entries are protected: the hosts they route to have outlier detection (a circuit breaker), and a
 * local rate limit (an EnvoyFilter with envoy.filters.http.local_ratelimit) applies in the entry's namespace or
 * the gateway's.
 */
export const istioEntryResilience: StackRule = {
  name: 'istio-entry-resilience',
  scope: 'stack',
  description: 'Gateway entries have a circuit breaker (outlier detection) and a rate limit.',
  rationale: 'An entry without them passes a traffic spike or a failing canary straight to every backend.',
  defaultLevel: 'disabled',
  kinds: [`${ISTIO}:VirtualService`, `${ISTIO}:DestinationRule`, `${ISTIO}:EnvoyFilter`],
  check(objects) {
    const out: { object: K8sObject; message: string }[] = [];
    const guardedHosts = new Set(
      objects
        .filter((o) => o.kind === 'DestinationRule' && ((o.spec ?? {}) as { trafficPolicy?: { outlierDetection?: unknown } }).trafficPolicy?.outlierDetection !== undefined)
        .map((o) => destinationHost(((o.spec ?? {}) as { host?: string }).host ?? '', namespaceOf(o))),
    );
    const rateLimited = new Set(objects.filter((o) => o.kind === 'EnvoyFilter' && JSON.stringify(o.spec ?? {}).includes('local_ratelimit')).map(namespaceOf));
    for (const vs of objects.filter((o) => o.kind === 'VirtualService')) {
      const spec = vsSpec(vs);
      const gateways = spec.gateways.filter((g) => g !== 'mesh');
      if (gateways.length === 0) continue;
      const hosts = [...new Set(spec.http.flatMap((r) => (r.route ?? []).map((d) => destinationHost(d.destination.host, namespaceOf(vs)))))];
      for (const host of hosts.filter((h) => !guardedHosts.has(h)))
        out.push({ object: vs, message: `${ref(vs)} sends entry traffic to ${host}, which has no outlier detection; add a circuit breaker (DestinationRule trafficPolicy.outlierDetection).` });
      const gatewayNamespaces = gateways.map((g) => (g.includes('/') ? g.split('/')[0]! : namespaceOf(vs)));
      if (![namespaceOf(vs), ...gatewayNamespaces].some((ns) => rateLimited.has(ns)))
        out.push({ object: vs, message: `${ref(vs)} is a gateway entry without a rate limit; add an EnvoyFilter with envoy.filters.http.local_ratelimit in ${namespaceOf(vs)} or ${gatewayNamespaces.join(', ')}.` });
    }
    return out;
  },
};
