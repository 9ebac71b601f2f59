/**
 * Configuration the output can never use, said at its line instead of dropped silently.
 *
 * A mesh entry (no gateway, or `gateway: mesh`) puts each entry service's rules into that service's own
 * VirtualService in place of its catch-all, and ends them with a route to the baseline for requests no rule
 * matches (emit/istio/virtual-services.ts meshEntryRoutes): every request without a lane is taken before the
 * catch-all, so a `canary` split for an entry service is never reached (GL272).
 */
import type { Diagnostic } from './diagnostics';
import type { Plan } from './plan';
import { namesIn } from './plan';

type Finding = Omit<Diagnostic, 'file' | 'position'>;

export function checkDeadConfig(plan: Plan): Finding[] {
  if (!plan.entry.declared || plan.entry.gateway !== undefined || !plan.targets.some((t) => t === 'istio' || t === 'asm')) return [];
  const out: Finding[] = [];
  for (const service of plan.services) {
    if (!service.canary || !namesIn(plan.entry.services).has(service.name)) continue;
    const own = plan.entry.rules.filter((r) => r.service === service.name);
    const rules = own.map((r) => `"${r.name}"`);
    const last = own[own.length - 1];
    const catchAll = last !== undefined && last.headers.length === 0 && last.queryParams.length === 0 && !last.path && !last.method && last.port === undefined;
    out.push({
      code: 'GL272',
      severity: 'warning',
      path: ['spec', 'canary', service.name],
      message: `The canary split of "${service.name}" is never used: "${service.name}" is a service of the mesh entry, whose ${rules.length > 0 ? `rules (${rules.join(', ')})` : 'entry routes'}${catchAll ? '' : ' and route to the baseline for requests no rule matches'} take every request without a lane before the canary route.`,
      hint: `move the split into entry.rules (weights or steps), or remove spec.canary.${service.name}`,
    });
  }
  return out;
}
