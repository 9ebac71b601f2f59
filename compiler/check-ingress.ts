/**
 * Checks of the entry as an ingress: rule services, path and method matches, Traefik TLS, and what needs an
 * entry at all. Called from check.ts; every problem is collected.
 */
import type { Diagnostic, Severity, SpecPath } from './diagnostics';
import { re2Problem } from './kubernetes-syntax';
import type { Plan } from './plan';
import type { MethodMatch, PathMatch, ReleaseSpec } from './spec/schema';
import { suggestion } from './suggest';

type Finding = Omit<Diagnostic, 'file' | 'position'>;

/** RFC 9110 §5.6.2 `token`: what a method name may be made of. */
const HTTP_TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

export function checkIngress(spec: ReleaseSpec, plan: Plan): Finding[] {
  const out: Finding[] = [];
  const report = (code: string, severity: Severity, path: SpecPath, message: string, hint: string) =>
    out.push({ code, severity, path, message, hint });
  const s = spec.spec;
  const entry = s.entry;
  if (entry === undefined) {
    const traefik = s.targets.indexOf('traefik');
    if (traefik >= 0)
      report('GL245', 'error', ['spec', 'targets', traefik], 'Target traefik emits the entry (an IngressRoute), but the spec has no entry.', 'add entry: { hosts: [...], service: <name>, rules: [...] }, or remove target traefik');
    if (s.trafficLabel?.trusted !== undefined)
      report('GL245', 'warning', ['spec', 'trafficLabel', 'trusted'], 'trafficLabel.trusted says whether the entry may match on the lane header, but the spec has no entry; it changes nothing.', 'remove trusted, or add an entry');
    return out;
  }
  const serviceNames = Object.keys(s.services);
  entry.rules.forEach((rule, i) => {
    const at: SpecPath = ['spec', 'entry', 'rules', i];
    if (rule.service !== undefined && !(rule.service in s.services))
      report('GL202', 'error', [...at, 'service'], `Service "${rule.service}" of rule "${rule.name}" is not defined in spec.services.`, suggestion(rule.service, serviceNames));
    if (rule.service === undefined && entry.service === undefined)
      report('GL246', 'error', at, `Rule "${rule.name}" names no service, and entry.service is not set, so its requests have nowhere to go.`, `add service: <name> to the rule, or set entry.service${serviceNames[0] ? ` (e.g. "${serviceNames[0]}")` : ''}`);
    if (rule.match?.path) pathCheck(report, [...at, 'match', 'path'], rule.match.path);
    // `prefix: /` alone takes every path: a catch-all as surely as a rule without match (check.ts says that one).
    const m = rule.match;
    const onlyRootPrefix = m?.path?.prefix !== undefined && /^\/+$/.test(m.path.prefix) && Object.keys(m).every((k) => k === 'path') && Object.keys(m.path).length === 1;
    if (onlyRootPrefix && i < entry.rules.length - 1)
      report('GL224', 'warning', at, `Rule "${rule.name}" matches every path (prefix "/"), so it catches every request and the ${entry.rules.length - 1 - i} rule(s) after it are never used.`, 'move the catch-all rule to the end');
    if (rule.match?.method) methodCheck(report, [...at, 'match', 'method'], rule.match.method);
  });
  if (entry.gatewayApi !== undefined && !plan.targets.includes('gateway-api'))
    report('GL250', 'warning', ['spec', 'entry', 'gatewayApi'], 'entry.gatewayApi picks the Gateway API listener the entry\'s HTTPRoutes attach to, but the spec has no target gateway-api; it changes nothing.', 'remove entry.gatewayApi, or add target gateway-api');
  const tls = entry.traefik?.tls;
  // Beside target traefik, tls is what Traefik serves; only without it is the setting lost altogether.
  const meshTargets = plan.targets.filter((t) => t !== 'traefik');
  if (tls !== undefined && !plan.targets.includes('traefik'))
    report('GL247', 'warning', ['spec', 'entry', 'traefik', 'tls'], `entry.traefik.tls is used by target traefik only, which this spec does not have; target${meshTargets.length > 1 ? 's' : ''} ${meshTargets.join(', ')} ${meshTargets.length > 1 ? 'emit' : 'emits'} no TLS settings (an Istio Gateway's servers[].tls terminates TLS, and graylane does not emit the Gateway).`, 'set TLS on the Istio Gateway the entry names, or add target traefik');
  return out;
}

type Report = (code: string, severity: Severity, path: SpecPath, message: string, hint: string) => void;

function pathCheck(report: Report, at: SpecPath, m: PathMatch): void {
  const kinds = (['exact', 'prefix', 'regex'] as const).filter((k) => m[k] !== undefined);
  if (kinds.length !== 1) {
    report('GL215', 'error', at, `A path match needs exactly one of exact, prefix or regex; this one has ${kinds.length === 0 ? 'none' : kinds.join(' and ')}.`, kinds.length === 0 ? 'add prefix: /<path>' : `keep only ${kinds[0]}`);
    return;
  }
  for (const kind of ['exact', 'prefix'] as const) {
    const value = m[kind];
    if (value === undefined) continue;
    const problem = pathProblem(value);
    if (problem) report('GL248', 'error', [...at, kind], `Path ${JSON.stringify(value)} is not a request path: ${problem}.`, value.startsWith('/') ? 'match the path only, e.g. "/api"; query parameters go in queryParams' : `write "/${value.replace(/^\/*/, '')}"`);
  }
  if (m.regex !== undefined) {
    const problem = re2Problem(m.regex);
    if (problem) report('GL216', 'error', [...at, 'regex'], `Path regex ${JSON.stringify(m.regex)} is not valid for Envoy (RE2): ${problem}.`, 'rewrite it without look-around or backreferences, e.g. "/api/v[0-9]+/.*"');
  }
}

/** Why a value cannot be the path of a request (origin form, RFC 9112 §3.2.1), or undefined. */
function pathProblem(path: string): string | undefined {
  if (!path.startsWith('/')) return 'it does not start with "/"';
  if (/[?#]/.test(path)) return 'it contains "?" or "#", which end the path';
  // eslint-disable-next-line no-control-regex -- control characters are exactly what is looked for
  if (/[\s\u0000-\u001f\u007f]/.test(path)) return 'it contains whitespace or a control character';
  return undefined;
}

function methodCheck(report: Report, at: SpecPath, m: MethodMatch): void {
  const token = (value: string, path: SpecPath) => {
    if (!HTTP_TOKEN.test(value))
      report('GL249', 'error', path, `Method ${JSON.stringify(value)} is not an HTTP method: a method is a token (letters, digits and !#$%&'*+-.^_\`|~).`, 'write e.g. GET, POST or DELETE');
    // Methods are case-sensitive (RFC 9110 §9.1) and Envoy compares them exactly, but Traefik upper-cases the
    // rule's method (pkg/muxer/http/matcher.go), so a lower-case method would route differently per target.
    else if (value !== value.toUpperCase())
      report('GL249', 'warning', path, `Method ${JSON.stringify(value)} is not upper case: Istio matches it exactly, Traefik as ${JSON.stringify(value.toUpperCase())}, so the targets would route differently.`, `write ${JSON.stringify(value.toUpperCase())}`);
  };
  if (Array.isArray(m)) {
    m.forEach((value, i) => token(value, [...at, i]));
    return;
  }
  const kinds = (['exact', 'prefix', 'regex'] as const).filter((k) => m[k] !== undefined);
  if (kinds.length !== 1) {
    report('GL215', 'error', at, `A method match needs exactly one of exact, prefix or regex; this one has ${kinds.length === 0 ? 'none' : kinds.join(' and ')}.`, kinds.length === 0 ? 'write a list of methods, e.g. [GET, HEAD]' : `keep only ${kinds[0]}`);
    return;
  }
  if (m.exact !== undefined) token(m.exact, [...at, 'exact']);
  if (m.prefix !== undefined && m.prefix !== '') token(m.prefix, [...at, 'prefix']);
  if (m.regex !== undefined) {
    const problem = re2Problem(m.regex);
    if (problem) report('GL216', 'error', [...at, 'regex'], `Method regex ${JSON.stringify(m.regex)} is not valid for Envoy (RE2): ${problem}.`, 'write a list of methods instead, e.g. [GET, HEAD]');
  }
}
