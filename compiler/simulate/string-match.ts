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
    re = new RegExp(`^(?:${re2AsJs(regex)})$`, 'u');
    compiled.set(regex, re);
  }
  return re;
}

/**
 * An RE2 pattern written so JavaScript gives it RE2's meaning where the two differ on the same text: RE2's `.`
 * is any character but `\n` (JavaScript's also refuses `\r`, U+2028, U+2029), and RE2's `\s` is
 * `[\t\n\f\r ]` (JavaScript's includes Unicode spaces) — google/re2 `re2/re2.h` syntax, Perl classes.
 * Everything else is copied as written.
 */
export function re2AsJs(pattern: string): string {
  let out = '';
  let inClass = false;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '\\' && i + 1 < pattern.length) {
      const next = pattern[i + 1]!;
      i++;
      if (next === 's') out += inClass ? '\\t\\n\\f\\r ' : '[\\t\\n\\f\\r ]';
      else out += c + next;
      continue;
    }
    if (inClass) {
      if (c === ']') inClass = false;
      out += c;
      continue;
    }
    if (c === '[') {
      inClass = true;
      out += c;
      // A `]` first in a class (after an optional `^`) is a literal in RE2.
      if (pattern[i + 1] === '^') out += pattern[++i];
      if (pattern[i + 1] === ']') {
        out += '\\]';
        i++;
      }
      continue;
    }
    out += c === '.' ? '[^\\n]' : c;
  }
  return out;
}
