/**
 * Sticky sessions on Istio, as Flagger does them for Istio (fluxcd/flagger pkg/router/istio.go, session
 * affinity): every weighted destination of the rule adds a `Set-Cookie` response header naming its lane, and
 * before the weighted route one route per lane matches requests that carry that cookie (the rule's own
 * conditions and the cookie, ANDed) and sends them to that lane only. A client keeps the share it first got for
 * as long as its cookie lives and the lane is part of the split; a step that drops the lane drops its route.
 */
import type { Diagnostic } from '../../diagnostics';
import type { Plan, PlanRule, PlanService } from '../../plan';
import type { HttpRouteDestination } from './destinations';
import { splitDestinations } from './destinations';
import type { HttpRoute } from './virtual-services';

/** RFC 6265 cookie-name: an HTTP token. */
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

export interface StickyCookie {
  readonly name: string;
  /** What follows `name=value` in the Set-Cookie header: Path, Max-Age, Secure, HttpOnly, SameSite. */
  readonly attributes: string;
}

/** The rule's cookie, or undefined when the rule asks for none, has nothing to keep, or cannot have one (warned). */
export function stickyCookie(plan: Plan, rule: PlanRule, index: number, diagnostics: Diagnostic[]): StickyCookie | undefined {
  const cookie = rule.sticky?.cookie;
  if (!cookie || rule.split.length < 2) return undefined;
  const at = ['spec', 'entry', 'rules', index, 'sticky'];
  const name = cookie.name ?? `${plan.release}-${rule.name}`;
  if (!TOKEN.test(name)) {
    diagnostics.push({ code: 'GL402', severity: 'warning', path: [...at, 'cookie', 'name'], message: `Target istio cannot keep rule "${rule.name}" sticky: cookie name ${JSON.stringify(name)} is not an HTTP token (RFC 6265), so a Cookie header match cannot name it; the split is emitted without stickiness.`, hint: 'use letters, digits and - _ . only' });
    return undefined;
  }
  if (rule.headers.some((h) => h.name.toLowerCase() === 'cookie')) {
    diagnostics.push({ code: 'GL402', severity: 'warning', path: at, message: `Target istio cannot keep rule "${rule.name}" sticky: the rule already matches the Cookie header, and an Istio match holds one condition per header; the split is emitted without stickiness.`, hint: 'match on another header, or drop sticky for istio' });
    return undefined;
  }
  const sameSite = cookie.sameSite !== undefined ? `; SameSite=${cookie.sameSite[0]!.toUpperCase()}${cookie.sameSite.slice(1)}` : '';
  // Max-Age 0 (or none) is a session cookie, as Traefik's sticky cookie.
  const maxAge = cookie.maxAge !== undefined && cookie.maxAge !== 0 ? `; Max-Age=${cookie.maxAge}` : '';
  return { name, attributes: `; Path=/${maxAge}${cookie.secure === true ? '; Secure' : ''}${cookie.httpOnly === true ? '; HttpOnly' : ''}${sameSite}` };
}

/** The weighted destinations, each adding the cookie of its lane to the response. */
export function withSetCookie(dests: HttpRouteDestination[], rule: PlanRule, cookie: StickyCookie): HttpRouteDestination[] {
  return dests.map((d, i) => ({ ...d, headers: { ...d.headers, response: { add: { 'Set-Cookie': `${cookie.name}=${rule.split[i]!.lane}${cookie.attributes}` } } } }));
}

/** One route per lane of the split, before the weighted route: the rule's match blocks, each with the lane's cookie. */
export function stickyRoutes(
  plan: Plan,
  rule: PlanRule,
  service: PlanService,
  match: Record<string, unknown>[] | undefined,
  cookie: StickyCookie,
  atGateway: boolean,
  resilience: Record<string, unknown>,
): HttpRoute[] {
  return rule.split.map(({ lane }) => {
    const condition = { cookie: { regex: `(.*;\\s*)?${escape(cookie.name)}=${escape(lane)}(;.*)?` } };
    const blocks = (match ?? [{}]).map((b) => ({ ...b, headers: { ...((b.headers as Record<string, unknown> | undefined) ?? {}), ...condition } }));
    return { name: `${rule.name}-sticky-${lane}`, match: blocks, route: splitDestinations(plan, service, [{ lane, weight: 100 }], atGateway), ...resilience };
  });
}

function escape(text: string): string {
  return text.replace(/[\\^$.*+?()[\]{}|]/g, '\\$&');
}
