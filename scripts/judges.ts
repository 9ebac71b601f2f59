/**
 * `npm run judges`: Istio's and Traefik's own Go code judge what graylane emits and explains
 * (tools/judges; README "Judged by upstream code"). Builds the judge (cached), writes the cases as JSON into a
 * temp dir, runs the judge on them, compares its verdicts with graylane's answers, then proves the comparison
 * bites with planted wrong answers. Exit 1 on any disagreement.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { manifestsToYaml, type Manifest } from '../compiler';
import { istioSemanticProblems } from '../compiler/rules/istio-semantics';
import { circuitBreakerExpressionProblem } from '../compiler/rules/traefik-circuit-breaker';
import { runRules } from '../compiler/rules/run';
import type { K8sObject as RuleObject } from '../compiler/rules/rule';
import { istioCrds } from '../test/support/istio-crds';
import { runCli } from './run-cli';
import { baggageCases, baggageDisagreements, baggageSizes, type BaggageVerdict } from './judges-baggage';
import { judgeBinary, ROOT } from './judges-build';
import { defectCorpus, emittedSets, readObjects, type K8sObject } from './judges-cases';
import {
  analysisDisagreements,
  defectDisagreements,
  graylaneIstCodes,
  istCodeDisagreements,
  parseDisagreements,
  routingDisagreements,
  validationDisagreements,
  type AllowedWarning,
  type AssertedMessage,
  type GraylaneObjectVerdict,
  type SetVerdict,
  type Share,
} from './judges-compare';
import { selfTest, type Judged } from './judges-self-test';
import { backendShares, circuitBreakerExpressions, routersOf } from './judges-traefik';
import { clusterWorld } from './judges-world';
import { clusterShares, explainedRootShares, istioRoutingCases, type IstioRoutingVerdict } from './judges-istio-routing';

const FIXTURES = join(ROOT, 'test', 'fixtures', 'judges');
const IST_CODES = ['IST0101', 'IST0109'];

interface TraefikVerdicts {
  rules: { rule: string; syntax: string; error?: string }[];
  circuitBreakers: { expression: string; error?: string }[];
  routing: { name: string; error?: string; choices: { router: string; matching: string[]; tie: boolean }[] }[];
}

interface Verdicts {
  istio: SetVerdict[];
  istioRouting: IstioRoutingVerdict[];
  traefik: TraefikVerdicts;
}

/** Requests of examples/EXPECTED.md's coding-demo table, plus a host no route answers. */
const TRAEFIK_REQUESTS: { label: string; host: string; headers: Record<string, string> }[] = [
  { label: 'header location: shenzhen', host: 'pro.coding', headers: { location: 'shenzhen' } },
  { label: 'anything else', host: 'pro.coding', headers: {} },
  { label: 'another location', host: 'pro.coding', headers: { location: 'beijing' } },
  { label: 'another host', host: 'other.coding', headers: { location: 'shenzhen' } },
];

function json<T>(file: string): T {
  return JSON.parse(readFileSync(join(FIXTURES, file), 'utf8')) as T;
}

function isIstio(o: K8sObject): boolean {
  return /(^|\.)istio\.io\//.test(o.apiVersion) || o.apiVersion.startsWith('istio.alibabacloud.com/');
}

/**
 * ASM's VirtualService adds fields open-source Istio does not have (match.trafficLabel, route.fallback; see
 * README "What the ASM target emits"): upstream Istio cannot judge such an object, so it is left out and counted.
 */
function usesAsmExtensions(o: K8sObject): boolean {
  if (o.kind !== 'VirtualService') return false;
  const http = (o.spec?.http as { match?: Record<string, unknown>[]; route?: Record<string, unknown>[] }[] | undefined) ?? [];
  return http.some((r) => (r.match ?? []).some((m) => 'trafficLabel' in m || Array.isArray(m.sourceLabels)) || (r.route ?? []).some((d) => 'fallback' in d));
}

function judgeable(o: K8sObject): boolean {
  return isIstio(o) && !usesAsmExtensions(o);
}

function graylaneVerdict(o: K8sObject): GraylaneObjectVerdict {
  let crd: string[];
  try {
    crd = istioCrds().validate(o);
  } catch (e) {
    crd = [(e as Error).message];
  }
  return { crd, semantics: istioSemanticProblems(o) };
}

/** The leaf destinations of `graylane explain --format json`: root hop's, each followed through `next`. */
function explainedShares(explained: unknown): Share[] {
  type D = { host: string; port?: number; share: number; next?: { destinations?: D[] } };
  const leaves = (ds: D[] | undefined): Share[] =>
    (ds ?? []).flatMap((d) => (d.next?.destinations?.length ? leaves(d.next.destinations) : [{ host: d.host, ...(d.port !== undefined ? { port: d.port } : {}), share: d.share }]));
  return leaves((explained as { destinations?: D[] }).destinations);
}

async function main(): Promise<number> {
  const log = (line: string) => process.stdout.write(`${line}\n`);
  const binary = judgeBinary(log);
  const work = mkdtempSync(join(tmpdir(), 'graylane-judges-'));
  try {
    const sets = emittedSets();
    const corpus = defectCorpus();
    const checkCorpus = ['host-conflict.yaml', 'unresolved-subset.yaml', 'destination-rules.yaml'].map((f) => ({
      name: `test/fixtures/broken/${f}`,
      objects: readObjects(join(ROOT, 'test', 'fixtures', 'broken', f)),
    }));
    const analyzed = [...sets.filter((s) => / (istio|asm)( step \d+)?$/.test(s.name)), ...checkCorpus];
    const traefikSets = sets.filter((s) => s.objects.some((o) => o.kind === 'IngressRoute'));
    const routingSets = traefikSets.filter((s) => s.name.startsWith('example coding-demo'));
    const expressions = [...new Set([...sets.flatMap((s) => circuitBreakerExpressions(s.objects)), ...corpus.flatMap((c) => circuitBreakerExpressions(c.objects)), ...json<string[]>('circuit-breaker-expressions.json')])];
    const rules = [...new Map(traefikSets.flatMap((s) => routersOf(s.objects)).map((r) => [`${r.syntax} ${r.rule}`, { rule: r.rule, syntax: r.syntax }])).values()];

    // Istio's own routing, for the examples' Istio output (EXPECTED.md's mesh tables): bookinfo-lanes and flip-flop.
    const istioRoutedSets = sets.filter((s) => /^example (bookinfo-lanes|flip-flop)\.release\.yaml istio/.test(s.name));
    const istioRouted = istioRoutedSets.flatMap((s) => istioRoutingCases(s, s.objects.filter(judgeable)).map((c) => ({ ...c, set: s })));
    const baggage = baggageCases(sets);
    const cases = {
      baggage,
      istio: [
        ...sets.map((s) => ({ name: s.name, objects: s.objects.filter(judgeable), analyze: false })),
        ...corpus.map((c) => ({ name: c.file, objects: c.objects, analyze: false })),
        ...analyzed.map((s) => ({ name: s.name, objects: [...s.objects.filter(judgeable), ...clusterWorld(s.objects)], analyze: true })),
      ],
      istioRouting: istioRouted.map((r) => r.routing),
      traefik: {
        // The last rule is planted for the self-test: Header() needs a value.
        rules: [...rules, { rule: 'Host(`pro.coding`) && Header(`location`)', syntax: 'v3' }],
        circuitBreakers: expressions,
        routing: routingSets.map((s) => ({
          name: s.name,
          routers: routersOf(s.objects).filter((r) => r.entryPoints.includes('web')).map(({ name, rule, priority, syntax }) => ({ name, rule, priority, syntax })),
          requests: TRAEFIK_REQUESTS.map(({ host, headers }) => ({ host, path: '/', headers })),
        })),
      },
    };
    const casesFile = join(work, 'cases.json');
    writeFileSync(casesFile, JSON.stringify(cases));
    const verdictsFile = join(work, 'verdicts.json');
    // The judge's own log lines (Istio's, Traefik's) go to a file, shown only when it fails.
    const judgeLog = join(work, 'judge.log');
    try {
      execFileSync(binary, [casesFile, verdictsFile], { stdio: ['ignore', openSync(judgeLog, 'w'), 'pipe'], maxBuffer: 64 * 1024 * 1024 });
    } catch (e) {
      throw new Error(`the judge failed: ${(e as { stderr?: Buffer }).stderr?.toString() ?? (e as Error).message}`);
    }
    const verdicts = JSON.parse(readFileSync(verdictsFile, 'utf8')) as Verdicts & { baggage: BaggageVerdict[] };
    // GRAYLANE_JUDGES_KEEP=dir keeps the cases and the verdicts for a look at what the judges saw.
    const keep = process.env.GRAYLANE_JUDGES_KEEP;
    if (keep) for (const f of ['cases.json', 'verdicts.json', 'judge.log']) cpSync(join(work, f), join(keep, f));
    const istio = verdicts.istio;
    const emittedVerdicts = istio.slice(0, sets.length);
    const corpusVerdicts = istio.slice(sets.length, sets.length + corpus.length);
    const analysisVerdicts = istio.slice(sets.length + corpus.length);

    // Routing: Traefik's muxer picks the router, the router's services give the shares; graylane explain on the same objects.
    const routing: Judged['routing'] = [];
    for (const [i, s] of routingSets.entries()) {
      const objectsFile = join(work, `routing-${i}.yaml`);
      writeFileSync(objectsFile, manifestsToYaml(s.objects as unknown as Manifest[]));
      const routers = routersOf(s.objects);
      const v = verdicts.traefik.routing[i]!;
      for (const [j, req] of TRAEFIK_REQUESTS.entries()) {
        const name = `${s.name}: entry point web, host ${req.host}, ${req.label}`;
        const choice = v.choices[j];
        const router = routers.find((r) => r.name === choice?.router);
        const upstream: Share[] | string = v.error ? `Traefik cannot build the router: ${v.error}` : !choice ? 'no upstream answer' : choice.tie ? `Traefik's choice is undefined: routers ${choice.matching.join(', ')} tie on priority` : router ? backendShares(router, s.objects) : [];
        const args = ['explain', objectsFile, '--entry-point', 'web', '--host', req.host, ...Object.entries(req.headers).flatMap(([k, val]) => ['--header', `${k}=${val}`]), '--format', 'json'];
        const run = await runCli(args, ROOT);
        const graylane = run.status === 0 ? explainedShares(JSON.parse(run.stdout)) : [];
        routing.push({ name, upstream, graylane });
      }
    }

    for (const [i, { set: s, routing: c, labels, gateway }] of istioRouted.entries()) {
      const objectsFile = join(work, `istio-routing-${i}.yaml`);
      writeFileSync(objectsFile, manifestsToYaml(s.objects as unknown as Manifest[]));
      const v = verdicts.istioRouting[i]!;
      for (const [j, req] of c.requests.entries()) {
        const name = `${s.name}: ${labels[j]}`;
        const choice = v.choices[j];
        const upstream: Share[] | string = v.error ? `istiod's config generator failed: ${v.error}` : !choice ? 'no upstream answer' : choice.problem ? choice.problem : clusterShares(choice.clusters);
        const from = gateway ? ['--gateway', gateway] : ['--mesh', '-n', c.namespace];
        const args = ['explain', objectsFile, ...from, '--host', req.authority, ...Object.entries(req.headers).flatMap(([k, val]) => ['--header', `${k}=${val}`]), '--format', 'json'];
        const run = await runCli(args, ROOT);
        routing.push({ name, upstream, graylane: run.status === 0 ? explainedRootShares(JSON.parse(run.stdout)) : [] });
      }
    }

    const judged: Judged = {
      validation: { sets: sets.map((s) => ({ ...s, objects: s.objects.filter(judgeable) })), verdicts: emittedVerdicts },
      defects: { corpus, verdicts: corpusVerdicts },
      analysis: analysisVerdicts,
      istCodes: analyzed.map((s, i) => ({ name: s.name, graylane: graylaneIstCodes(runRules(s.objects as unknown as RuleObject[]), IST_CODES), analysis: analysisVerdicts[i]!.analysis })),
      rules: verdicts.traefik.rules.slice(0, rules.length).map((r) => ({ text: `${r.syntax}: ${r.rule}`, ...(r.error !== undefined ? { upstreamError: r.error } : {}) })),
      plantedRule: verdicts.traefik.rules.slice(rules.length).map((r) => ({ text: `${r.syntax}: ${r.rule}`, ...(r.error !== undefined ? { upstreamError: r.error } : {}) }))[0],
      expressions: verdicts.traefik.circuitBreakers.map((e) => {
        const problem = circuitBreakerExpressionProblem(e.expression);
        return { text: e.expression, ...(e.error !== undefined ? { upstreamError: e.error } : {}), ...(problem !== undefined ? { graylaneProblem: problem } : {}) };
      }),
      routing,
    };

    const allowed = json<AllowedWarning[]>('allowed-warnings.json');
    const asserted = json<AssertedMessage[]>('asserted-analysis.json');
    const judges: { name: string; count: number; disagreements: string[] }[] = [
      { name: "istiod's webhook on every emitted object", count: judged.validation.sets.reduce((n, s) => n + s.objects.length, 0), disagreements: validationDisagreements(judged.validation.sets, judged.validation.verdicts, allowed) },
      { name: "graylane's semantic rules vs istiod's webhook on planted defects", count: corpus.reduce((n, c) => n + c.objects.length, 0), disagreements: defectDisagreements(corpus, corpusVerdicts, graylaneVerdict) },
      { name: 'istioctl analyze (offline) on every Istio object set', count: analyzed.length, disagreements: analysisDisagreements(analysisVerdicts, asserted) },
      { name: "graylane check's IST0101/IST0109 vs istioctl analyze", count: judged.istCodes.length, disagreements: judged.istCodes.flatMap((c) => istCodeDisagreements(c.name, c.graylane, c.analysis, IST_CODES)) },
      { name: "Traefik's rule parser on every emitted match rule", count: judged.rules.length, disagreements: parseDisagreements('rule', judged.rules) },
      { name: "Traefik's circuit-breaker parser vs graylane's", count: judged.expressions.length, disagreements: parseDisagreements('circuit-breaker expression', judged.expressions) },
      { name: "Traefik's muxer and istiod's sidecar routes vs graylane explain", count: routing.length, disagreements: routingDisagreements(routing) },
      { name: "Go's RE2 on every baggage regex (compiles, Istio's size limits, graylane's reading)", count: baggage.length, disagreements: baggageDisagreements(baggage, verdicts.baggage) },
      { name: 'self-test: planted wrong answers are caught', count: 1, disagreements: selfTest(judged, { allowed, asserted, graylaneVerdict }) },
    ];
    // The baggage comparison, fed a reading that matches everything, must disagree.
    if (baggageDisagreements(baggage, verdicts.baggage, () => true).length === 0) judges.at(-1)!.disagreements.push('the baggage comparison did not catch a reading that matches every list');
    log(baggageSizes(baggage, verdicts.baggage));
    const asmOnly = sets.reduce((n, s) => n + s.objects.filter(usesAsmExtensions).length, 0);
    log(`judges: ${asmOnly} ASM VirtualServices use ASM-only fields (trafficLabel, fallback) and are not judged by upstream Istio`);
    let failed = 0;
    for (const j of judges) {
      log(`${j.disagreements.length === 0 ? 'ok  ' : 'FAIL'} ${j.name} (${j.count} judged)`);
      for (const d of j.disagreements) log(`       ${d}`);
      if (j.disagreements.length > 0) failed++;
    }
    log(`judges: ${judges.length - failed} passed, ${failed} failed`);
    return failed === 0 ? 0 : 1;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    process.stderr.write(`judges: ${(e as Error).message}\n`);
    process.exit(2);
  },
);
