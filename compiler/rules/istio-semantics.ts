/**
 * Istio's semantic validation (the checks of its validating webhook, pkg/config/validation) that the CRD
 * schema and its CEL rules do not state. Pure predicates over any object, graylane's or hand-written:
 * the tests run them on every emitted object, and the policy pack can share them.
 */
import { durationMillis, isHeaderName, isIPv4, isIPv6, labelKeyProblem, labelValueProblem, re2Problem, RETRY_ON_TOKENS } from '../kubernetes-syntax';

export interface IstioObject {
  readonly kind?: string;
  readonly metadata?: { readonly name?: string; readonly namespace?: string };
  readonly spec?: unknown;
}

type StringMatch = { exact?: string; prefix?: string; regex?: string };
type Ops = { set?: Record<string, string>; add?: Record<string, string>; remove?: string[] };

/** Every problem as "<path>: <full sentence>", empty when Istio would accept the object. */
export function istioSemanticProblems(object: IstioObject): string[] {
  switch (object.kind) {
    case 'VirtualService':
      return virtualServiceProblems(object.spec as VirtualServiceSpec);
    case 'DestinationRule':
      return destinationRuleProblems(object.spec as DestinationRuleSpec);
    case 'ServiceEntry':
      return serviceEntryProblems(object.spec as ServiceEntrySpec);
    default:
      return [];
  }
}

interface VirtualServiceSpec {
  hosts?: string[];
  gateways?: string[];
  http?: {
    match?: { headers?: Record<string, StringMatch>; queryParams?: Record<string, StringMatch>; uri?: StringMatch }[];
    route?: { destination?: { host?: string; subset?: string }; weight?: number; headers?: { request?: Ops } }[];
    redirect?: unknown;
    directResponse?: unknown;
    delegate?: unknown;
    headers?: { request?: Ops };
    timeout?: string;
    retries?: { attempts?: number; perTryTimeout?: string; retryOn?: string };
  }[];
}

function virtualServiceProblems(spec: VirtualServiceSpec | undefined): string[] {
  const out: string[] = [];
  // A VirtualService without hosts is a delegate (Istio validation.go: delegates name no hosts and no gateways).
  const isDelegate = !spec?.hosts || spec.hosts.length === 0;
  if (isDelegate && (spec?.gateways ?? []).length > 0) out.push('spec.gateways: a delegate VirtualService (one without hosts) must not name gateways; its root binds them.');
  // Istio's validateGatewayNames: "namespace/name" (split at the first "/") or a DNS name; labels of either case.
  (spec?.gateways ?? []).forEach((g, i) => {
    if (g !== 'mesh' && !isGatewayReference(g))
      out.push(`spec.gateways[${i}]: "${g}" is not a gateway reference ("namespace/name", "name" or "mesh").`);
  });
  // Istio rejects the host "*" only when the VirtualService applies to sidecars (no gateways, or "mesh" among them).
  if (!spec?.gateways || spec.gateways.length === 0 || spec.gateways.includes('mesh')) {
    (spec?.hosts ?? []).forEach((h, i) => {
      if (h === '*') out.push(`spec.hosts[${i}]: the host "*" is not allowed for a VirtualService bound to the mesh (name the services, or bind it to a gateway).`);
    });
  }
  const http = spec?.http ?? [];
  // Indexed loops, and each path written only when it names a problem: this runs for every route of every
  // emitted object, and almost none has one.
  for (let r = 0; r < http.length; r++) {
    const route = http[r]!;
    // forEach skipped holes of hand-written arrays; so does this.
    if (route === undefined && !(r in http)) continue;
    if ((route.route?.length ?? 0) === 0 && route.redirect === undefined && route.directResponse === undefined && route.delegate === undefined)
      out.push(`spec.http[${r}]: an HTTP route needs a route, a redirect, a direct response or a delegate.`);
    if (route.delegate !== undefined && isDelegate) out.push(`spec.http[${r}].delegate: a delegate VirtualService cannot delegate again (Istio allows one level).`);
    const matches = route.match ?? [];
    for (let i = 0; i < matches.length; i++) {
      const m = matches[i]!;
      if (m === undefined && !(i in matches)) continue;
      for (const kind of MATCH_MAPS) {
        const map = m[kind];
        if (map === undefined || map === null) continue;
        for (const name of Object.keys(map)) {
          if (name === '') out.push(`spec.http[${r}].match[${i}].${kind}: a ${kind === 'headers' ? 'header' : 'query parameter'} name cannot be empty.`);
          else if (kind === 'headers' && !name.startsWith(':') && !isHeaderName(name)) out.push(`spec.http[${r}].match[${i}].headers: "${name}" is not a valid HTTP header name.`);
          if (map[name]?.regex !== undefined) regexProblems(out, `spec.http[${r}].match[${i}].${kind}.${name}`, map[name]);
        }
      }
      if (m.uri?.regex !== undefined) regexProblems(out, `spec.http[${r}].match[${i}].uri`, m.uri);
    }
    const routes = route.route ?? [];
    for (let i = 0; i < routes.length; i++) {
      const d = routes[i]!;
      if (d === undefined && !(i in routes)) continue;
      if (!d.destination?.host) out.push(`spec.http[${r}].route[${i}].destination.host: a destination must name a host.`);
      if (d.destination?.subset !== undefined && !isDnsLabel(d.destination.subset))
        out.push(`spec.http[${r}].route[${i}].destination.subset: "${d.destination.subset}" is not a valid subset name (an RFC 1123 label).`);
      if (d.headers?.request != null) headerOpProblems(out, `spec.http[${r}].route[${i}].headers.request`, d.headers.request);
    }
    if (route.headers?.request != null) headerOpProblems(out, `spec.http[${r}].headers.request`, route.headers.request);
    if (route.timeout !== undefined) durationProblems(out, `spec.http[${r}].timeout`, route.timeout);
    if (route.retries?.perTryTimeout !== undefined) durationProblems(out, `spec.http[${r}].retries.perTryTimeout`, route.retries.perTryTimeout);
    if (route.retries?.retryOn !== undefined) {
      // Istio splits on "," and does not trim (validation.go validateHTTPRetry): "5xx, reset" has the token " reset".
      for (const token of route.retries.retryOn.split(',')) {
        if (!(RETRY_ON_TOKENS as readonly string[]).includes(token) && !/^[1-5]\d\d$/.test(token))
          out.push(`spec.http[${r}].retries.retryOn: "${token}" is not a retry condition Envoy knows${token !== token.trim() ? ' (Istio does not trim spaces around the commas)' : ''}.`);
      }
    }
  }
  return out;
}

const MATCH_MAPS = ['headers', 'queryParams'] as const;

interface DestinationRuleSpec {
  host?: string;
  subsets?: { name?: string; labels?: Record<string, string> }[];
}

function destinationRuleProblems(spec: DestinationRuleSpec | undefined): string[] {
  const out: string[] = [];
  if (!spec?.host) out.push('spec.host: a DestinationRule must name a host.');
  const subsets = spec?.subsets ?? [];
  // Most rules have one subset: the Set of names seen is made only for a second one.
  let seen: Set<string> | undefined;
  for (let i = 0; i < subsets.length; i++) {
    const s = subsets[i]!;
    if (s === undefined && !(i in subsets)) continue;
    if (!s.name || !isDnsLabel(s.name)) out.push(`spec.subsets[${i}].name: "${s.name ?? ''}" is not a valid subset name (an RFC 1123 label).`);
    else if (seen?.has(s.name)) out.push(`spec.subsets[${i}].name: subset "${s.name}" is defined twice.`);
    if (s.name) (seen ??= new Set()).add(s.name);
    const labels = s.labels ?? {};
    for (const k of Object.keys(labels)) {
      const problem = cachedLabelProblem(k, labels[k]!);
      if (problem) out.push(`spec.subsets[${i}].labels.${k}: ${problem}.`);
    }
  }
  return out;
}

/**
 * Every lane's rules repeat the lane's few labels: each key and value is judged once (bounded, like the
 * regexes below, for a long-lived process).
 */
const labelKeyProblems = new Map<string, string | undefined>();
const labelValueProblems = new Map<string, string | undefined>();
function cachedLabelProblem(key: string, value: string): string | undefined {
  return cached(labelKeyProblems, key, labelKeyProblem) ?? cached(labelValueProblems, value, labelValueProblem);
}

function cached(cache: Map<string, string | undefined>, text: string, judge: (text: string) => string | undefined): string | undefined {
  if (cache.has(text)) return cache.get(text);
  const problem = judge(text);
  if (cache.size >= 10_000) cache.clear();
  cache.set(text, problem);
  return problem;
}

interface ServiceEntrySpec {
  hosts?: string[];
  resolution?: string;
  ports?: { number?: number; name?: string }[];
  endpoints?: { address?: string }[];
}

function serviceEntryProblems(spec: ServiceEntrySpec | undefined): string[] {
  const out: string[] = [];
  (spec?.hosts ?? []).forEach((h, i) => {
    if (h === '*') out.push(`spec.hosts[${i}]: a ServiceEntry host cannot be "*".`);
  });
  if (spec?.resolution === 'STATIC') {
    (spec.endpoints ?? []).forEach((e, i) => {
      const address = e.address ?? '';
      if (!isIPv4(address) && !isIPv6(address) && !address.startsWith('unix://'))
        out.push(`spec.endpoints[${i}].address: "${address}" must be an IP address (or unix socket) with resolution STATIC.`);
    });
  }
  return out;
}

// The problem finders below append to `out` (no array per route: they run for every route of every object).

function regexProblems(out: string[], at: string, match: StringMatch | undefined): void {
  if (match?.regex === undefined) return;
  const problem = cachedRe2Problem(match.regex);
  if (problem) out.push(`${at}.regex: ${JSON.stringify(match.regex)} is not a valid RE2 regex: ${problem}.`);
}

/** Emitted objects repeat the same few regexes (the lane-header matches) thousands of times: judged once each. */
const re2Problems = new Map<string, string | undefined>();
function cachedRe2Problem(pattern: string): string | undefined {
  return cached(re2Problems, pattern, re2Problem);
}

function headerOpProblems(out: string[], at: string, ops: Ops): void {
  for (const set of [ops.set, ops.add]) {
    if (set == null) continue;
    for (const name of Object.keys(set)) {
      if (name === '') out.push(`${at}: a header name cannot be empty.`);
      else if (name.startsWith(':') && name !== ':authority') out.push(`${at}: header "${name}" cannot be set (":" pseudo-headers are Envoy's).`);
    }
  }
  for (const name of ops.remove ?? []) {
    if (name === '' || name.startsWith(':') || name.toLowerCase() === 'host') out.push(`${at}.remove: header "${name}" cannot be removed.`);
  }
}

function durationProblems(out: string[], at: string, value: string): void {
  if (durationMillis(value) < 1) out.push(`${at}: duration "${value}" must be at least 1ms.`);
}

/** Istio's labels.IsDNS1123Label: RFC 1123 labels, but of either case (pkg/config/labels). */
function isDnsLabel(name: string): boolean {
  return name.length <= 63 && /^[a-zA-Z0-9]([-a-zA-Z0-9]*[a-zA-Z0-9])?$/.test(name);
}

function isGatewayReference(g: string): boolean {
  const slash = g.indexOf('/');
  if (slash >= 0) return isDnsLabel(g.slice(0, slash)) && isDnsLabel(g.slice(slash + 1));
  return g.length > 0 && g.length <= 255 && g.split('.').every(isDnsLabel);
}
