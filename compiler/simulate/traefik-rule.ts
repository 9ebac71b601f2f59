/**
 * Traefik router rules, parsed and evaluated as Traefik does: matchers combined with &&, ||, ! and
 * parentheses, in the v3 syntax (traefik/traefik pkg/muxer/http/matcher.go) or the v2 syntax
 * (pkg/muxer/http/matcher_v2.go, whose Path, PathPrefix, HostRegexp, Headers and Query are gorilla/mux
 * matchers). A rule Traefik would refuse (unknown matcher, wrong number of arguments, a bad regexp or
 * template) throws, as Traefik drops such a router.
 */
import { BlockList, isIP } from 'node:net';
import { re2AsJs } from './string-match';

export type TraefikRuleSyntax = 'v2' | 'v3';

export interface TraefikRequest {
  /** The Host header, possibly with a port. */
  readonly host: string;
  /** The routing path (percent-decoded except for reserved characters). */
  readonly path?: string;
  /** Default GET. */
  readonly method?: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly query?: Readonly<Record<string, string>>;
  /** The client's address (ClientIP matches the remote address, not X-Forwarded-For). */
  readonly clientIP?: string;
}

type Test = (request: TraefikRequest) => boolean;

export type RuleNode =
  | { readonly op: 'and' | 'or'; readonly left: RuleNode; readonly right: RuleNode }
  | { readonly op: 'not'; readonly operand: RuleNode }
  | { readonly op: 'call'; readonly name: string; readonly args: readonly string[]; readonly test: Test };

export function parseRule(rule: string, syntax: TraefikRuleSyntax = 'v3'): RuleNode {
  const tokens = tokenize(rule);
  const matchers = syntax === 'v3' ? V3 : V2;
  let i = 0;
  const peek = () => tokens[i];
  const take = (text?: string) => {
    const t = tokens[i];
    if (!t || (text !== undefined && t.text !== text)) throw new Error(`rule "${rule}": expected ${text ?? 'more'} at ${t ? `"${t.text}"` : 'the end'}`);
    i++;
    return t;
  };
  const primary = (): RuleNode => {
    const t = peek();
    if (t?.text === '!') {
      take('!');
      return { op: 'not', operand: primary() };
    }
    if (t?.text === '(') {
      take('(');
      const inner = or();
      take(')');
      return inner;
    }
    const name = take().text;
    const build = matchers[name];
    if (!build) throw new Error(`rule "${rule}": unknown matcher ${name} in Traefik ${syntax} syntax`);
    take('(');
    const args: string[] = [];
    while (peek()?.text !== ')') {
      const arg = take();
      if (arg.kind !== 'string') throw new Error(`rule "${rule}": ${name} takes string arguments`);
      args.push(arg.text);
      if (peek()?.text === ',') take(',');
    }
    take(')');
    try {
      return { op: 'call', name, args, test: build(args) };
    } catch (e) {
      throw new Error(`rule "${rule}": ${name}: ${(e as Error).message}`);
    }
  };
  const and = (): RuleNode => {
    let left = primary();
    while (peek()?.text === '&&') {
      take('&&');
      left = { op: 'and', left, right: primary() };
    }
    return left;
  };
  const or = (): RuleNode => {
    let left = and();
    while (peek()?.text === '||') {
      take('||');
      left = { op: 'or', left, right: and() };
    }
    return left;
  };
  const tree = or();
  if (i < tokens.length) throw new Error(`rule "${rule}": unexpected "${tokens[i]!.text}"`);
  return tree;
}

export function evaluateRule(node: RuleNode, request: TraefikRequest): boolean {
  switch (node.op) {
    case 'and':
      return evaluateRule(node.left, request) && evaluateRule(node.right, request);
    case 'or':
      return evaluateRule(node.left, request) || evaluateRule(node.right, request);
    case 'not':
      return !evaluateRule(node.operand, request);
    case 'call':
      return node.test(request);
  }
}

type Builder = (args: readonly string[]) => Test;

/** v3: every matcher takes exactly one argument, except Header/HeaderRegexp (two) and Query/QueryRegexp (one or two). */
const V3: Readonly<Record<string, Builder>> = {
  ClientIP: arity([1], (args) => clientIP(args)),
  // The rule's method is upper-cased; the request's is compared as sent.
  Method: arity([1], ([m]) => {
    const method = m!.toUpperCase();
    return (r) => (r.method ?? 'GET') === method;
  }),
  Host: arity([1], ([h]) => {
    if (h === '*') return () => true;
    ascii(h!);
    const expr = h!.toLowerCase();
    return (r) => hostMatchesV3(canonicalHost(r.host), expr);
  }),
  HostRegexp: arity([1], ([re]) => {
    ascii(re!);
    const regexp = goRegexp(re!);
    return (r) => regexp.test(canonicalHost(r.host));
  }),
  Path: arity([1], ([p]) => {
    leadingSlash(p!);
    return (r) => routingPath(r) === p;
  }),
  PathPrefix: arity([1], ([p]) => {
    leadingSlash(p!);
    return (r) => routingPath(r).startsWith(p!);
  }),
  PathRegexp: arity([1], ([re]) => {
    const regexp = goRegexp(re!);
    return (r) => regexp.test(routingPath(r));
  }),
  Header: arity([2], ([name, value]) => (r) => header(r, name!) === value),
  HeaderRegexp: arity([2], ([name, re]) => {
    const regexp = goRegexp(re!);
    return (r) => {
      const v = header(r, name!);
      return v !== undefined && regexp.test(v);
    };
  }),
  // Query(`k`) means k present with an empty value.
  Query: arity([1, 2], ([key, value]) => (r) => r.query?.[key!] === (value ?? '')),
  QueryRegexp: arity([1, 2], ([key, re]) => {
    if (re === undefined) return (r) => r.query?.[key!] === '';
    const regexp = goRegexp(re);
    return (r) => {
      const v = r.query?.[key!];
      return v !== undefined && regexp.test(v);
    };
  }),
};

/** v2: lists of arguments (any one may match); Path, PathPrefix and HostRegexp are gorilla/mux templates. */
const V2: Readonly<Record<string, Builder>> = {
  Host: (args) => hostV2(args),
  HostHeader: (args) => hostV2(args),
  HostRegexp: (args) => {
    const templates = args.map((h) => {
      ascii(h);
      const { js, go } = muxPattern(h, 'host');
      // mux keeps the port only when its own pattern has a ":" (regexp.go, wildcardHostPort).
      return { regexp: new RegExp(js, 'u'), keepPort: go.includes(':') };
    });
    // gorilla/mux matches the Host as sent, with its port only when the template names one.
    return (r) => templates.some((t) => t.regexp.test(t.keepPort ? r.host : r.host.replace(/:\d+$/, '')));
  },
  ClientIP: (args) => clientIP(args),
  Path: (args) => {
    const templates = args.map((p) => muxTemplate(p, 'path'));
    return (r) => templates.some((t) => t.test(routingPath(r)));
  },
  PathPrefix: (args) => {
    const templates = args.map((p) => muxTemplate(p, 'prefix'));
    return (r) => templates.some((t) => t.test(routingPath(r)));
  },
  Method: (args) => {
    const methods = args.map((m) => m.toUpperCase());
    return (r) => methods.includes(r.method ?? 'GET');
  },
  // Pairs of name, value; an empty value asks only that the header be there.
  Headers: (args) => {
    const pairs = inPairs(args);
    return (r) => pairs.every(([name, value]) => header(r, name) !== undefined && (value === '' || header(r, name) === value));
  },
  HeadersRegexp: (args) => {
    const pairs = inPairs(args).map(([name, re]) => [name, re === '' ? undefined : goRegexp(re)] as const);
    return (r) => pairs.every(([name, regexp]) => {
      const v = header(r, name);
      return v !== undefined && (regexp === undefined || regexp.test(v));
    });
  },
  // `k=v` each; the value is a template matched against the first value of k (".*" when empty).
  Query: (args) => {
    const pairs = inPairs(args.flatMap((a) => (a.includes('=') ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)] : [a])));
    const templates = pairs.map(([key, value]) => ({ key, regexp: muxTemplate(`${key}=${value}`, 'query') }));
    return (r) => templates.every(({ key, regexp }) => r.query?.[key] !== undefined && regexp.test(`${key}=${r.query[key]}`));
  },
};

function arity(counts: readonly number[], build: Builder): Builder {
  return (args) => {
    if (!counts.includes(args.length)) throw new Error(`unexpected number of parameters; got ${args.length}, expected one of [${counts.join(' ')}]`);
    return build(args);
  };
}

function ascii(value: string): void {
  // eslint-disable-next-line no-control-regex
  if (!/^[\x00-\x7f]*$/.test(value)) throw new Error(`invalid value "${value}", non-ASCII characters are not allowed`);
}

function leadingSlash(path: string): void {
  if (!path.startsWith('/')) throw new Error(`path "${path}" does not start with a '/'`);
}

function routingPath(r: TraefikRequest): string {
  return r.path ?? '/';
}

function header(r: TraefikRequest, name: string): string | undefined {
  const lower = name.toLowerCase();
  for (const [k, v] of Object.entries(r.headers ?? {})) if (k.toLowerCase() === lower) return v;
  return undefined;
}

/** Traefik's canonical host: the Host without its port, trimmed and lower-cased (requestdecorator). */
function canonicalHost(host: string): string {
  const bracketed = /^\[([^\]]*)\](:\d+)?$/.exec(host);
  const bare = bracketed ? bracketed[1]! : host.split(':').length === 2 ? host.slice(0, host.indexOf(':')) : host;
  return bare.trim().toLowerCase();
}

/** v3 Host: equal ignoring case, "*.example.com" standing for any first label, a trailing dot on either side ignored. */
function hostMatchesV3(host: string, expr: string): boolean {
  if (host === '') return false;
  const domainMatches = (domain: string, e: string) =>
    e.startsWith('*') ? ['*', ...domain.split('.').slice(1)].join('.') === e : domain === e;
  return domainMatches(host, expr) || (expr.endsWith('.') && domainMatches(host, expr.slice(0, -1))) || (host.endsWith('.') && domainMatches(host.slice(0, -1), expr));
}

function hostV2(args: readonly string[]): Test {
  const hosts = args.map((h) => {
    ascii(h);
    return h.toLowerCase();
  });
  return (r) => {
    const host = canonicalHost(r.host);
    return host !== '' && hosts.some((h) => host === h || (h.endsWith('.') && host === h.slice(0, -1)) || (host.endsWith('.') && host.slice(0, -1) === h));
  };
}

/** ClientIP: the remote address is one of these IPs or inside one of these CIDRs (pkg/ip Checker). */
function clientIP(args: readonly string[]): Test {
  if (args.length === 0) throw new Error('no trusted IPs provided');
  const list = new BlockList();
  for (const entry of args) {
    const [address, bits, ...rest] = entry.split('/');
    const family = isIP(address ?? '');
    if (family === 0 || rest.length > 0 || (bits !== undefined && !/^\d+$/.test(bits))) throw new Error(`parsing CIDR trusted IPs ${entry}`);
    const type = family === 4 ? 'ipv4' : 'ipv6';
    if (bits === undefined) list.addAddress(address!, type);
    else if (Number(bits) > (family === 4 ? 32 : 128)) throw new Error(`parsing CIDR trusted IPs ${entry}`);
    else list.addSubnet(address!, Number(bits), type);
  }
  return (r) => {
    const address = r.clientIP?.replace(/^\[|\]$/g, '');
    const family = isIP(address ?? '');
    return family !== 0 && list.check(address!, family === 4 ? 'ipv4' : 'ipv6');
  };
}

function inPairs(args: readonly string[]): [string, string][] {
  if (args.length % 2 !== 0) throw new Error(`number of parameters must be multiple of 2, got ${JSON.stringify(args)}`);
  const out: [string, string][] = [];
  for (let i = 0; i < args.length; i += 2) out.push([args[i]!, args[i + 1]!]);
  return out;
}

/**
 * A gorilla/mux route template as a regexp (mux's newRouteRegexp): literal text quoted, `{name}` and
 * `{name:pattern}` variables (default `[^/]+` in paths, `[^.]+` in hosts, `.*` for an empty query value),
 * anchored at both ends except for a prefix. Capturing groups in a pattern are refused, as mux refuses them.
 */
export function muxTemplate(template: string, type: MuxType): RegExp {
  return new RegExp(muxPattern(template, type).js, 'u');
}

type MuxType = 'path' | 'prefix' | 'host' | 'query';

/** The template's regexp in JavaScript syntax, and as mux writes it (its `(?P<vN>…)` groups). */
function muxPattern(template: string, type: MuxType): { js: string; go: string } {
  const defaultPattern = type === 'query' ? '.*' : type === 'host' ? '[^.]+' : '[^/]+';
  let pattern = '^';
  let go = '^';
  let groups = 0;
  let level = 0;
  let start = 0;
  let literalStart = 0;
  for (let i = 0; i < template.length; i++) {
    const c = template[i];
    if (c === '{') {
      if (level++ === 0) {
        pattern += quoteMeta(template.slice(literalStart, i));
        go += quoteMeta(template.slice(literalStart, i));
        start = i;
      }
    } else if (c === '}') {
      if (--level === 0) {
        const param = template.slice(start + 1, i);
        const colon = param.indexOf(':');
        const name = colon === -1 ? param : param.slice(0, colon);
        const patt = colon === -1 ? defaultPattern : param.slice(colon + 1);
        if (name === '' || patt === '') throw new Error(`mux: missing name or pattern in "{${param}}"`);
        if (capturingGroups(patt) > 0) throw new Error(`route ${template} contains capture groups in its regexp. Only non-capturing groups are accepted: e.g. (?:pattern) instead of (pattern)`);
        pattern += `(?:${goSource(patt)})`;
        go += `(?P<v${groups++}>${patt})`;
        literalStart = i + 1;
      } else if (level < 0) {
        throw new Error(`mux: unbalanced braces in "${template}"`);
      }
    }
  }
  if (level !== 0) throw new Error(`mux: unbalanced braces in "${template}"`);
  pattern += quoteMeta(template.slice(literalStart));
  go += quoteMeta(template.slice(literalStart));
  if (type === 'query' && template.slice(template.indexOf('=') + 1) === '') pattern += defaultPattern;
  if (type !== 'prefix') pattern += '$';
  return { js: pattern, go };
}

function capturingGroups(source: string): number {
  return new RegExp(`${goSource(source)}|`, 'u').exec('')!.length - 1;
}

function quoteMeta(text: string): string {
  return text.replace(/[\\.+*?()|[\]{}^$]/g, '\\$&');
}

const cache = new Map<string, RegExp>();

/** A Go regexp finds a match anywhere in the value unless the pattern anchors it. */
function goRegexp(pattern: string): RegExp {
  let re = cache.get(pattern);
  if (!re) {
    // Go's leading (?i) flag is JavaScript's "i".
    const insensitive = pattern.startsWith('(?i)');
    re = new RegExp(goSource(insensitive ? pattern.slice(4) : pattern), insensitive ? 'iu' : 'u');
    cache.set(pattern, re);
  }
  return re;
}

/**
 * Go's named group `(?P<name>…)` is JavaScript's `(?<name>…)`; `.` and `\s` as re2AsJs writes them (Go's
 * regexp/syntax reads them as RE2 does); the rest of RE2's syntax JavaScript reads alike.
 */
function goSource(pattern: string): string {
  return re2AsJs(pattern.replace(/\(\?P</g, '(?<'));
}

interface Token {
  kind: 'string' | 'word' | 'punct';
  text: string;
}

function tokenize(rule: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < rule.length) {
    const c = rule[i]!;
    if (/\s/.test(c)) {
      i++;
    } else if (c === '`') {
      const end = rule.indexOf('`', i + 1);
      if (end === -1) throw new Error(`rule "${rule}": unterminated backtick string`);
      tokens.push({ kind: 'string', text: rule.slice(i + 1, end) });
      i = end + 1;
    } else if (c === '"') {
      const m = /^"(?:[^"\\]|\\.)*"/.exec(rule.slice(i));
      if (!m) throw new Error(`rule "${rule}": unterminated string`);
      tokens.push({ kind: 'string', text: JSON.parse(m[0]) as string });
      i += m[0].length;
    } else if (rule.startsWith('&&', i) || rule.startsWith('||', i)) {
      tokens.push({ kind: 'punct', text: rule.slice(i, i + 2) });
      i += 2;
    } else if ('()!,'.includes(c)) {
      tokens.push({ kind: 'punct', text: c });
      i++;
    } else {
      const m = /^[A-Za-z]+/.exec(rule.slice(i));
      if (!m) throw new Error(`rule "${rule}": unexpected "${c}"`);
      tokens.push({ kind: 'word', text: m[0] });
      i += m[0].length;
    }
  }
  return tokens;
}
