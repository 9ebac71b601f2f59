/**
 * Traefik router rules. v3 syntax (traefik.io): Header, HeaderRegexp, Query, QueryRegexp; v2 syntax
 * (traefik.containo.us): Headers, HeadersRegexp, Query(`k=v`). Traefik's regexes are Go regexps that match
 * anywhere in the value, so every regex is anchored to mean what Istio's full-match regexes mean.
 */
import type { HeaderCondition, MethodCondition, PathCondition } from '../../plan';
import { escapeRegex } from '../istio/virtual-services';

export type RuleSyntax = 'v2' | 'v3';

/** A Traefik string literal: backticks, or a Go double-quoted string when the value has a backtick. */
export function literal(value: string): string {
  return value.includes('`') ? JSON.stringify(value) : `\`${value}\``;
}

export function hostRule(hosts: readonly string[]): string {
  const parts = hosts.map((h) => `Host(${literal(h)})`);
  return parts.length === 1 ? parts[0]! : `(${parts.join(' || ')})`;
}

/** `^(?:re)$`: the whole value must match, as in Istio. */
export function anchored(regex: string): string {
  return `^(?:${regex})$`;
}

/** A header condition as a rule fragment, or undefined with `problem` set when the syntax cannot say it. */
export function headerRule(c: HeaderCondition, syntax: RuleSyntax): string {
  const { exact, prefix, regex } = c.match;
  const name = literal(c.name);
  if (exact !== undefined) return syntax === 'v3' ? `Header(${name}, ${literal(exact)})` : `Headers(${name}, ${literal(exact)})`;
  const re = regex !== undefined ? anchored(regex) : `^${escapeRegex(prefix ?? '')}`;
  return syntax === 'v3' ? `HeaderRegexp(${name}, ${literal(re)})` : `HeadersRegexp(${name}, ${literal(re)})`;
}

/** A query condition as a rule fragment; v2 has exact query matches only (undefined otherwise). */
export function queryRule(c: HeaderCondition, syntax: RuleSyntax): string | undefined {
  const { exact, prefix, regex } = c.match;
  if (syntax === 'v2') return exact !== undefined ? `Query(${literal(`${c.name}=${exact}`)})` : undefined;
  if (exact !== undefined) return `Query(${literal(c.name)}, ${literal(exact)})`;
  const re = regex !== undefined ? anchored(regex) : `^${escapeRegex(prefix ?? '')}`;
  return `QueryRegexp(${literal(c.name)}, ${literal(re)})`;
}

/**
 * A path condition as a rule fragment, or the reason the syntax cannot say it. Traefik v3's `PathPrefix` is a
 * plain string prefix and `PathRegexp` an unanchored Go regexp (pkg/muxer/http/matcher.go: strings.HasPrefix,
 * re.MatchString), so a segment prefix is the path itself or the prefix with its "/", and a regex is anchored.
 * Traefik v2's `Path` and `PathPrefix` are gorilla/mux templates (pkg/muxer/http/matcher_v2.go → mux's
 * newRouteRegexp: literal text between `{name:pattern}` variables, the whole template anchored, a prefix
 * anchored at the start only), so a v2 regex is one variable spanning the whole path, and literal braces
 * cannot be written at all.
 */
export function pathRule(path: PathCondition, syntax: RuleSyntax): string | { problem: string; hint: string } {
  if (syntax === 'v2' && path.kind !== 'regex' && /[{}]/.test(path.value))
    return { problem: `Traefik v2 reads "{" and "}" in a path as a template variable, so path ${JSON.stringify(path.value)} cannot be matched literally.`, hint: 'use apiGroup traefik.io (Traefik v3), or a regex' };
  const v = (value: string) => literal(value);
  switch (path.kind) {
    case 'exact':
      return `Path(${v(path.value)})`;
    case 'prefix':
      return path.value === '/' ? 'PathPrefix(`/`)' : `(Path(${v(path.value)}) || PathPrefix(${v(`${path.value}/`)}))`;
    case 'regex': {
      if (syntax === 'v3') return `PathRegexp(${v(anchored(path.value))})`;
      // mux pairs braces without reading escapes, so a regex must balance them to stay one variable.
      if (!bracesBalance(path.value))
        return { problem: `Traefik v2 path templates pair "{" with "}", and regex ${JSON.stringify(path.value)} does not balance them.`, hint: 'use apiGroup traefik.io (Traefik v3), or a regex with balanced braces' };
      // gorilla/mux refuses capturing groups in a template (it counts them against its variables).
      if (capturingGroups(path.value) > 0)
        return { problem: `Traefik v2 path templates accept only non-capturing groups; regex ${JSON.stringify(path.value)} has capturing ones.`, hint: 'write (?:…) instead of (…), or use apiGroup traefik.io (Traefik v3)' };
      return `Path(${v(`{path:(?:${path.value})}`)})`;
    }
  }
}

/**
 * A method condition as a rule fragment; Traefik has no method pattern (undefined then). v3's `Method` takes
 * one method, v2's a list (gorilla/mux `Methods`); both upper-case the rule's methods and compare exactly.
 */
export function methodRule(method: MethodCondition, syntax: RuleSyntax): string | undefined {
  if ('pattern' in method) return undefined;
  if (syntax === 'v2') return `Method(${method.anyOf.map(literal).join(', ')})`;
  const parts = method.anyOf.map((m) => `Method(${literal(m)})`);
  return parts.length === 1 ? parts[0]! : `(${parts.join(' || ')})`;
}

function bracesBalance(regex: string): boolean {
  let level = 0;
  for (const c of regex) {
    if (c === '{') level++;
    if (c === '}' && --level < 0) return false;
  }
  return level === 0;
}

function capturingGroups(regex: string): number {
  try {
    return new RegExp(`${regex}|`, 'u').exec('')!.length - 1;
  } catch {
    return 0;
  }
}
