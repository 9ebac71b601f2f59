/**
 * Traefik router rules. v3 syntax (traefik.io): Header, HeaderRegexp, Query, QueryRegexp; v2 syntax
 * (traefik.containo.us): Headers, HeadersRegexp, Query(`k=v`). Traefik's regexes are Go regexps that match
 * anywhere in the value, so every regex is anchored to mean what Istio's full-match regexes mean.
 */
import type { HeaderCondition } from '../../plan';
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
