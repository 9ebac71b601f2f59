/** Target `istio` (networking.istio.io/v1): ServiceEntries, DestinationRules, VirtualServices. */
import type { Diagnostic } from '../../diagnostics';
import type { Plan } from '../../plan';
import type { Resilience } from '../../spec/schema';
import { sortManifests, type Emitted, type Manifest } from '../manifest';
import { entryRateLimit } from './rate-limit';
import { destinationRules } from './destination-rules';
import { serviceEntries } from './service-entries';
import { virtualServices } from './virtual-services';
import { stickyCookie } from './sticky';

/** Apply order: hosts and subsets exist before any route names them. */
export const ISTIO_KIND_ORDER = ['EnvoyFilter', 'ServiceEntry', 'DestinationRule', 'VirtualService'] as const;

export function emitIstio(plan: Plan): Emitted {
  const manifests = sortManifests(
    [...entryRateLimit(plan), ...[...serviceEntries(plan), ...destinationRules(plan), ...virtualServices(plan)].map((m) => withExportTo(plan, m))],
    ISTIO_KIND_ORDER,
  );
  return { manifests, diagnostics: unsupported(plan) };
}

/** The spec's exportTo on every networking object (EnvoyFilters have none). */
function withExportTo(plan: Plan, m: Manifest): Manifest {
  return plan.exportTo ? { ...m, spec: { ...m.spec, exportTo: [...plan.exportTo] } } : m;
}

/** What the spec asks for that Istio networking objects cannot express: said, not silently dropped. */
function unsupported(plan: Plan): Diagnostic[] {
  const out: Diagnostic[] = [];
  const scan = (r: Resilience | undefined, path: (string | number)[], entry = false) => {
    if (r?.rateLimit && !entry)
      out.push({
        code: 'GL402',
        severity: 'warning',
        path: [...path, 'rateLimit'],
        message: 'Target istio emits a rate limit for the entry only (an EnvoyFilter at the gateway, or on the entry services\' sidecars for a mesh entry); this per-service rate limit is not emitted.',
        hint: 'move the rate limit to entry.resilience, or add an EnvoyFilter with envoy.filters.http.local_ratelimit for this service',
      });
    if (r?.rateLimit?.redis && entry)
      out.push({
        code: 'GL402',
        severity: 'warning',
        path: [...path, 'rateLimit', 'redis'],
        message: `Target istio ignores rateLimit.redis, Traefik's shared buckets: Envoy's local rate limit holds per ${plan.entry.gateway ? 'gateway pod' : 'pod of the entry services'}.`,
        hint: 'divide average and burst by the number of those pods for istio, or use Istio\'s global rate limit service',
      });
    if (r?.circuitBreaker?.expression !== undefined)
      out.push({
        code: 'GL402',
        severity: 'warning',
        path: [...path, 'circuitBreaker', 'expression'],
        message: 'Target istio ignores circuitBreaker.expression, a Traefik expression; Istio breaks circuits by outlier detection.',
        hint: 'set circuitBreaker.consecutiveErrors, interval and baseEjectionTime for istio',
      });
  };
  scan(plan.entry.resilience, ['spec', 'entry', 'resilience'], true);
  // Sticky rules Istio cannot keep (sticky.ts), said once per rule.
  plan.entry.rules.forEach((rule, i) => stickyCookie(plan, rule, i, out));
  for (const s of plan.services) scan(s.resilience, ['spec', 'services', s.name, 'resilience']);
  return out;
}
