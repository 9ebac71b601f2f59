import { istioSemanticProblems } from '../istio-semantics';
import type { ObjectRule } from '../rule';
import { ISTIO, ref } from '../rule';
import { vsSpec } from './istio-helpers';

/** Redirect codes Envoy honours (RedirectResponseCode): anything else is refused by Istio. */
const REDIRECT_CODES = [301, 302, 303, 307, 308];

/**
 * Istio's webhook rules that the CRD schema misses: durations ≥ 1ms (a `0s` timeout is invalid), `retryOn`
 * conditions Envoy knows, RE2 regexes ≤ 1024 bytes, header names, subset names, redirect codes.
 */
export const istioSemanticRules: ObjectRule = {
  name: 'istio-semantic-rules',
  scope: 'object',
  description: 'Objects pass Istio\'s own semantic validation (durations, retryOn, regexes, headers, redirect codes).',
  rationale: 'Objects the CRD schema accepts but Istio\'s validation rejects are refused by the webhook or ignored by istiod.',
  defaultLevel: 'mandatory',
  kinds: [`${ISTIO}:VirtualService`, `${ISTIO}:DestinationRule`, `${ISTIO}:ServiceEntry`],
  check(o) {
    // The problems' own (fresh) array, prefixed in place: no second array per object, and almost all are empty.
    const out = istioSemanticProblems(o);
    for (let i = 0; i < out.length; i++) out[i] = `${ref(o)}: ${out[i]}`;
    if (o.kind === 'VirtualService') {
      vsSpec(o).http.forEach((route, r) => {
        const code = route.redirect?.redirectCode;
        if (code !== undefined && !REDIRECT_CODES.includes(code))
          out.push(`${ref(o)}: spec.http[${r}].redirect.redirectCode ${code} is not a redirect Envoy sends; use one of ${REDIRECT_CODES.join(', ')}.`);
      });
    }
    return out;
  },
};
