/**
 * The requests a set of objects tells apart: one class per entry route match (gateway, host and conditions),
 * per service host with and without each lane inside the mesh, per Traefik router rule, and per Gateway API
 * listener hostname and HTTPRoute match or GAMMA Service × lane — each with a
 * representative request that belongs to it. Classes are keyed by what they match, never by route names, so a
 * renamed rule is the same class and a reviewer sees where the same requests go before and after.
 */
import { BAGGAGE_HEADER, baggageRegexMember, DEFAULT_BAGGAGE_KEY, laneValueOn } from '../baggage';
import { fullMatch } from '../simulate/string-match';
import type { HttpRouteMatch } from '../model/gateway-api-model';
import type { HttpMatch, StringMatch } from '../model/istio-types';
import type { Model } from '../model/model';
import type { Request } from '../model/request';
import type { RuleNode } from '../simulate/traefik-rule';

export interface RequestClass {
  readonly key: string;
  readonly request: Request;
  readonly engine: 'istio' | 'traefik' | 'gateway-api';
}

export interface ClassContext {
  readonly laneHeader?: string;
  /** Lane names to try at every service (from the spec, or found in the objects' lane-header matches). */
  readonly lanes?: readonly string[];
  /** With lane header `baggage`: the member key that names the lane (default lane). */
  readonly baggageKey?: string;
}

/**
 * `meshHostWanted` leaves out the sidecar classes of hosts it declines (diff: hosts no change can reach, see
 * traffic-scope.ts); every other class is always made.
 */
export function requestClasses(model: Model, context: ClassContext = {}, meshHostWanted: (host: string) => boolean = () => true): RequestClass[] {
  const out = new Map<string, RequestClass>();
  const add = (c: RequestClass) => {
    if (!out.has(c.key)) out.set(c.key, c);
  };
  const header = context.laneHeader?.toLowerCase();
  // The member key: the spec's, else the one graylane's member regexes in the objects name.
  const key = context.baggageKey ?? (header === BAGGAGE_HEADER ? baggageKeyIn(model) : undefined) ?? DEFAULT_BAGGAGE_KEY;
  // Without a lane header no request carries a lane: a spec's lanes give no rows of their own.
  const lanes = header === undefined ? [] : (context.lanes ?? [...new Set([...lanesIn(model, header, key), ...gatewayApiLanes(model, header)])].sort());
  for (const vs of model.istio.virtualServices) {
    if (vs.isDelegate) continue;
    for (const gateway of vs.gateways) {
      for (const host of vs.hosts) {
        if (gateway === 'mesh' && !meshHostWanted(host)) continue;
        const authority = host.startsWith('*') ? `any${host.slice(1)}`.replace(/^any$/, 'any.example') : host;
        const where = gateway === 'mesh' ? short(host) : `entry ${gateway} ${host}`;
        const namespace = gateway === 'mesh' ? vs.namespace : undefined;
        const base: Request = { via: gateway, authority, ...(namespace ? { sourceNamespace: namespace } : {}) };
        if (gateway === 'mesh') {
          add({ key: `${where}, no lane`, request: base, engine: 'istio' });
          for (const lane of lanes) add({ key: `${where}, lane ${lane}`, request: { ...base, headers: { [header!]: laneValueOn(header!, lane, key) } }, engine: 'istio' });
        }
        for (const r of vs.http) {
          for (const m of r.route.match ?? []) {
            if (m.gateways && m.gateways.length > 0 && !m.gateways.some((g) => g === gateway || `${vs.namespace}/${g}` === gateway)) continue;
            const sample = sampleIstio(m, base);
            // A block that only tests the lane header is the lane's own row.
            const laneOnly = gateway === 'mesh' && header !== undefined && Object.keys(m).length === 1 && Object.keys(m.headers ?? {}).length === 1 && laneOf(m.headers?.[header], header, key) !== undefined && lanes.includes(laneOf(m.headers?.[header], header, key)!);
            if (sample && !laneOnly) add({ key: `${where}: ${sample.words}`, request: sample.request, engine: 'istio' });
          }
        }
        if (gateway !== 'mesh') add({ key: `${where}: every other request`, request: base, engine: 'istio' });
      }
    }
  }
  for (const router of model.traefik.routers) {
    if (!router.rule) continue;
    const sample = sampleTraefik(router.rule);
    if (!sample) continue;
    const entry = router.entryPoints?.[0] ?? '';
    add({ key: `traefik ${entry || '(any entry point)'}${router.tls ? ' tls' : ''}: ${router.match}`, request: { via: `traefik:${entry}`, ...sample, ...(router.tls ? { scheme: 'https' } : {}) }, engine: 'traefik' });
  }
  gatewayApiClasses(model, header, lanes, add);
  return [...out.values()].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

/**
 * Gateway API: per listener and hostname, one class per HTTPRoute match and one for every other request; per
 * Service with GAMMA routes, one per lane (and none) and one per match. Keys start with "gateway-api", so they
 * never merge with an Istio class of the same words.
 */
function gatewayApiClasses(model: Model, header: string | undefined, lanes: readonly string[], add: (c: RequestClass) => void): void {
  for (const a of model.gatewayApi.attachments) {
    const rules = a.route.rules;
    if (a.listener) {
      const l = a.listener;
      const hosts = a.hostnames.length > 0 ? a.hostnames : ['*'];
      for (const h of hosts) {
        const authority = h === '*' ? 'any.example' : h.startsWith('*.') ? `any${h.slice(1)}` : h;
        const where = `gateway-api entry ${l.gateway}${l.assumed || l.name === '' ? '' : ` ${l.name}`} ${h}`;
        const base: Request = { via: l.gateway, authority, ...(l.port > 0 ? { port: l.port } : {}) };
        for (const rule of rules) for (const m of rule.matches ?? []) {
          const sample = sampleGatewayApi(m, base);
          if (sample) add({ key: `${where}: ${sample.words}`, request: sample.request, engine: 'gateway-api' });
        }
        add({ key: `${where}: every other request`, request: base, engine: 'gateway-api' });
      }
    } else if (a.service) {
      const [namespace, name] = a.service.split('/');
      const where = `gateway-api ${name}.${namespace}${a.servicePort !== undefined ? `:${a.servicePort}` : ''}`;
      const base: Request = { via: 'mesh', authority: `${name}.${namespace}.svc.cluster.local`, sourceNamespace: a.route.namespace, ...(a.servicePort !== undefined ? { port: a.servicePort } : {}) };
      add({ key: `${where}, no lane`, request: base, engine: 'gateway-api' });
      for (const lane of lanes) add({ key: `${where}, lane ${lane}`, request: { ...base, headers: { [header!]: lane } }, engine: 'gateway-api' });
      for (const rule of rules) for (const m of rule.matches ?? []) {
        const laneOnly = header !== undefined && m.path === undefined && m.method === undefined && (m.queryParams ?? []).length === 0 && (m.headers ?? []).length === 1 && m.headers![0]!.name.toLowerCase() === header && (m.headers![0]!.type ?? 'Exact') === 'Exact' && lanes.includes(m.headers![0]!.value);
        const sample = sampleGatewayApi(m, base);
        if (sample && !laneOnly) add({ key: `${where}: ${sample.words}`, request: sample.request, engine: 'gateway-api' });
      }
    }
  }
}

/** A request satisfying an HTTPRouteMatch, and the match in words; undefined when the model cannot build one. */
function sampleGatewayApi(m: HttpRouteMatch, base: Request): { request: Request; words: string } | undefined {
  const words: string[] = [];
  let request: Request = base;
  const sample = (type: string | undefined, value: string): string | undefined => ((type ?? 'Exact') === 'RegularExpression' ? sampleString({ regex: value }) : value);
  const say = (type: string | undefined, value: string) => ((type ?? 'Exact') === 'RegularExpression' ? `~ ${JSON.stringify(value)}` : `= ${JSON.stringify(value)}`);
  if (m.path) {
    const type = m.path.type ?? 'PathPrefix';
    const value = m.path.value ?? '/';
    const v = type === 'RegularExpression' ? sampleString({ regex: value }) : value;
    if (v === undefined || !v.startsWith('/')) return undefined;
    request = { ...request, path: v };
    words.push(type === 'Exact' ? `path = ${JSON.stringify(value)}` : type === 'PathPrefix' ? `path under ${JSON.stringify(value)}` : `path ~ ${JSON.stringify(value)}`);
  }
  if (m.method !== undefined) {
    request = { ...request, method: m.method };
    words.push(`method = ${JSON.stringify(m.method)}`);
  }
  const headers: Record<string, string> = {};
  for (const h of [...(m.headers ?? [])].sort((a, b) => (a.name.toLowerCase() < b.name.toLowerCase() ? -1 : 1))) {
    const v = sample(h.type, h.value);
    if (v === undefined) return undefined;
    headers[h.name.toLowerCase()] = v;
    words.push(`header ${h.name.toLowerCase()} ${say(h.type, h.value)}`);
  }
  if (Object.keys(headers).length > 0) request = { ...request, headers };
  const query: Record<string, string> = {};
  for (const q of [...(m.queryParams ?? [])].sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const v = sample(q.type, q.value);
    if (v === undefined) return undefined;
    query[q.name] = v;
    words.push(`query ${q.name} ${say(q.type, q.value)}`);
  }
  if (Object.keys(query).length > 0) request = { ...request, query };
  return words.length > 0 ? { request, words: words.join(', ') } : undefined;
}

/** Lane names some HTTPRoute matches the lane header against (exactly) or writes on a backendRef. */
function gatewayApiLanes(model: Model, header: string): string[] {
  const lanes = new Set<string>();
  for (const route of model.gatewayApi.routes)
    for (const rule of route.rules) {
      for (const m of rule.matches ?? []) for (const h of m.headers ?? []) if (h.name.toLowerCase() === header && (h.type ?? 'Exact') === 'Exact') lanes.add(h.value);
      for (const b of rule.backendRefs ?? []) for (const f of b.filters ?? []) for (const h of f.requestHeaderModifier?.set ?? []) if (h.name.toLowerCase() === header) lanes.add(h.value);
    }
  return [...lanes];
}

function short(host: string): string {
  return host.replace(/\.svc\.cluster\.local$/, '');
}

/** A request satisfying a match block, and the block in words; undefined when the model cannot build one. */
function sampleIstio(m: HttpMatch, base: Request): { request: Request; words: string } | undefined {
  const words: string[] = [];
  let request: Request = base;
  const value = (sm: StringMatch | undefined): string | undefined => (sm ? sampleString(sm) : undefined);
  if (m.uri) {
    const v = value(m.uri);
    if (v === undefined) return undefined;
    request = { ...request, path: v };
    words.push(`path ${describe(m.uri)}`);
  }
  if (m.method) {
    const v = value(m.method);
    if (v === undefined) return undefined;
    request = { ...request, method: v };
    words.push(`method ${describe(m.method)}`);
  }
  const headers: Record<string, string> = {};
  for (const [name, sm] of Object.entries(m.headers ?? {}).sort(([a], [b]) => (a < b ? -1 : 1))) {
    const v = value(sm);
    if (v === undefined) return undefined;
    headers[name.toLowerCase()] = v;
    words.push(`header ${name.toLowerCase()} ${describe(sm)}`);
  }
  if (Object.keys(headers).length > 0) request = { ...request, headers };
  const query: Record<string, string> = {};
  for (const [name, sm] of Object.entries(m.queryParams ?? {}).sort(([a], [b]) => (a < b ? -1 : 1))) {
    const v = value(sm);
    if (v === undefined) return undefined;
    query[name] = v;
    words.push(`query ${name} ${describe(sm)}`);
  }
  if (Object.keys(query).length > 0) request = { ...request, query };
  if (m.port) {
    request = { ...request, port: m.port };
    words.push(`port ${m.port}`);
  }
  if (m.sourceLabels && !Array.isArray(m.sourceLabels)) {
    request = { ...request, sourceLabels: m.sourceLabels as Record<string, string> };
    words.push(`caller ${Object.entries(m.sourceLabels).map(([k, v]) => `${k}=${v}`).join(',')}`);
  }
  if (m.sourceNamespace) {
    request = { ...request, sourceNamespace: m.sourceNamespace };
    words.push(`caller namespace ${m.sourceNamespace}`);
  }
  if (Array.isArray(m.sourceLabels) || m.trafficLabel || m.authority || m.scheme || m.withoutHeaders) return undefined;
  return words.length > 0 ? { request, words: words.join(', ') } : undefined;
}

function describe(sm: StringMatch): string {
  if (sm.exact !== undefined) return `= ${JSON.stringify(sm.exact)}`;
  if (sm.prefix !== undefined) return `starts with ${JSON.stringify(sm.prefix)}`;
  if (sm.regex !== undefined) return `~ ${JSON.stringify(sm.regex)}`;
  return 'present';
}

/** A string the match accepts: the exact value, the prefix itself, or a simple regex's literal reading. */
export function sampleString(sm: StringMatch): string | undefined {
  if (sm.exact !== undefined) return sm.exact;
  if (sm.prefix !== undefined) return sm.prefix;
  if (sm.regex !== undefined) {
    const candidate = sm.regex
      .replace(/^\^/, '')
      .replace(/\$$/, '')
      .replace(/\(\?:/g, '(')
      .replace(/\((?:[^()|]*\|)*?([^()|]*)(?:\|[^()]*)?\)/g, '$1')
      .replace(/\[\^?[^\]]*\][*?]/g, '')
      .replace(/\[([^\]^])[^\]]*\][+]?/g, '$1')
      .replace(/\\d[+*]?/g, '1')
      .replace(/\.[*?]/g, '')
      .replace(/\.\+?/g, 'x')
      .replace(/\\(.)/g, '$1');
    for (const s of [candidate, '', 'x']) if (fullMatch(sm.regex).test(s)) return s;
    return undefined;
  }
  return 'present';
}

/** A request a Traefik rule takes (its Host, Path, Method, Header and Query conditions). */
function sampleTraefik(node: RuleNode): Omit<Request, 'via'> | undefined {
  const out: { authority?: string; path?: string; method?: string; headers: Record<string, string>; query: Record<string, string> } = { headers: {}, query: {} };
  const visit = (n: RuleNode): boolean => {
    switch (n.op) {
      case 'and':
        return visit(n.left) && visit(n.right);
      case 'or':
        return visit(n.left);
      case 'not':
        return true;
      case 'call': {
        const [a, b] = n.args;
        switch (n.name) {
          case 'Host':
            out.authority = a;
            return true;
          case 'Path':
          case 'PathPrefix':
            out.path = a;
            return true;
          case 'Method':
            out.method = a;
            return true;
          case 'Header':
          case 'Headers':
            out.headers[a!.toLowerCase()] = b ?? '';
            return true;
          case 'HeaderRegexp':
          case 'HeadersRegexp': {
            const v = sampleString({ regex: b ?? '' });
            if (v === undefined) return false;
            out.headers[a!.toLowerCase()] = v;
            return true;
          }
          case 'Query':
            if (b === undefined) {
              const [k, ...rest] = (a ?? '').split('=');
              out.query[k!] = rest.join('=');
            } else out.query[a!] = b;
            return true;
          default:
            return false;
        }
      }
    }
  };
  if (!visit(node) || out.authority === undefined) return undefined;
  return {
    authority: out.authority,
    ...(out.path !== undefined ? { path: out.path } : {}),
    ...(out.method !== undefined ? { method: out.method } : {}),
    ...(Object.keys(out.headers).length > 0 ? { headers: out.headers } : {}),
    ...(Object.keys(out.query).length > 0 ? { query: out.query } : {}),
  };
}

/** Lane names some VirtualService matches the lane header against (exactly, or with baggage's member regex). */
function lanesIn(model: Model, header: string, key: string): string[] {
  const lanes = new Set<string>();
  for (const vs of model.istio.virtualServices)
    for (const r of vs.http) for (const m of r.route.match ?? []) {
      const lane = laneOf(Object.entries(m.headers ?? {}).find(([k]) => k.toLowerCase() === header)?.[1], header, key);
      if (lane !== undefined) lanes.add(lane);
    }
  return [...lanes].sort();
}

/** The lane a lane-header condition names: its exact value, or the lane of graylane's baggage member regex. */
function laneOf(match: StringMatch | undefined, header: string, key: string): string | undefined {
  if (match?.exact !== undefined) return header === BAGGAGE_HEADER ? undefined : match.exact;
  const member = header === BAGGAGE_HEADER && match?.regex !== undefined ? baggageRegexMember(match.regex) : undefined;
  return member?.key === key ? member.lane : undefined;
}

function baggageKeyIn(model: Model): string | undefined {
  for (const vs of model.istio.virtualServices)
    for (const r of vs.http) for (const m of r.route.match ?? []) {
      const regex = Object.entries(m.headers ?? {}).find(([k]) => k.toLowerCase() === BAGGAGE_HEADER)?.[1]?.regex;
      const member = regex !== undefined ? baggageRegexMember(regex) : undefined;
      if (member) return member.key;
    }
  return undefined;
}
