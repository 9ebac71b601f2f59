/**
 * Traefik router rules, parsed and evaluated: matchers (v3 and v2 names) combined with &&, ||, ! and
 * parentheses. Regexes are Go regexps that match anywhere unless anchored, as Traefik evaluates them.
 */

export interface TraefikRequest {
  readonly host: string;
  readonly path?: string;
  readonly method?: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly query?: Readonly<Record<string, string>>;
}

export type RuleNode =
  | { readonly op: 'and' | 'or'; readonly left: RuleNode; readonly right: RuleNode }
  | { readonly op: 'not'; readonly operand: RuleNode }
  | { readonly op: 'call'; readonly name: string; readonly args: readonly string[] };

const MATCHERS = new Set([
  'Host', 'HostRegexp', 'Path', 'PathPrefix', 'PathRegexp', 'Method',
  'Header', 'HeaderRegexp', 'Query', 'QueryRegexp',
  // Traefik v2 names
  'Headers', 'HeadersRegexp',
]);

export function parseRule(rule: string): RuleNode {
  const tokens = tokenize(rule);
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
    if (!MATCHERS.has(name)) throw new Error(`rule "${rule}": unknown matcher ${name}`);
    take('(');
    const args: string[] = [];
    while (peek()?.text !== ')') {
      const arg = take();
      if (arg.kind !== 'string') throw new Error(`rule "${rule}": ${name} takes string arguments`);
      args.push(arg.text);
      if (peek()?.text === ',') take(',');
    }
    take(')');
    return { op: 'call', name, args };
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
      return call(node.name, node.args, request);
  }
}

function call(name: string, args: readonly string[], r: TraefikRequest): boolean {
  const headers = Object.fromEntries(Object.entries(r.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v]));
  const query = r.query ?? {};
  const path = r.path ?? '/';
  const host = r.host.toLowerCase();
  switch (name) {
    case 'Host':
      return args.some((h) => h.toLowerCase() === host);
    case 'HostRegexp':
      return args.some((re) => goRegexp(re).test(host));
    case 'Path':
      return args.includes(path);
    case 'PathPrefix':
      return args.some((p) => path.startsWith(p));
    case 'PathRegexp':
      return goRegexp(args[0]!).test(path);
    case 'Method':
      return args.includes(r.method ?? 'GET');
    case 'Header':
    case 'Headers':
      return headers[args[0]!.toLowerCase()] === args[1];
    case 'HeaderRegexp':
    case 'HeadersRegexp': {
      const value = headers[args[0]!.toLowerCase()];
      return value !== undefined && goRegexp(args[1]!).test(value);
    }
    case 'Query':
      if (args.length === 1) {
        // v2: Query(`key=value`)
        const [key, ...rest] = args[0]!.split('=');
        return query[key!] === rest.join('=');
      }
      return query[args[0]!] === args[1];
    case 'QueryRegexp': {
      const value = query[args[0]!];
      return value !== undefined && goRegexp(args[1]!).test(value);
    }
    default:
      return false;
  }
}

const cache = new Map<string, RegExp>();

/** A Go regexp finds a match anywhere in the value unless the pattern anchors it. */
function goRegexp(pattern: string): RegExp {
  let re = cache.get(pattern);
  if (!re) {
    re = new RegExp(pattern, 'u');
    cache.set(pattern, re);
  }
  return re;
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
