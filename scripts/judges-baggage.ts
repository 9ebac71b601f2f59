/**
 * The baggage judge (README "Judged by upstream code"): every baggage regex graylane emits — Istio `baggage`
 * header matches, Traefik HeaderRegexp(`baggage`, …) — plus the regex of every lane length from 1 to 63, compiled
 * by Go's regexp (RE2 syntax, tools/judges/re2size). Each must compile, fit Istio's limits (program size 32768 in
 * its bootstrap, 1024 bytes in its webhook), and match the probe lists exactly as graylane's reading does
 * (compiler/simulate/string-match.ts). Sizes over 100 (plain Envoy's and Envoy Gateway's default) are counted.
 */
import { baggageMember, baggageMemberRegex, BAGGAGE_HEADER } from '../compiler/baggage';
import { matchString } from '../compiler/simulate/string-match';
import type { K8sObject } from './judges-cases';

export interface BaggageCase {
  readonly regex: string;
  readonly probes: string[];
}

export interface BaggageVerdict {
  readonly regex: string;
  readonly size: number;
  readonly error?: string;
  readonly matches: boolean[];
}

/** Istio's bootstrap re2.max_program_size.error_level (istio/istio pkg/bootstrap/config.go). */
export const ISTIO_PROGRAM_SIZE = 32768;
/** RE2's and Envoy's default max program size, which Envoy Gateway keeps. */
export const ENVOY_DEFAULT_PROGRAM_SIZE = 100;

const PROBE_LANES = ['gray', 'dev-x', 'x'.repeat(63)];

function probesFor(lane: string): string[] {
  const m = baggageMember('lane', lane);
  const encoded = `lane=${[...lane].map((c) => `%${c.charCodeAt(0).toString(16)}`).join('')}`;
  return [m, `a=b,${m}`, `${m};p=1,c=d`, ` a = b , ${m} ;p`, encoded, `${m}2`, `x${m}`, `a=b;${m}`, `a=${m}`, `lane=${lane.slice(1)}`, '', 'a\rb,lane=gray', 'lane=gray\u2028'];
}

/** Baggage regexes in a set of objects: Istio header matches and Traefik HeaderRegexp rules. */
export function emittedBaggageRegexes(objects: readonly K8sObject[]): string[] {
  const out: string[] = [];
  for (const o of objects) {
    const spec = (o.spec ?? {}) as { http?: { match?: { headers?: Record<string, { regex?: string }> }[] }[]; routes?: { match?: string }[] };
    if (o.kind === 'VirtualService')
      for (const r of spec.http ?? []) for (const m of r.match ?? []) for (const [h, sm] of Object.entries(m.headers ?? {})) if (h.toLowerCase() === BAGGAGE_HEADER && sm.regex !== undefined) out.push(sm.regex);
    if (o.kind === 'IngressRoute')
      for (const r of spec.routes ?? []) for (const x of (r.match ?? '').matchAll(/HeadersRegexp?\(`baggage`, `\^\(\?:(.*?)\)\$`\)/g)) out.push(x[1]!);
  }
  return out;
}

export function baggageCases(sets: readonly { objects: readonly K8sObject[] }[]): BaggageCase[] {
  const regexes = new Set(sets.flatMap((s) => emittedBaggageRegexes(s.objects)));
  for (let n = 1; n <= 63; n++) regexes.add(baggageMemberRegex('lane', 'z'.repeat(n)));
  const probes = [...new Set(PROBE_LANES.flatMap(probesFor))];
  return [...regexes].sort().map((regex) => ({ regex, probes }));
}

/** Disagreements: a regex Go refuses or Istio would, or a probe where graylane's reading differs from Go's. */
export function baggageDisagreements(cases: readonly BaggageCase[], verdicts: readonly BaggageVerdict[], graylane: (regex: string, list: string) => boolean = (regex, list) => matchString({ regex }, list)): string[] {
  const out: string[] = [];
  cases.forEach((c, i) => {
    const v = verdicts[i];
    if (!v) return void out.push(`no verdict for ${JSON.stringify(c.regex)}`);
    if (v.error !== undefined) return void out.push(`Go's regexp refuses ${JSON.stringify(c.regex)}: ${v.error}`);
    if (v.size > ISTIO_PROGRAM_SIZE) out.push(`${JSON.stringify(c.regex)}: program size ${v.size} over Istio's ${ISTIO_PROGRAM_SIZE}`);
    if (c.regex.length > 1024) out.push(`${JSON.stringify(c.regex)}: ${c.regex.length} bytes, over Istio's webhook limit of 1024`);
    c.probes.forEach((p, j) => {
      if (graylane(c.regex, p) !== v.matches[j]) out.push(`${JSON.stringify(c.regex)} on ${JSON.stringify(p)}: Go ${v.matches[j]}, graylane ${!v.matches[j]}`);
    });
  });
  return out;
}

/** One line of figures: the smallest and largest program, and how many pass RE2's default of 100. */
export function baggageSizes(cases: readonly BaggageCase[], verdicts: readonly BaggageVerdict[]): string {
  const sizes = verdicts.map((v) => v.size);
  const gray = verdicts[cases.findIndex((c) => c.regex === baggageMemberRegex('lane', 'gray'))]?.size;
  const longest = verdicts[cases.findIndex((c) => c.regex === baggageMemberRegex('lane', 'z'.repeat(63)))]?.size;
  const fits = cases.map((c, i) => ({ n: c.regex, s: verdicts[i]!.size })).filter((x) => x.s <= ENVOY_DEFAULT_PROGRAM_SIZE).length;
  let maxLane = 0;
  for (let n = 1; n <= 63; n++) {
    const i = cases.findIndex((c) => c.regex === baggageMemberRegex('lane', 'z'.repeat(n)));
    if (i >= 0 && verdicts[i]!.size <= ENVOY_DEFAULT_PROGRAM_SIZE) maxLane = n;
  }
  return `judges: baggage regexes: RE2 program sizes ${Math.min(...sizes)}–${Math.max(...sizes)} (lane "gray": ${gray}, a 63-character lane: ${longest}); ${fits} of ${cases.length} within ${ENVOY_DEFAULT_PROGRAM_SIZE} (Envoy's default), i.e. lanes up to ${maxLane} characters with key "lane"`;
}
