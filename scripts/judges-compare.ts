/**
 * Comparisons of graylane's answers with the upstream verdicts. Pure: each returns the disagreements as
 * sentences, empty when graylane and upstream agree, so the self-test can feed them planted answers.
 */
import type { K8sObject, ObjectSet } from './judges-cases';

export interface ObjectVerdict {
  kind: string;
  namespace: string;
  name: string;
  allowed: boolean;
  error?: string;
  warnings: string[];
  judged: boolean;
}

export interface AnalysisMessage {
  code: string;
  level: string;
  message: string;
  resource: string;
}

export interface SetVerdict {
  name: string;
  objects: ObjectVerdict[];
  analysis: AnalysisMessage[];
}

/** An upstream warning accepted on purpose: which one, on which kind, and why. */
export interface AllowedWarning {
  readonly kind: string;
  readonly warning: string;
  readonly why: string;
}

/** An analyzer message a set is expected to produce. */
export interface AssertedMessage {
  readonly set: string;
  readonly code: string;
  readonly resource: string;
  readonly why: string;
}

const ISTIO_GROUPS = /(^|\.)istio\.io$/;

export function ref(o: { kind: string; namespace?: string; name: string }): string {
  return `${o.kind} ${o.namespace ?? ''}/${o.name}`;
}

/** Priority 1a: istiod's webhook accepts every emitted object, without warnings unless allowed. */
export function validationDisagreements(sets: readonly ObjectSet[], verdicts: readonly SetVerdict[], allowed: readonly AllowedWarning[]): string[] {
  const out: string[] = [];
  sets.forEach((set, i) => {
    const verdict = verdicts[i];
    if (!verdict || verdict.objects.length !== set.objects.length) {
      out.push(`${set.name}: the judge returned no verdict for some objects`);
      return;
    }
    set.objects.forEach((object, j) => {
      const v = verdict.objects[j]!;
      const group = object.apiVersion.includes('/') ? object.apiVersion.split('/')[0]! : '';
      if (ISTIO_GROUPS.test(group) && !v.judged) out.push(`${set.name}: ${ref(v)}: istiod's webhook does not serve ${object.apiVersion} ${object.kind}`);
      if (!v.allowed) out.push(`${set.name}: ${ref(v)}: istiod's webhook rejects it: ${v.error ?? ''}`);
      for (const w of v.warnings) {
        if (!allowed.some((a) => a.kind === v.kind && w.includes(a.warning))) out.push(`${set.name}: ${ref(v)}: istiod's webhook warns: ${w}`);
      }
    });
  });
  return out;
}

export interface GraylaneObjectVerdict {
  /** The CRD schema's problems (graylane's CRD validator over the upstream CRD). */
  readonly crd: readonly string[];
  /** compiler/rules/istio-semantics.ts's problems. */
  readonly semantics: readonly string[];
}

/**
 * Priority 1b: on planted defects, graylane (CRD schema + semantic rules) rejects exactly what Istio (the API
 * server's CRD schema + istiod's webhook) rejects. The CRD schema is on both sides: it is upstream data.
 */
export function defectDisagreements(
  corpus: readonly { file: string; objects: readonly K8sObject[] }[],
  verdicts: readonly SetVerdict[],
  graylane: (o: K8sObject) => GraylaneObjectVerdict,
): string[] {
  const out: string[] = [];
  corpus.forEach((entry, i) => {
    entry.objects.forEach((object, j) => {
      const v = verdicts[i]?.objects[j];
      if (!v) {
        out.push(`${entry.file}: no verdict for object #${j}`);
        return;
      }
      if (!v.judged) return;
      const g = graylane(object);
      const istioRejects = !v.allowed || g.crd.length > 0;
      const graylaneRejects = g.semantics.length > 0 || g.crd.length > 0;
      if (istioRejects && !graylaneRejects)
        out.push(`${entry.file}: ${ref(v)} (#${j}): Istio rejects it (${v.error ?? ''}), graylane's semantic rules accept it`);
      if (!istioRejects && graylaneRejects)
        out.push(`${entry.file}: ${ref(v)} (#${j}): graylane rejects it (${g.semantics.join(' ')}), Istio accepts it`);
    });
  });
  return out;
}

/** Priority 3a: every analyzer message on an emitted set is asserted, and every asserted one appears. */
export function analysisDisagreements(verdicts: readonly SetVerdict[], asserted: readonly AssertedMessage[]): string[] {
  const out: string[] = [];
  const used = new Set<AssertedMessage>();
  for (const v of verdicts) {
    for (const m of v.analysis) {
      const a = asserted.find((x) => v.name.startsWith(x.set) && x.code === m.code && x.resource === m.resource);
      if (a) used.add(a);
      else out.push(`${v.name}: istioctl analyze reports ${m.code} (${m.level}) on ${m.resource}: ${m.message}`);
    }
  }
  for (const a of asserted) if (!used.has(a)) out.push(`asserted ${a.code} on ${a.resource} in "${a.set}" was not reported by istioctl analyze`);
  return out;
}

/** "IST0101 VirtualService ns/name" for every graylane finding that names an IST code. */
export function graylaneIstCodes(findings: readonly { message: string; object: { kind?: string; metadata?: { name?: string; namespace?: string } } }[], codes: readonly string[]): Set<string> {
  const out = new Set<string>();
  for (const f of findings) {
    for (const code of codes) {
      if (!f.message.includes(`(${code})`)) continue;
      out.add(`${code} ${ref({ kind: f.object.kind ?? '', name: f.object.metadata?.name ?? '', namespace: f.object.metadata?.namespace ?? '' })}`);
      // graylane names a host conflict once, on the later VirtualService; Istio's analyzer reports it on each.
      const first = code === 'IST0109' ? /which (VirtualService \S+) already binds/.exec(f.message) : null;
      if (first) out.add(`${code} ${first[1]}`);
    }
  }
  return out;
}

/** Priority 3b: graylane check's IST0101/IST0109 verdicts equal Istio's analyzers' on the same objects. */
export function istCodeDisagreements(name: string, graylane: Set<string>, analysis: readonly AnalysisMessage[], codes: readonly string[]): string[] {
  const istio = new Set(analysis.filter((m) => codes.includes(m.code)).map((m) => `${m.code} ${m.resource}`));
  const out: string[] = [];
  for (const g of graylane) if (!istio.has(g)) out.push(`${name}: graylane check reports ${g}, istioctl analyze does not`);
  for (const i of istio) {
    if (!graylane.has(i)) {
      const messages = analysis.filter((m) => `${m.code} ${m.resource}` === i).map((m) => m.message);
      out.push(`${name}: istioctl analyze reports ${i} (${messages.join('; ')}), graylane check does not`);
    }
  }
  return out;
}

export interface Share {
  readonly host: string;
  readonly port?: number;
  readonly share: number;
}

/** Shares as "host:port share%" lines, merged by backend and sorted, for an order-free comparison. */
export function shareKey(shares: readonly Share[]): string {
  const merged = new Map<string, number>();
  for (const s of shares) {
    const k = `${s.host}:${s.port ?? ''}`;
    merged.set(k, (merged.get(k) ?? 0) + s.share);
  }
  return [...merged].sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => `${k} ${Math.round(v * 1000) / 1000}%`).join(', ');
}

/** Priority 2/4: the destinations upstream code picks equal those `graylane explain` gives. */
export function routingDisagreements(cases: readonly { name: string; upstream: readonly Share[] | string; graylane: readonly Share[] }[]): string[] {
  const out: string[] = [];
  for (const c of cases) {
    if (typeof c.upstream === 'string') out.push(`${c.name}: ${c.upstream}`);
    else if (shareKey(c.upstream) !== shareKey(c.graylane))
      out.push(`${c.name}: upstream sends ${shareKey(c.upstream) || 'nothing'}, graylane explain says ${shareKey(c.graylane) || 'nothing'}`);
  }
  return out;
}

/** Expression/rule parse verdicts: graylane accepts exactly what upstream parses. */
export function parseDisagreements(what: string, cases: readonly { text: string; upstreamError?: string; graylaneProblem?: string }[]): string[] {
  const out: string[] = [];
  for (const c of cases) {
    if (c.upstreamError !== undefined && c.graylaneProblem === undefined) out.push(`${what} ${JSON.stringify(c.text)}: Traefik rejects it (${c.upstreamError}), graylane accepts it`);
    if (c.upstreamError === undefined && c.graylaneProblem !== undefined) out.push(`${what} ${JSON.stringify(c.text)}: graylane rejects it (${c.graylaneProblem}), Traefik accepts it`);
  }
  return out;
}
