import { BAGGAGE_HEADER, baggageMatchProblem, DEFAULT_BAGGAGE_KEY } from '../../baggage';
import { matchString, type AnyStringMatch } from '../../simulate/string-match';
import type { ObjectRule } from '../rule';
import { ISTIO, ref } from '../rule';
import { vsSpec } from './istio-helpers';

/**
 * A route that picks a lane by a `baggage` header match must mean "the W3C list holds member key=lane": a
 * match such as `.*lane=gray.*` also takes `lane=gray2`, `xlane=gray` and `a=b;lane=gray` (a property), and
 * `exact: lane=gray` misses `userId=7,lane=gray`. Judged by trying the match (as Envoy evaluates it, RE2 full
 * match) on member lists and near misses, never by reading the regex (compiler/baggage.ts baggageMatchProblem).
 */
export const istioBaggageMatchAnchored: ObjectRule = {
  name: 'istio-baggage-match-anchored',
  scope: 'object',
  description: 'A baggage header match holds exactly when the list contains its member key=lane, whatever else the list holds.',
  rationale: 'A baggage match not anchored to member boundaries sends requests of other lanes, or of none, into a lane, and one that expects the member alone loses the lane as soon as an application adds baggage of its own.',
  defaultLevel: 'mandatory',
  kinds: [`${ISTIO}:VirtualService`],
  parameters: { baggageKey: { type: 'string', description: 'The baggage member key that names the lane (default lane; keys written in the match are tried too).' } },
  check(vs, context) {
    const key = (context.config.baggageKey as string | undefined) ?? DEFAULT_BAGGAGE_KEY;
    const out: string[] = [];
    vsSpec(vs).http.forEach((route, r) => {
      const name = route.name ?? `#${r}`;
      for (const m of route.match ?? []) {
        const headers = m.headers ?? {};
        for (const header in headers) {
          // Most matches name other headers: compare the length before lower-casing.
          if (header.length !== BAGGAGE_HEADER.length || header.toLowerCase() !== BAGGAGE_HEADER || !Object.hasOwn(headers, header)) continue;
          const sm = headers[header] as AnyStringMatch;
          const text = sm.regex ?? sm.exact ?? sm.prefix;
          if (text === undefined) continue;
          const problem = baggageMatchProblem((list) => matchString(sm, list), text, [key]);
          if (!problem) continue;
          const what = sm.regex !== undefined ? `regex ${JSON.stringify(sm.regex)}` : sm.exact !== undefined ? `exact ${JSON.stringify(sm.exact)}` : `prefix ${JSON.stringify(sm.prefix)}`;
          out.push(
            problem.matchesWithout
              ? `${ref(vs)} route ${name} matches baggage with ${what}, which is not anchored to member boundaries: it also holds for "${problem.list}", which has no member ${problem.member}.`
              : `${ref(vs)} route ${name} matches baggage with ${what}, which misses member ${problem.member} in "${problem.list}"; anchor it to member boundaries, e.g. (?:.*,)?[ \\t]*${problem.member.replace('=', '[ \\t]*=[ \\t]*')}[ \\t]*(?:[;,].*)?.`,
          );
        }
      }
    });
    return out;
  },
};
