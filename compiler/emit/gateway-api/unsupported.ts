/**
 * What the spec asks for that the Gateway API standard channel (v1.6.1) cannot express: said, never silently
 * dropped. Retries (`HTTPRouteRule.retry`, GEP-1731) and session persistence are experimental-channel fields,
 * absent from the standard CRD; rate limits and circuit breaking have no Gateway API resource at all.
 */
import type { Diagnostic, SpecPath } from '../../diagnostics';
import type { Plan } from '../../plan';
import type { Resilience } from '../../spec/schema';

export function unsupported(plan: Plan): Diagnostic[] {
  const out: Diagnostic[] = [];
  const lost = (path: SpecPath, what: string, hint: string) =>
    out.push({ code: 'GL402', severity: 'warning', path, message: `Target gateway-api does not emit ${what}.`, hint });
  const scan = (r: Resilience | undefined, path: SpecPath) => {
    if (r?.retries)
      lost([...path, 'retries'], 'retries: HTTPRouteRule.retry is in the experimental channel of Gateway API v1.6.1 only, not in the standard CRD (retries.perTryTimeout becomes timeouts.backendRequest)', 'use target istio or traefik for retries, or your implementation\'s own retry policy');
    if (r?.rateLimit) lost([...path, 'rateLimit'], 'rate limits: Gateway API has no rate-limit filter', 'use target istio (an EnvoyFilter for the entry) or traefik, or your implementation\'s rate-limit policy');
    if (r?.circuitBreaker) lost([...path, 'circuitBreaker'], 'circuit breakers or outlier detection: Gateway API has no such field', 'use target istio (DestinationRule outlierDetection) or traefik, or your implementation\'s backend policy');
  };
  scan(plan.entry.resilience, ['spec', 'entry', 'resilience']);
  for (const s of plan.services) scan(s.resilience, ['spec', 'services', s.name, 'resilience']);
  plan.callerSplits.forEach((c, i) =>
    out.push({
      code: 'GL412',
      severity: 'error',
      path: ['spec', 'callerSplits', i],
      message: `Caller-aware split "${c.lane}" from "${c.from}" needs to know the calling workload; an HTTPRoute matches the request only (no source labels or namespace).`,
      hint: 'use target istio (sourceLabels) or asm, or drop the split for gateway-api',
    }),
  );
  plan.lanes.forEach((lane) => {
    if (!lane.fallbackWhen.includes('unavailable')) return;
    const beside = plan.targets.includes('asm');
    out.push({
      code: 'GL404',
      severity: beside ? 'warning' : 'error',
      path: ['spec', 'lanes', lane.name, 'fallback', 'when'],
      message: `Lane "${lane.name}" falls back when a copy is "unavailable"; Gateway API routes to a Service whatever its health, so target gateway-api falls back only where the lane has no copy (decided when compiling).`,
      hint: beside ? 'deploy the asm objects where run-time fallback matters' : 'use target asm for run-time fallback, or keep only "noinstances"',
    });
  });
  // The baggage member's regex and the edge's member rewrite are built for Istio and Traefik only; writing the
  // plain lane name into `baggage` would route nothing and drop the client's other members: refuse, not guess.
  if (plan.baggage)
    out.push({
      code: 'GL412',
      severity: 'error',
      path: ['spec', 'trafficLabel', 'propagation'],
      message: 'propagation: baggage is not emitted for target gateway-api yet: its HTTPRoutes would match and set the lane header itself, not the baggage member.',
      hint: 'use propagation: header with gateway-api, or targets istio/traefik for baggage',
    });
  plan.entry.rules.forEach((rule, i) => {
    if (rule.sticky && rule.split.length > 1)
      lost(['spec', 'entry', 'rules', i, 'sticky'], 'sticky sessions: HTTPRouteRule.sessionPersistence is in the experimental channel of Gateway API v1.6.1 only', 'use target istio or traefik for sticky shares');
  });
  if ((plan.entry.gatewayApiSectionName !== undefined || plan.entry.gatewayApiPort !== undefined) && plan.entry.gateway === undefined)
    out.push({ code: 'GL250', severity: 'warning', path: ['spec', 'entry', 'gatewayApi'], message: 'entry.gatewayApi picks a listener of the entry\'s Gateway, but the entry is inside the mesh (no gateway); it changes nothing.', hint: 'remove entry.gatewayApi, or set entry.gateway' });
  return out;
}
