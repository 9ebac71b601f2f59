/**
 * A spec rule's conditions as Gateway API `HTTPRouteMatch`es, and what Gateway API's precedence needs to know
 * about them: their rank, whether two can hold for one request, and their conjunction.
 *
 * Gateway API (kubernetes-sigs/gateway-api v1.6.1 `apis/v1/httproute_types.go`, `HTTPRouteRule.Matches`) ORs
 * the matches of a rule and ANDs the conditions inside one; every match has a path (the CRD defaults it to
 * `PathPrefix /`, so graylane writes it). `PathPrefix` is the spec's segment prefix ("/api" takes "/api" and
 * "/api/x", never "/apix"), so a prefix is emitted as itself — never as a regex, which ranks differently.
 */
import type { HeaderCondition, MethodCondition, PathCondition, PlanRule } from '../../plan';
import type { StringMatch } from '../../spec/schema';
import { escapeRegex } from '../istio/virtual-services';

export type PathType = 'Exact' | 'PathPrefix' | 'RegularExpression';
export type ValueType = 'Exact' | 'RegularExpression';

export interface ValueMatch {
  readonly name: string;
  readonly type: ValueType;
  readonly value: string;
}

export interface GatewayMatch {
  readonly path: { readonly type: PathType; readonly value: string };
  readonly method?: string;
  /** Sorted by name; header names lower case. */
  readonly headers: readonly ValueMatch[];
  readonly queryParams: readonly ValueMatch[];
}

/** Why a rule's condition has no Gateway API form (an error of the caller's choosing). */
export interface Inexpressible {
  readonly path: readonly (string | number)[];
  readonly message: string;
  readonly hint: string;
}

/** The CRD's enum of `HTTPRouteMatch.method`. */
export const HTTP_METHODS: readonly string[] = ['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'CONNECT', 'OPTIONS', 'TRACE', 'PATCH'];

export const CATCH_ALL: GatewayMatch = { path: { type: 'PathPrefix', value: '/' }, headers: [], queryParams: [] };

/** The matches of one spec rule (a method list is one match per method), or what cannot be expressed. */
export function ruleMatches(rule: PlanRule, at: readonly (string | number)[]): { matches: GatewayMatch[]; problems: Inexpressible[] } {
  const problems: Inexpressible[] = [];
  if (rule.port !== undefined)
    problems.push({ path: [...at, 'port'], message: `HTTPRoute matches have no port condition (rule "${rule.name}" asks for port ${rule.port}); in Gateway API a port is a listener of the Gateway.`, hint: 'remove port and attach the entry to that listener with entry.gatewayApi.port or sectionName, or use target istio' });
  const methods = rule.method ? methodsOf(rule.method) : [undefined];
  if (methods === undefined)
    problems.push({ path: [...at, 'method'], message: `HTTPRoute matches one method by name; rule "${rule.name}" uses a method ${'pattern' in rule.method! && rule.method.pattern.regex !== undefined ? 'regex' : 'prefix'}.`, hint: 'list the methods, e.g. method: [GET, HEAD]' });
  for (const m of methods ?? []) {
    if (m !== undefined && !HTTP_METHODS.includes(m))
      problems.push({ path: [...at, 'method'], message: `HTTPRoute matches the methods ${HTTP_METHODS.join(', ')} only; rule "${rule.name}" asks for "${m}".`, hint: 'use one of those methods, or target istio' });
  }
  const headers = values(rule.headers, [...at, 'headers'], problems);
  const queryParams = values(rule.queryParams, [...at, 'queryParams'], problems);
  const path = rule.path ? pathMatch(rule.path) : CATCH_ALL.path;
  return {
    matches: (methods ?? []).map((method) => ({ path, ...(method !== undefined ? { method } : {}), headers, queryParams })),
    problems,
  };
}

function methodsOf(method: MethodCondition): (string | undefined)[] | undefined {
  return 'anyOf' in method ? [...method.anyOf] : undefined;
}

function pathMatch(path: PathCondition): GatewayMatch['path'] {
  switch (path.kind) {
    case 'exact':
      return { type: 'Exact', value: path.value };
    case 'prefix':
      return { type: 'PathPrefix', value: path.value };
    case 'regex':
      return { type: 'RegularExpression', value: anchored(path.value) };
  }
}

/**
 * Gateway API leaves the regex dialect and anchoring to the implementation; the spec's regexes match the whole
 * value (RE2 full match, as Envoy does), so they are anchored to mean that under partial-match dialects too.
 */
function anchored(regex: string): string {
  return `^(?:${regex})$`;
}

function values(conditions: readonly HeaderCondition[], at: readonly (string | number)[], problems: Inexpressible[]): ValueMatch[] {
  return conditions.map(({ name, match }) => {
    const v = valueMatch(match);
    if (v === undefined) {
      problems.push({ path: [...at, name], message: `Gateway API cannot match "${name}" against the empty string: a match value needs at least one character.`, hint: `use regex: "^$" to match an empty "${name}"` });
      return { name, type: 'Exact' as const, value: '' };
    }
    return { name, ...v };
  });
}

/** Exact stays Exact; a prefix and a regex become an anchored RegularExpression (Gateway API has no prefix). */
function valueMatch(match: StringMatch): { type: ValueType; value: string } | undefined {
  if (match.exact !== undefined) return match.exact === '' ? undefined : { type: 'Exact', value: match.exact };
  if (match.prefix !== undefined) return { type: 'RegularExpression', value: `^${escapeRegex(match.prefix)}.*$` };
  return { type: 'RegularExpression', value: anchored(match.regex ?? '') };
}

/**
 * Gateway API's precedence of matches across all rules of all routes for a host (HTTPRouteRule.Matches):
 * Exact path, then PathPrefix by its length, then a method, then the number of headers, then of query
 * parameters. RegularExpression paths rank "implementation-specific": `undefined` here, and the caller may
 * rely on no order for them.
 */
export function rank(m: GatewayMatch): readonly number[] | undefined {
  if (m.path.type === 'RegularExpression') return undefined;
  return [m.path.type === 'Exact' ? 2 : 1, m.path.value.length, m.method !== undefined ? 1 : 0, m.headers.length, m.queryParams.length];
}

/** -1, 0, 1 as a outranks, ties with, or ranks below b (both without regex paths). */
export function compareRank(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i]! > b[i]! ? -1 : 1;
  return 0;
}

/** Within a segment prefix: "/api/x" and "/api" are within "/api"; "/apix" is not; everything is within "/". */
function within(path: string, prefix: string): boolean {
  return prefix === '/' || path === prefix || path.startsWith(`${prefix}/`);
}

/** The path both conditions take, 'none' when they share no request, 'unknown' when a regex is involved. */
function pathBoth(a: GatewayMatch['path'], b: GatewayMatch['path']): GatewayMatch['path'] | 'none' | 'unknown' {
  if (a.type === 'PathPrefix' && a.value === '/') return b;
  if (b.type === 'PathPrefix' && b.value === '/') return a;
  if (a.type === 'RegularExpression' || b.type === 'RegularExpression') return 'unknown';
  if (a.type === 'Exact' && b.type === 'Exact') return a.value === b.value ? a : 'none';
  if (a.type === 'Exact') return within(a.value, b.value) ? a : 'none';
  if (b.type === 'Exact') return within(b.value, a.value) ? b : 'none';
  if (within(a.value, b.value)) return a;
  return within(b.value, a.value) ? b : 'none';
}

/** Both value lists at once: 'none' when an exact value contradicts another, 'unknown' when two differ otherwise. */
function valuesBoth(a: readonly ValueMatch[], b: readonly ValueMatch[], caseInsensitive: boolean): ValueMatch[] | 'none' | 'unknown' {
  const key = (n: string) => (caseInsensitive ? n.toLowerCase() : n);
  const out = new Map(a.map((v) => [key(v.name), v]));
  let unknown = false;
  for (const v of b) {
    const other = out.get(key(v.name));
    if (!other) out.set(key(v.name), v);
    else if (other.type !== v.type || other.value !== v.value) {
      if (other.type === 'Exact' && v.type === 'Exact') return 'none';
      unknown = true;
    }
  }
  if (unknown) return 'unknown';
  return [...out.values()].sort((x, y) => (x.name < y.name ? -1 : x.name > y.name ? 1 : 0));
}

/**
 * The one match that holds exactly when both hold: 'none' when no request satisfies both, 'unknown' when they
 * may share requests but one HTTPRouteMatch cannot say "both" (two different regexes, a regex path and another).
 */
export function conjunction(a: GatewayMatch, b: GatewayMatch): GatewayMatch | 'none' | 'unknown' {
  if (a.method !== undefined && b.method !== undefined && a.method !== b.method) return 'none';
  const path = pathBoth(a.path, b.path);
  const headers = valuesBoth(a.headers, b.headers, true);
  const queryParams = valuesBoth(a.queryParams, b.queryParams, false);
  if (path === 'none' || headers === 'none' || queryParams === 'none') return 'none';
  if (path === 'unknown' || headers === 'unknown' || queryParams === 'unknown') return 'unknown';
  const method = a.method ?? b.method;
  return { path, ...(method !== undefined ? { method } : {}), headers, queryParams };
}

export function matchKey(m: GatewayMatch): string {
  return JSON.stringify([m.path.type, m.path.value, m.method ?? '', m.headers, m.queryParams]);
}

/** The HTTPRouteMatch object, fields in the CRD's order; types always written (never left to defaults). */
export function matchObject(m: GatewayMatch): Record<string, unknown> {
  return {
    path: { type: m.path.type, value: m.path.value },
    ...(m.headers.length > 0 ? { headers: m.headers.map((h) => ({ name: h.name, type: h.type, value: h.value })) } : {}),
    ...(m.queryParams.length > 0 ? { queryParams: m.queryParams.map((q) => ({ name: q.name, type: q.type, value: q.value })) } : {}),
    ...(m.method !== undefined ? { method: m.method } : {}),
  };
}

export function describeMatch(m: GatewayMatch): string {
  const parts = [`path ${m.path.type} ${JSON.stringify(m.path.value)}`];
  if (m.method !== undefined) parts.push(`method ${m.method}`);
  for (const h of m.headers) parts.push(`header ${h.name} ${h.type} ${JSON.stringify(h.value)}`);
  for (const q of m.queryParams) parts.push(`query ${q.name} ${q.type} ${JSON.stringify(q.value)}`);
  return parts.join(', ');
}
