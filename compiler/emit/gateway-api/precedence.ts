/**
 * The spec's first-match-wins order, kept under Gateway API's precedence, and laid out within the API limits.
 *
 * Gateway API does not take the first rule that matches: across every rule of every route for a host it takes
 * the most specific match (Exact path, longest PathPrefix, a method, most headers, most query parameters),
 * and only on a tie the older route, then the route first by "namespace/name", then the first rule of the route
 * (kubernetes-sigs/gateway-api v1.6.1 `apis/v1/httproute_types.go`, `HTTPRouteRule.Matches`; Istio sorts
 * its generated routes exactly so: `sortHTTPRoutes` in istio/istio `pilot/pkg/config/kube/gateway/conversion.go`).
 *
 * So when an earlier spec rule's match `a` and a later rule's more specific match `b` can hold for one request,
 * Gateway API would send that request to the later rule. graylane adds `a ∧ b` to the earlier rule: it holds
 * for exactly the requests both hold for, ranks at least as high as `b` (its path is b's, it has every header
 * and query condition of both, a method if either has one), and on an equal rank it wins by coming first in the
 * same route. Added matches are checked against every other rule the same way until nothing changes. Where one
 * HTTPRouteMatch cannot say "both" (two different regexes on one header, a regex path), or a regex path's
 * rank — which Gateway API leaves to the implementation — would decide, graylane refuses (GL411).
 *
 * Laying out: one route, in spec order, when the rules fit (≤ 16 rules, ≤ 64 matches per rule, ≤ 127 matches,
 * CRD `maxItems` and its CEL sum). Otherwise the matches are ordered by rank, highest first (spec order within
 * a rank), and cut into routes at rank boundaries, so no two routes hold matches of one rank and the routes'
 * creation times and names decide nothing; within a route equal ranks keep spec order. A rank group too large
 * for one route is cut only where no two matches across the cut can hold for one request with different
 * outcomes; otherwise GL411.
 */
import type { SpecPath } from '../../diagnostics';
import { compareRank, conjunction, describeMatch, matchKey, rank, type GatewayMatch } from './matches';

export const MAX_RULES = 16;
export const MAX_MATCHES_PER_RULE = 64;
/** The CEL rule allows a sum of 128, its message says "less than 128": 127 satisfies both. */
export const MAX_MATCHES_PER_ROUTE = 127;
export const MAX_HOSTNAMES = 16;
export const MAX_BACKEND_REFS = 16;
/** Matches the precedence fix may add before graylane gives up on a spec (each is a conjunction of the spec's). */
const MAX_ADDED = 512;

export interface OrderedRule<B> {
  readonly name: string;
  readonly matches: readonly GatewayMatch[];
  /** Equal keys route alike (backends, header operations, timeouts): their relative order does not matter. */
  readonly outcome: string;
  readonly at: SpecPath;
  readonly body: B;
}

export interface PrecedenceProblem {
  readonly path: SpecPath;
  readonly message: string;
  readonly hint: string;
}

export interface LaidOutRule<B> {
  readonly name: string;
  readonly matches: readonly GatewayMatch[];
  readonly body: B;
}

/** The rules with the matches Gateway API needs to choose as first-match-wins does, or why it cannot. */
export function keepFirstMatch<B>(rules: readonly OrderedRule<B>[]): { rules: OrderedRule<B>[]; problems: PrecedenceProblem[] } {
  const sets = rules.map((r) => new Map(r.matches.map((m) => [matchKey(m), m])));
  let added = 0;
  for (let changed = true; changed; ) {
    changed = false;
    for (let i = 0; i < rules.length; i++) {
      for (let j = i + 1; j < rules.length; j++) {
        if (rules[i]!.outcome === rules[j]!.outcome) continue;
        for (const a of [...sets[i]!.values()]) {
          for (const b of [...sets[j]!.values()]) {
            const both = conjunction(a, b);
            if (both === 'none') continue;
            const ra = rank(a);
            const rb = rank(b);
            if (ra === undefined || rb === undefined)
              return { rules: [...rules], problems: [regexProblem(rules[i]!, rules[j]!, ra === undefined ? a : b, ra === undefined)] };
            if (compareRank(rb, ra) >= 0) continue;
            if (both === 'unknown') return { rules: [...rules], problems: [inexpressible(rules[i]!, rules[j]!, a, b)] };
            const key = matchKey(both);
            if (sets[i]!.has(key)) continue;
            sets[i]!.set(key, both);
            changed = true;
            if (++added > MAX_ADDED)
              return { rules: [...rules], problems: [{ path: rules[i]!.at, message: `Keeping the spec's rule order under Gateway API's precedence needs more than ${MAX_ADDED} extra matches (rule "${rules[i]!.name}" and the more specific rules after it).`, hint: 'give the earlier rules the conditions of the later ones (or reorder: most specific first), or use target istio' }] };
          }
        }
      }
    }
  }
  return { rules: rules.map((r, i) => ({ ...r, matches: [...sets[i]!.values()] })), problems: [] };
}

function regexProblem<B>(earlier: OrderedRule<B>, later: OrderedRule<B>, regex: GatewayMatch, inEarlier: boolean): PrecedenceProblem {
  return {
    path: inEarlier ? earlier.at : later.at,
    message: `Rules "${earlier.name}" and "${later.name}" can match the same request and route it differently, and one of them matches the path by regex (${describeMatch(regex)}); Gateway API leaves the precedence of regex paths to each implementation, so which rule wins is not defined.`,
    hint: 'match the path with exact or prefix, or make the rules exclusive (e.g. a header only one of them matches), or use target istio',
  };
}

function inexpressible<B>(earlier: OrderedRule<B>, later: OrderedRule<B>, a: GatewayMatch, b: GatewayMatch): PrecedenceProblem {
  return {
    path: earlier.at,
    message: `Gateway API prefers the more specific rule "${later.name}" (${describeMatch(b)}) over "${earlier.name}" (${describeMatch(a)}) for requests both match, and one HTTPRouteMatch cannot hold both conditions to keep "${earlier.name}" first.`,
    hint: `give "${earlier.name}" the conditions of "${later.name}" it lacks, or put the more specific rule first, or use target istio`,
  };
}

/** Rules cut into routes within the API limits, keeping the precedence (see the file's header). */
export function layOut<B>(rules: readonly OrderedRule<B>[]): { routes: LaidOutRule<B>[][]; problems: PrecedenceProblem[] } {
  const live = rules.filter((r) => r.matches.length > 0);
  const total = live.reduce((n, r) => n + r.matches.length, 0);
  if (live.length <= MAX_RULES && total <= MAX_MATCHES_PER_ROUTE && live.every((r) => r.matches.length <= MAX_MATCHES_PER_RULE))
    return { routes: live.length > 0 ? [live.map((r) => ({ name: r.name, matches: r.matches, body: r.body }))] : [], problems: [] };

  type Entry = { readonly match: GatewayMatch; readonly rank: readonly number[]; readonly rule: number };
  // Regex paths come last: keepFirstMatch allowed them only where no differently routed match can meet them.
  const entries: Entry[] = live
    .flatMap((r, rule) => r.matches.map((match) => ({ match, rank: rank(match) ?? [0, 0, 0, 0, 0], rule })))
    .sort((x, y) => compareRank(x.rank, y.rank) || x.rule - y.rule);
  const groups: Entry[][] = [];
  for (const e of entries) {
    const last = groups[groups.length - 1];
    if (last && compareRank(last[0]!.rank, e.rank) === 0) last.push(e);
    else groups.push([e]);
  }

  const routes: Entry[][] = [[]];
  const fits = (route: Entry[], more: Entry[]) => rulesOf([...route, ...more]).length <= MAX_RULES && route.length + more.length <= MAX_MATCHES_PER_ROUTE;
  const problems: PrecedenceProblem[] = [];
  for (const group of groups) {
    let current = routes[routes.length - 1]!;
    if (!fits(current, group) && current.length > 0) routes.push((current = []));
    if (fits(current, group)) {
      current.push(...group);
      continue;
    }
    // One rank group larger than a route: cut it only where no request can meet two differently routed sides,
    // since across routes an equal rank is decided by the routes' creation times.
    group.forEach((e, k) => {
      if (fits(current, [e])) {
        current.push(e);
        return;
      }
      const before = group.slice(0, k);
      const after = group.slice(k);
      const clash = before.find((p) => after.some((q) => live[p.rule]!.outcome !== live[q.rule]!.outcome && conjunction(p.match, q.match) !== 'none'));
      if (clash)
        problems.push({ path: live[e.rule]!.at, message: `Rules "${live[clash.rule]!.name}" and "${live[e.rule]!.name}" have matches of equal Gateway API precedence that do not fit into one HTTPRoute (${MAX_RULES} rules, ${MAX_MATCHES_PER_ROUTE} matches); across two routes their order would depend on the routes' creation times.`, hint: 'use fewer rules or fewer alternatives (methods, lanes) of equal specificity, or use target istio' });
      routes.push((current = [e]));
    });
  }
  return {
    routes: routes.filter((r) => r.length > 0).map((route) => {
      const used = new Map<string, number>();
      return rulesOf(route).map((run) => {
        const base = live[run[0]!.rule]!;
        const n = (used.get(base.name) ?? 0) + 1;
        used.set(base.name, n);
        return { name: n === 1 ? base.name : `${base.name}-${n}`, matches: run.map((e) => e.match), body: base.body };
      });
    }),
    problems,
  };

  /** Consecutive entries of one rule form one HTTPRoute rule, of at most 64 matches. */
  function rulesOf(route: readonly Entry[]): Entry[][] {
    const out: Entry[][] = [];
    for (const e of route) {
      const last = out[out.length - 1];
      if (last && last[0]!.rule === e.rule && last.length < MAX_MATCHES_PER_RULE) last.push(e);
      else out.push([e]);
    }
    return out;
  }
}
