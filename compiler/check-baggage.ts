/**
 * Checks of `trafficLabel.propagation: baggage` (compiler/baggage.ts): the key, entry rules that name the
 * lane, and what a mesh entry loses. Called from check.ts; every problem is collected.
 */
import { BAGGAGE_HEADER, BAGGAGE_KEY_PATTERN } from './baggage';
import type { Diagnostic, Severity, SpecPath } from './diagnostics';
import type { ReleaseSpec } from './spec/schema';

type Finding = Omit<Diagnostic, 'file' | 'position'>;

export function checkBaggage(spec: ReleaseSpec): Finding[] {
  const out: Finding[] = [];
  const report = (code: string, severity: Severity, path: SpecPath, message: string, hint: string) => out.push({ code, severity, path, message, hint });
  const t = spec.spec.trafficLabel;
  if (!t) return out;
  const baggage = t.propagation === 'baggage';
  if (t.baggageKey !== undefined && !baggage)
    report('GL260', 'error', ['spec', 'trafficLabel', 'baggageKey'], `baggageKey "${t.baggageKey}" is set, but the lane travels in header "${t.header}" (propagation: header), so the key would be ignored.`, 'add propagation: baggage, or remove baggageKey');
  if (t.baggageKey !== undefined && !BAGGAGE_KEY_PATTERN.test(t.baggageKey))
    report('GL262', 'error', ['spec', 'trafficLabel', 'baggageKey'], `baggageKey "${t.baggageKey}" is not a W3C baggage key graylane can write: a token of letters, digits and !#$&'*+.^_|~- (no "%", which starts Envoy's header substitutions, and no backtick, Traefik's rule quote).`, `use e.g. "${t.baggageKey.replace(/[^A-Za-z0-9._-]/g, '') || 'lane'}"`);
  if (!baggage) return out;
  const entry = spec.spec.entry;
  const label = t.header.toLowerCase();
  const gatewayBound = entry?.gateway !== undefined && entry.gateway !== 'mesh';
  const atEdge = gatewayBound || spec.spec.targets.includes('traefik');
  (entry?.rules ?? []).forEach((rule, i) => {
    const headers = Object.entries(rule.match?.headers ?? {});
    const names = headers.map(([k]) => k.toLowerCase());
    for (const [key, m] of headers) {
      const p: SpecPath = ['spec', 'entry', 'rules', i, 'match', 'headers', key];
      const name = key.toLowerCase();
      if (name === label && m.exact === undefined)
        report('GL261', 'error', p, `Rule "${rule.name}" matches the lane header "${key}" with ${m.prefix !== undefined ? 'a prefix' : m.regex !== undefined ? 'a regex' : 'no value'}; with propagation: baggage the lane is the baggage member ${t.baggageKey ?? 'lane'}=<lane>, and only an exact lane name can become that member's match.`, `write ${key}: { exact: <lane> }`);
      if (name === label && names.includes(BAGGAGE_HEADER))
        report('GL261', 'error', p, `Rule "${rule.name}" matches both the lane header "${key}" and "baggage"; with propagation: baggage both are conditions on the baggage header, which one match cannot hold twice.`, `keep only ${key}: { exact: <lane> }`);
      if (name === BAGGAGE_HEADER && atEdge && t.trusted !== true)
        report('GL211', 'error', p, `Rule "${rule.name}" matches on the baggage header, which carries the lane (propagation: baggage), at the ${gatewayBound ? 'gateway' : 'Traefik entry'}, where clients can set it to pick any lane.`, 'match on another header (the entry then sets the lane\'s baggage member itself), or set trafficLabel.trusted: true if only trusted callers reach this entry');
    }
  });
  if (entry && entry.gateway === 'mesh' && spec.spec.targets.includes('istio') && entry.rules.length > 0)
    report('GL415', 'warning', ['spec', 'entry', 'gateway'], 'With propagation: baggage, a mesh entry rule tags its requests by setting the whole baggage header to the lane\'s member: baggage members the calling application set (other than the lane) do not reach the rule\'s service.', 'put the entry behind a gateway, or have the caller set the lane member itself (its requests then take the lane routes before any entry rule)');
  return out;
}
