/**
 * The lane as a W3C Baggage member (`baggage: lane=gray`), target-neutral: the member an entry sets, the RE2
 * regex a route matches it with, and a lenient parser for explain and the simulators.
 *
 * W3C Baggage (w3c/baggage `baggage/HTTP_HEADER_FORMAT.md`): `list-member 0*179( OWS "," OWS list-member )`,
 * `list-member = key OWS "=" OWS value *( OWS ";" OWS property )`, OWS = spaces and tabs, a value is
 * baggage-octets (printable ASCII but `"`, `,`, `;`, `\`), and any octet of a value MAY be percent-encoded
 * (`%` itself MUST be). Decoders read `gr%61y` as `gray`: opentelemetry-go `baggage.parseMember`
 * (`url.PathUnescape`), opentelemetry-java `Parser.putBaggage` (`BaggageCodec.decode`). So graylane counts
 * `lane=gr%61y` as lane gray — the application sees gray, and the proxy must route it as gray — and the regex
 * accepts each octet of the lane either as itself or as `%HH` (hex digits in either case). Keys are tokens and
 * are never decoded (`l%61ne` is another key).
 *
 * Size: `(?:.*,)?[ \t]*KEY[ \t]*=[ \t]*VALUE[ \t]*(?:[;,].*)?` with VALUE five RE2 instructions per lane octet:
 * Go's regexp/syntax counts 43 instructions for key `lane` and lane `gray`, 338 for a 63-character lane (see
 * `tools/judges` `baggage-size`, which measures every emitted regex). Istio's bootstrap allows RE2 programs of
 * 32768 (`re2.max_program_size.error_level`, istio/istio `pkg/bootstrap/config.go`) and its webhook regexes of
 * 1024 bytes (`validateStringRegexp`); plain Envoy and Envoy Gateway default to 100 instructions.
 *
 * What the regex does not decide: a list with two members of the key (W3C leaves duplicates open and asks
 * producers not to make them; OpenTelemetry keeps the last) matches both lanes' routes, and the first route
 * wins. graylane's entries set the whole header, so they never produce one.
 *
 * Only constructs whose meaning is the same in RE2 and in JavaScript are used (literals, `[ \t]`, `[;,]`,
 * `(?:…)`, `|`, `?`, `*`, and `.` — which the model reads as RE2's "anything but \n": simulate/string-match.ts).
 */
import type { Plan } from './plan';
import type { StringMatch } from './spec/schema';

export const BAGGAGE_HEADER = 'baggage';
export const DEFAULT_BAGGAGE_KEY = 'lane';

/**
 * A baggage key graylane accepts: an RFC 7230 token without `%` (it starts Envoy's header-value substitution
 * commands, `%REQ(…)%`) and without the backtick (Traefik's rule quote).
 */
export const BAGGAGE_KEY_PATTERN = /^[A-Za-z0-9!#$&'*+.^_|~-]+$/;

const OWS = '[ \\t]*';

/** A baggage-octet other than `%`: written as itself, or percent-encoded. */
function isPlainOctet(byte: number): boolean {
  return byte === 0x21 || (byte >= 0x23 && byte <= 0x2b && byte !== 0x25) || (byte >= 0x2d && byte <= 0x3a) || (byte >= 0x3c && byte <= 0x5b) || (byte >= 0x5d && byte <= 0x7e);
}

function utf8(text: string): number[] {
  return [...new TextEncoder().encode(text)];
}

function hex(byte: number): string {
  return byte.toString(16).toUpperCase().padStart(2, '0');
}

/** A member value as OpenTelemetry encodes it: only what must be encoded (opentelemetry-go `valueEscape`). */
export function encodeBaggageValue(value: string): string {
  return utf8(value)
    .map((b) => (isPlainOctet(b) ? String.fromCharCode(b) : `%${hex(b)}`))
    .join('');
}

/** The member an entry sets for a lane: `<key>=<lane>`. */
export function baggageMember(key: string, lane: string): string {
  return `${key}=${encodeBaggageValue(lane)}`;
}

function escapeRe(text: string): string {
  return text.replace(/[\\^$.*+?()[\]{}|]/g, '\\$&');
}

/** One hex digit in either case: `A` → `[Aa]`. */
function hexDigit(d: string): string {
  return /[A-F]/.test(d) ? `[${d}${d.toLowerCase()}]` : d;
}

function encodedOctet(byte: number): string {
  const h = hex(byte);
  const encoded = `%${hexDigit(h[0]!)}${hexDigit(h[1]!)}`;
  return isPlainOctet(byte) ? `(?:${escapeRe(String.fromCharCode(byte))}|${encoded})` : encoded;
}

/**
 * The RE2 regex (a full match, as Envoy's safe_regex and the model evaluate it) true exactly when a baggage
 * list holds the member `<key>=<lane>`, the lane's octets written plainly or percent-encoded.
 */
export function baggageMemberRegex(key: string, lane: string): string {
  const value = utf8(lane).map(encodedOctet).join('');
  return `(?:.*,)?${OWS}${escapeRe(key)}${OWS}=${OWS}${value}${OWS}(?:[;,].*)?`;
}

export interface BaggageMember {
  readonly key: string;
  /** Percent-decoded; undefined when the value's encoding is broken (decoders drop such a member). */
  readonly value?: string;
  /** The member as written, without surrounding OWS. */
  readonly raw: string;
}

/** Percent-decode a value; invalid UTF-8 becomes U+FFFD (W3C); a `%` not followed by two hex digits fails. */
export function decodeBaggageValue(value: string): string | undefined {
  const bytes: number[] = [];
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c === 0x25) {
      const h = value.slice(i + 1, i + 3);
      if (!/^[0-9A-Fa-f]{2}$/.test(h)) return undefined;
      bytes.push(parseInt(h, 16));
      i += 2;
    } else if (c < 0x80) {
      bytes.push(c);
    } else {
      bytes.push(...utf8(value[i]!));
    }
  }
  return new TextDecoder('utf-8', { fatal: false }).decode(new Uint8Array(bytes));
}

/** The members of a baggage list, leniently: empty members and members without `=` are skipped. */
export function parseBaggage(header: string): BaggageMember[] {
  const out: BaggageMember[] = [];
  for (const part of header.split(',')) {
    const raw = part.replace(/^[ \t]+|[ \t]+$/g, '');
    const kv = raw.split(';')[0]!;
    const eq = kv.indexOf('=');
    if (eq <= 0) continue;
    const key = kv.slice(0, eq).replace(/[ \t]+$/, '');
    const rawValue = kv.slice(eq + 1).replace(/^[ \t]+|[ \t]+$/g, '');
    const value = decodeBaggageValue(rawValue);
    out.push({ key, ...(value !== undefined ? { value } : {}), raw });
  }
  return out;
}

/** The lanes a baggage list names under `key` (several only if the list repeats the key). */
export function baggageLanes(header: string | undefined, key: string): string[] {
  if (header === undefined) return [];
  return parseBaggage(header)
    .filter((m) => m.key === key && m.value !== undefined)
    .map((m) => m.value!);
}

/** The request's lane header value for `lane` on this plan's carrier: the lane, or its baggage member. */
export function laneHeaderValue(plan: Plan, lane: string): string {
  return plan.baggage ? baggageMember(plan.baggage.key, lane) : lane;
}

/** How a mesh route recognises requests of `lane` on the plan's lane header. */
export function laneHeaderMatch(plan: Plan, lane: string): StringMatch {
  return plan.baggage ? { regex: baggageMemberRegex(plan.baggage.key, lane) } : { exact: lane };
}

/** The same request header with another value: `--baggage k=v` adds member k=v to the request's baggage. */
export function addBaggageMember(header: string | undefined, member: string): string {
  return header === undefined || header.trim() === '' ? member : `${header},${member}`;
}

/** A baggage condition that does not mean "the list holds member `<key>=<lane>`": the list that shows it. */
export interface BaggageMatchProblem {
  readonly member: string;
  readonly list: string;
  /** true: the condition holds for a list without the member; false: it misses a list that holds it. */
  readonly matchesWithout: boolean;
}

/**
 * Judges a baggage condition by what it does, not by its text: for each member `<key>=<lane>` it accepts (keys
 * and lanes guessed from the words of its text, percent-encoded octets read back), lists that hold the member
 * among others must match, and near misses must not — a longer or shorter value or key, the member as a
 * property or inside another value. A condition that accepts a list of an unrelated member accepts any lane.
 */
export function baggageMatchProblem(accepts: (list: string) => boolean, text: string, keys: readonly string[]): BaggageMatchProblem | undefined {
  const readable = text.replace(/\(\?:([^|()]+)\|%[^)]*\)/g, '$1');
  const words = [...new Set([...readable.matchAll(/[A-Za-z0-9](?:[A-Za-z0-9._~-]*[A-Za-z0-9])?/g)].map((m) => m[0]))];
  for (const key of [...new Set([...keys, ...words])]) {
    for (const lane of words) {
      const member = `${key}=${lane}`;
      if (!accepts(member)) continue;
      const holds = [`other=1,${member}`, `${member},other=1`, `${member};p=1`, `other=1, ${member}`];
      const misses = [`${member}x`, `${member}x;p=1`, `other=1,${member}x`, `x${member}`, `${key}x=${lane}`, `${key}=x${lane}`, `${key}=${lane.slice(0, -1)}`, `other=1;${member}`, `other=${member}`, ''];
      const missed = holds.find((l) => !accepts(l));
      if (missed !== undefined) return { member, list: missed, matchesWithout: false };
      const taken = misses.find((l) => l !== member && accepts(l));
      if (taken !== undefined) return { member, list: taken, matchesWithout: true };
      return undefined;
    }
  }
  const unrelated = 'other=1';
  return accepts(unrelated) ? { member: `${keys[0] ?? DEFAULT_BAGGAGE_KEY}=…`, list: unrelated, matchesWithout: true } : undefined;
}

/** The member a regex stands for when it is graylane's member regex (hand-written ones: undefined). */
export function baggageRegexMember(regex: string): { key: string; lane: string } | undefined {
  const readable = regex.replace(/\(\?:([^|()]+)\|%[^)]*\)/g, '$1');
  const m = /^\(\?:\.\*,\)\?\[ \\t\]\*(.*?)\[ \\t\]\*=\[ \\t\]\*(.*)\[ \\t\]\*\(\?:\[;,\]\.\*\)\?$/.exec(readable);
  if (!m) return undefined;
  const unescape = (t: string) => t.replace(/\\(.)/g, '$1');
  const key = unescape(m[1]!);
  const lane = unescape(m[2]!);
  return baggageMemberRegex(key, lane) === regex ? { key, lane } : undefined;
}

/** The value of the lane header that names `lane`: the lane, or with header `baggage` its member. */
export function laneValueOn(header: string, lane: string, key: string = DEFAULT_BAGGAGE_KEY): string {
  return header.toLowerCase() === BAGGAGE_HEADER ? baggageMember(key, lane) : lane;
}
