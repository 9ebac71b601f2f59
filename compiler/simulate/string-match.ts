/** Istio StringMatch as Envoy evaluates it: exact, prefix, or a RE2 regex that must match the whole value. */

export interface AnyStringMatch {
  readonly exact?: string;
  readonly prefix?: string;
  readonly regex?: string;
}

const compiled = new Map<string, RegExp>();

/** An absent condition holds; a condition on an absent value does not. */
export function matchString(match: AnyStringMatch | undefined, value: string | undefined): boolean {
  if (!match) return true;
  if (value === undefined) return false;
  if (match.exact !== undefined) return value === match.exact;
  if (match.prefix !== undefined) return value.startsWith(match.prefix);
  if (match.regex !== undefined) return fullMatch(match.regex).test(value);
  // An empty StringMatch matches any present value.
  return true;
}

/** Envoy's safe_regex is a full match: anchor the pattern so "v1" does not match "v10". */
export function fullMatch(regex: string): RegExp {
  let re = compiled.get(regex);
  if (!re) {
    re = new RegExp(`^(?:${regex})$`, 'u');
    compiled.set(regex, re);
  }
  return re;
}
