/** Target `istio` (networking.istio.io/v1): ServiceEntries, DestinationRules, VirtualServices. */
import type { Diagnostic } from '../../diagnostics';
import type { Plan } from '../../plan';
import type { Resilience } from '../../spec/schema';
import { sortManifests, type Emitted } from '../manifest';
import { destinationRules } from './destination-rules';
import { serviceEntries } from './service-entries';
import { virtualServices } from './virtual-services';

/** Apply order: hosts and subsets exist before any route names them. */
export const ISTIO_KIND_ORDER = ['ServiceEntry', 'DestinationRule', 'VirtualService'] as const;

export function emitIstio(plan: Plan): Emitted {
  const manifests = sortManifests([...serviceEntries(plan), ...destinationRules(plan), ...virtualServices(plan)], ISTIO_KIND_ORDER);
  return { manifests, diagnostics: unsupported(plan) };
}

/** What the spec asks for that Istio networking objects cannot express: said, not silently dropped. */
function unsupported(plan: Plan): Diagnostic[] {
  const out: Diagnostic[] = [];
  const scan = (r: Resilience | undefined, path: (string | number)[]) => {
    if (r?.rateLimit)
      out.push({
        code: 'GL402',
        severity: 'warning',
        path: [...path, 'rateLimit'],
        message: 'Target istio does not emit rate limits: Istio networking objects cannot express them (Envoy local rate limiting needs an EnvoyFilter).',
        hint: 'target traefik emits a rateLimit Middleware; on istio add an EnvoyFilter with envoy.filters.http.local_ratelimit',
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
  scan(plan.entry.resilience, ['spec', 'entry', 'resilience']);
  for (const s of plan.services) scan(s.resilience, ['spec', 'services', s.name, 'resilience']);
  return out;
}
