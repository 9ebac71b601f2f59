import type { ObjectRule } from '../rule';
import { GATEWAY_API, ref } from '../rule';

/**
 * An HTTPRoute within the CRD's limits (apis/v1/httproute_types.go kubebuilder markers, gateway-api v1.6.1):
 * ≤ 32 parentRefs, ≤ 16 hostnames, ≤ 16 rules, ≤ 64 matches per rule and ≤ 128 in all (the CEL rule on
 * spec.rules), ≤ 16 headers and query params per match, ≤ 16 filters and backendRefs per rule, ≤ 16 filters per
 * backendRef. The API server refuses an object over any of them, so the whole route — every host it serves —
 * fails to apply.
 */
export const gatewayApiRouteLimits: ObjectRule = {
  name: 'gateway-api-route-limits',
  scope: 'object',
  description: 'HTTPRoutes stay within the CRD limits on parentRefs, hostnames, rules, matches, filters and backendRefs.',
  rationale: 'The API server refuses an HTTPRoute over a limit, so none of its routes is applied.',
  defaultLevel: 'mandatory',
  kinds: [`${GATEWAY_API}:HTTPRoute`],
  check(o) {
    const spec = (o.spec ?? {}) as {
      parentRefs?: unknown[];
      hostnames?: unknown[];
      rules?: { matches?: { headers?: unknown[]; queryParams?: unknown[] }[]; filters?: unknown[]; backendRefs?: { filters?: unknown[] }[] }[];
    };
    const out: string[] = [];
    const over = (what: string, n: number, max: number) => {
      if (n > max) out.push(`${ref(o)} has ${n} ${what}; the HTTPRoute CRD allows at most ${max}.`);
    };
    over('parentRefs', spec.parentRefs?.length ?? 0, 32);
    over('hostnames', spec.hostnames?.length ?? 0, 16);
    const rules = Array.isArray(spec.rules) ? spec.rules : [];
    over('rules', rules.length, 16);
    let total = 0;
    rules.forEach((r, i) => {
      const matches = Array.isArray(r?.matches) ? r.matches : [];
      total += matches.length;
      over(`matches in rule #${i}`, matches.length, 64);
      over(`filters in rule #${i}`, r?.filters?.length ?? 0, 16);
      over(`backendRefs in rule #${i}`, r?.backendRefs?.length ?? 0, 16);
      matches.forEach((m, j) => {
        over(`headers in rule #${i} match #${j}`, m?.headers?.length ?? 0, 16);
        over(`queryParams in rule #${i} match #${j}`, m?.queryParams?.length ?? 0, 16);
      });
      (r?.backendRefs ?? []).forEach((b, j) => over(`filters on rule #${i} backendRef #${j}`, b?.filters?.length ?? 0, 16));
    });
    if (total > 128) out.push(`${ref(o)} has ${total} matches across its rules; the HTTPRoute CRD's CEL rule allows at most 128 in one route.`);
    return out;
  },
};
