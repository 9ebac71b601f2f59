/**
 * Traefik's circuit-breaker expression grammar, checked at compile time (Traefik only finds out when the
 * middleware loads, and then drops the router). Metrics: NetworkErrorRatio() and ResponseCodeRatio(a, b, c, d)
 * compare with float literals, LatencyAtQuantileMS(q) takes a float quantile and compares with an integer of
 * milliseconds; comparisons combine with && and ||, and parentheses group.
 */

type Token = { kind: 'ident' | 'number' | 'op' | '(' | ')' | ','; text: string; at: number };

const METRICS: Record<string, { args: ('float' | 'int')[]; compare: 'float' | 'int' }> = {
  NetworkErrorRatio: { args: [], compare: 'float' },
  LatencyAtQuantileMS: { args: ['float'], compare: 'int' },
  ResponseCodeRatio: { args: ['int', 'int', 'int', 'int'], compare: 'float' },
};
const COMPARISONS = ['>=', '<=', '==', '!=', '>', '<'];

/** Why the expression is not one Traefik accepts, or undefined. */
export function circuitBreakerExpressionProblem(expression: string): string | undefined {
  let tokens: Token[];
  try {
    tokens = tokenize(expression);
  } catch (e) {
    return (e as Error).message;
  }
  let i = 0;
  const peek = () => tokens[i];
  const fail = (what: string): never => {
    const t = peek();
    throw new Error(t ? `${what} at "${t.text}" (character ${t.at + 1})` : `${what} at the end`);
  };
  const expect = (kind: Token['kind'], text?: string) => {
    const t = peek();
    if (!t || t.kind !== kind || (text !== undefined && t.text !== text)) fail(`expected ${text ?? kind}`);
    i++;
    return t!;
  };
  const number = (want: 'float' | 'int', role: string) => {
    const t = expect('number');
    const isFloat = !/^\d+$/.test(t.text);
    if (want === 'float' && !isFloat) throw new Error(`${role} must be a float literal such as ${t.text}.0 (Traefik does not convert ${t.text})`);
    if (want === 'int' && isFloat) throw new Error(`${role} must be an integer literal such as ${Math.round(Number(t.text))}, not ${t.text}`);
  };
  const comparison = () => {
    if (peek()?.kind === '(') {
      i++;
      or();
      expect(')');
      return;
    }
    if (peek()?.kind !== 'ident') fail('expected a metric such as NetworkErrorRatio()');
    const name = expect('ident').text;
    const metric = METRICS[name];
    if (!metric) throw new Error(`unknown metric ${name}(); Traefik knows ${Object.keys(METRICS).map((m) => `${m}()`).join(', ')}`);
    expect('(');
    metric.args.forEach((arg, n) => {
      if (n > 0) expect(',');
      number(arg, `argument ${n + 1} of ${name}()`);
    });
    expect(')');
    const op = peek();
    if (!op || op.kind !== 'op' || !COMPARISONS.includes(op.text)) fail(`expected a comparison (${COMPARISONS.join(' ')}) after ${name}()`);
    i++;
    number(metric.compare, `the value compared with ${name}()`);
  };
  const and = () => {
    comparison();
    while (peek()?.text === '&&') {
      i++;
      comparison();
    }
  };
  const or = () => {
    and();
    while (peek()?.text === '||') {
      i++;
      and();
    }
  };
  try {
    if (tokens.length === 0) return 'the expression is empty';
    or();
    if (i < tokens.length) fail('unexpected text');
  } catch (e) {
    return (e as Error).message;
  }
  return undefined;
}

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  // Numbers are Go literals (the expression is parsed with go/parser, then strconv): floats such as 0.5, .5, 1.,
  // 5e-1 and 0x1p-1; integers are decimal digits only (strconv.Atoi rejects 0x64 and 1_00).
  const re = /\s*(?:([A-Za-z_]\w*)|(0[xX][0-9a-fA-F]*\.?[0-9a-fA-F]*[pP][+-]?\d+|\d+\.\d*(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?|\d+[eE][+-]?\d+|\d+)|(&&|\|\||>=|<=|==|!=|>|<)|([(),]))/y;
  let at = 0;
  while (at < text.length) {
    if (/^\s*$/.test(text.slice(at))) break;
    re.lastIndex = at;
    const m = re.exec(text);
    if (!m) throw new Error(`unexpected character "${text.slice(at).trim()[0]}" (character ${at + 1 + (text.slice(at).length - text.slice(at).trimStart().length)})`);
    const start = m.index + m[0].length - (m[1] ?? m[2] ?? m[3] ?? m[4])!.length;
    if (m[1]) tokens.push({ kind: 'ident', text: m[1], at: start });
    else if (m[2]) tokens.push({ kind: 'number', text: m[2], at: start });
    else if (m[3]) tokens.push({ kind: 'op', text: m[3], at: start });
    else tokens.push({ kind: m[4] as '(' | ')' | ',', text: m[4]!, at: start });
    at = re.lastIndex;
  }
  return tokens;
}
