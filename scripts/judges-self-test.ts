/**
 * The judges are known to bite: each comparison is run again with a deliberately wrong graylane answer (a test
 * double) against the real upstream verdicts, and must report a disagreement. Returns what was not caught.
 */
import type { K8sObject, ObjectSet } from './judges-cases';
import {
  analysisDisagreements,
  defectDisagreements,
  istCodeDisagreements,
  parseDisagreements,
  routingDisagreements,
  validationDisagreements,
  type AllowedWarning,
  type AnalysisMessage,
  type AssertedMessage,
  type GraylaneObjectVerdict,
  type SetVerdict,
  type Share,
} from './judges-compare';

export interface Judged {
  validation: { sets: ObjectSet[]; verdicts: SetVerdict[] };
  defects: { corpus: { file: string; objects: K8sObject[] }[]; verdicts: SetVerdict[] };
  analysis: SetVerdict[];
  istCodes: { name: string; graylane: Set<string>; analysis: AnalysisMessage[] }[];
  rules: { text: string; upstreamError?: string; graylaneProblem?: string }[];
  plantedRule?: { text: string; upstreamError?: string };
  expressions: { text: string; upstreamError?: string; graylaneProblem?: string }[];
  routing: { name: string; upstream: readonly Share[] | string; graylane: readonly Share[] }[];
}

interface Context {
  allowed: readonly AllowedWarning[];
  asserted: readonly AssertedMessage[];
  graylaneVerdict: (o: K8sObject) => GraylaneObjectVerdict;
}

export function selfTest(judged: Judged, context: Context): string[] {
  const missed: string[] = [];
  const expectCaught = (what: string, disagreements: string[]) => {
    if (disagreements.length === 0) missed.push(`planted: ${what} was not caught`);
  };

  // A compiler that emitted the planted defects: istiod's real verdicts on them must fail the validation judge.
  const planted = judged.defects.corpus.map((c, i) => ({ set: { name: `planted ${c.file}`, objects: c.objects }, verdict: judged.defects.verdicts[i]! }));
  expectCaught('an emitted object istiod rejects', validationDisagreements(planted.map((p) => p.set), planted.map((p) => p.verdict), context.allowed));

  // Semantic rules that accept everything, and ones that reject everything.
  const none = (): GraylaneObjectVerdict => ({ crd: [], semantics: [] });
  expectCaught('semantic rules that accept every defect', defectDisagreements(judged.defects.corpus, judged.defects.verdicts, none));
  const all = (o: K8sObject): GraylaneObjectVerdict => ({ crd: context.graylaneVerdict(o).crd, semantics: ['planted: always wrong'] });
  expectCaught('semantic rules that reject every object', defectDisagreements(judged.defects.corpus, judged.defects.verdicts, all));

  // An analyzer message nobody asserted, and graylane check findings that vanished or were invented.
  const reported = judged.analysis.filter((v) => v.analysis.length > 0);
  expectCaught('an unasserted istioctl analyze message', analysisDisagreements(reported, []));
  const withIst = judged.istCodes.filter((c) => c.graylane.size > 0);
  expectCaught('graylane check without its IST0101/IST0109 findings', withIst.flatMap((c) => istCodeDisagreements(c.name, new Set(), c.analysis, ['IST0101', 'IST0109'])));
  expectCaught('an invented IST0109', judged.istCodes.slice(0, 1).flatMap((c) => istCodeDisagreements(c.name, new Set([...c.graylane, 'IST0109 VirtualService planted/none']), c.analysis, ['IST0109'])));

  // A rule Traefik cannot parse, as if graylane had emitted it.
  if (!judged.plantedRule) missed.push('planted: no planted Traefik rule was judged');
  else expectCaught(`the unparsable rule ${judged.plantedRule.text}`, parseDisagreements('rule', [judged.plantedRule]));

  // A circuit-breaker checker that accepts everything.
  expectCaught('a circuit-breaker checker that accepts everything', parseDisagreements('expression', judged.expressions.map(({ text, upstreamError }) => ({ text, ...(upstreamError !== undefined ? { upstreamError } : {}) }))));

  // An explain that shifts ten points from the first backend to a made-up one.
  const shifted = judged.routing.map((r) => ({
    ...r,
    graylane: r.graylane.length === 0 ? [{ host: 'planted.invalid', share: 100 }] : [{ ...r.graylane[0]!, share: r.graylane[0]!.share - 10 }, ...r.graylane.slice(1), { host: 'planted.invalid', share: 10 }],
  }));
  for (const r of shifted) expectCaught(`a wrong explain for ${r.name}`, routingDisagreements([r]));
  return missed;
}
