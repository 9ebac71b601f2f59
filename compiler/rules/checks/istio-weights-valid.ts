import type { ObjectRule } from '../rule';
import { ISTIO, ref } from '../rule';
import { vsSpec } from './istio-helpers';

/** Weights of a route with several destinations are whole numbers ≥ 0 that sum to 100. */
export const istioWeightsValid: ObjectRule = {
  name: 'istio-weights-valid',
  scope: 'object',
  description: 'Route weights are whole numbers that sum to 100.',
  rationale: 'Weights that do not sum to 100 give shares nobody intended; Istio rejects or rescales them.',
  defaultLevel: 'mandatory',
  kinds: [`${ISTIO}:VirtualService`],
  check(vs) {
    const out: string[] = [];
    vsSpec(vs).http.forEach((route, r) => {
      const dests = route.route ?? [];
      const name = route.name ?? `#${r}`;
      for (const d of dests) {
        if (d.weight !== undefined && (!Number.isInteger(d.weight) || d.weight < 0))
          out.push(`${ref(vs)} route ${name} gives ${d.destination.host} weight ${d.weight}, which is not a whole number ≥ 0.`);
      }
      if (dests.length > 1) {
        const sum = dests.reduce((a, d) => a + (d.weight ?? 0), 0);
        if (sum !== 100) out.push(`${ref(vs)} route ${name} has weights summing to ${sum}; they must sum to 100.`);
      }
    });
    return out;
  },
};
