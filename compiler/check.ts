/**
 * Phase 4, check: cross-field semantics the schema cannot state — references, baselines, sums, strictness,
 * label syntax, Istio's own semantic rules. Every problem is collected; nothing stops at the first.
 */
import { checkNames } from './check-names';
import type { Diagnostic, Severity, SpecPath } from './diagnostics';
import {
  durationMillis,
  isHeaderName,
  isIPv4,
  isIPv6,
  labelKeyProblem,
  labelValueProblem,
  re2Problem,
  RETRY_ON_TOKENS,
} from './kubernetes-syntax';
import type { Plan } from './plan';
import { namesIn, runsService } from './plan';
import { circuitBreakerExpressionProblem } from './rules/traefik-circuit-breaker';
import { DNS_LABEL, type ReleaseSpec, type Resilience, type StringMatch, type Weights } from './spec/schema';
import { checkBaggage } from './check-baggage';
import { checkIngress } from './check-ingress';
import { checkExportTo } from './check-export-to';
import { checkDeadConfig } from './check-dead-config';
import { suggestion, toLabel } from './suggest';

type Finding = Omit<Diagnostic, 'file' | 'position'>;

export function check(spec: ReleaseSpec, plan: Plan, step: number | undefined): Finding[] {
  const out: Finding[] = [];
  const report = (code: string, severity: Severity, path: SpecPath, message: string, hint?: string) =>
    out.push({ code, severity, path, message, ...(hint ? { hint } : {}) });
  const s = spec.spec;
  const laneNames = Object.keys(s.lanes);
  const serviceNames = Object.keys(s.services);

  const laneRef = (path: SpecPath, name: string) => {
    if (!Object.hasOwn(s.lanes, name))
      report('GL201', 'error', path, `Lane "${name}" is not defined in spec.lanes.`, suggestion(name, laneNames));
  };
  const serviceRef = (path: SpecPath, name: string) => {
    if (!Object.hasOwn(s.services, name))
      report('GL202', 'error', path, `Service "${name}" is not defined in spec.services.`, suggestion(name, serviceNames));
  };
  const weightsCheck = (path: SpecPath, weights: Weights) => {
    for (const [lane, w] of Object.entries(weights)) {
      laneRef([...path, lane], lane);
      if (!Number.isInteger(w) || w < 0 || w > 100)
        report('GL206', 'error', [...path, lane], `Weight ${w} of lane "${lane}" must be a whole number from 0 to 100.`, 'use whole percentages');
    }
    const sum = Object.values(weights).reduce((a, b) => a + b, 0);
    if (sum !== 100)
      report('GL205', 'error', path, `Weights sum to ${sum}; they must sum to 100.`, sumHint(weights, sum));
  };

  // Names become object names, subset names and route names: they must be RFC 1123 labels.
  for (const [kind, names] of [['lanes', laneNames], ['services', serviceNames]] as const) {
    for (const name of names) {
      if (!DNS_LABEL.test(name) || name.length > 63)
        report('GL228', 'error', ['spec', kind, name], `The name "${name}" must be a lowercase RFC 1123 label (a-z, 0-9, "-").`, `rename it to "${toLabel(name)}"`);
    }
  }

  // Baseline: exactly one.
  const baselines = laneNames.filter((l) => s.lanes[l]!.baseline === true);
  if (baselines.length === 0)
    report('GL204', 'error', ['spec', 'lanes'], 'No lane is the baseline; exactly one lane must have `baseline: true`.', `add "baseline: true" to the lane that runs every service${laneNames[0] ? ` (e.g. "${laneNames[0]}")` : ''}`);
  for (const extra of baselines.slice(1))
    report('GL204', 'error', ['spec', 'lanes', extra, 'baseline'], `Lanes ${baselines.map((b) => `"${b}"`).join(' and ')} are both baselines; exactly one lane may be the baseline.`, `keep "baseline: true" on one lane only`);

  for (const [name, lane] of Object.entries(s.lanes)) {
    const at: SpecPath = ['spec', 'lanes', name];
    const realisations = (['selector', 'namespace', 'serviceName', 'endpoints'] as const).filter((k) => lane[k] !== undefined);
    if (lane.endpoints && realisations.length > 1)
      report('GL218', 'error', [...at, 'endpoints'], `Lane "${name}" sets endpoints together with ${realisations.filter((r) => r !== 'endpoints').join(', ')}; an endpoint lane is backed by its addresses only.`, 'remove either endpoints or the other fields');
    if (!lane.baseline && lane.namespace && lane.serviceName === undefined && lane.namespace === plan.namespace)
      report('GL218', 'error', [...at, 'namespace'], `Lane "${name}" uses namespace "${lane.namespace}", the release's own namespace, so it would reach the baseline's Services.`, 'name the namespace that runs this lane\'s copies');
    if (lane.baseline && lane.endpoints)
      report('GL218', 'error', [...at, 'endpoints'], `The baseline lane "${name}" cannot be backed by endpoints; it runs every service as Kubernetes workloads.`, 'move the endpoints to a lane of their own');
    if (lane.host !== undefined && !lane.endpoints)
      report('GL218', 'error', [...at, 'host'], `Lane "${name}" sets host, which only endpoint lanes use.`, 'remove host, or add endpoints');
    if (lane.baseline && lane.services)
      report('GL207', 'error', [...at, 'services'], `The baseline lane "${name}" lists services; the baseline runs every service.`, 'remove the services list from the baseline');
    if (lane.serviceName !== undefined && !lane.serviceName.includes('{service}') && (lane.services?.length ?? serviceNames.length) > 1)
      report('GL229', 'error', [...at, 'serviceName'], `serviceName "${lane.serviceName}" has no "{service}" placeholder, so every service of lane "${name}" would reach the same Service.`, `write e.g. "{service}-${name}"`);

    for (const [key, value] of Object.entries(lane.selector ?? {})) labelCheck(report, [...at, 'selector', key], key, value);
    (lane.services ?? []).forEach((svc, i) => serviceRef([...at, 'services', i], svc));
    duplicates(report, [...at, 'services'], lane.services ?? [], 'service');

    const fallback = Array.isArray(lane.fallback) ? lane.fallback : (lane.fallback?.lanes ?? []);
    const fallbackPath: SpecPath = Array.isArray(lane.fallback) ? [...at, 'fallback'] : [...at, 'fallback', 'lanes'];
    fallback.forEach((f, i) => {
      laneRef([...fallbackPath, i], f);
      if (f === name)
        report('GL203', 'error', [...fallbackPath, i], `Lane "${name}" lists itself in its own fallback chain.`, `remove "${name}" from its fallback list`);
    });
    duplicates(report, fallbackPath, fallback, 'lane');
    if (lane.strict && lane.fallback !== undefined)
      report('GL219', 'warning', [...at, 'fallback'], `Lane "${name}" is strict, so its fallback list is never used.`, 'remove the fallback list or the strict flag');
    if (lane.strict && lane.services) {
      const missing = serviceNames.filter((svc) => !lane.services!.includes(svc));
      if (missing.length > 0)
        report('GL207', 'error', [...at, 'services'], `Strict lane "${name}" does not run ${missing.map((m) => `"${m}"`).join(', ')}; a strict lane must run every service and never falls back.`, `add ${missing.join(', ')} to its services, or drop "strict: true"`);
    }
    (lane.endpoints ?? []).forEach((e, i) => {
      if (!isIPv4(e.address) && !isIPv6(e.address))
        report('GL221', 'error', [...at, 'endpoints', i, 'address'], `Endpoint address "${e.address}" is not an IP address; ServiceEntry resolution STATIC needs IP addresses.`, 'use the IP address of the endpoint');
      for (const [k, v] of Object.entries(e.labels ?? {})) labelCheck(report, [...at, 'endpoints', i, 'labels', k], k, v);
    });
    if (lane.fallback && !Array.isArray(lane.fallback) && lane.fallback.when?.includes('unavailable') && plan.targets.includes('istio')) {
      // With asm beside istio the spec already has run-time fallback; istio gets the compile-time part.
      if (plan.targets.includes('asm'))
        report('GL403', 'warning', [...at, 'fallback', 'when'], `Lane "${name}" falls back when a copy is "unavailable": target asm does that at run time, target istio only falls back where the lane has no copy (decided when compiling).`, 'deploy the asm objects where run-time fallback matters');
      else
        report('GL403', 'error', [...at, 'fallback', 'when'], `Lane "${name}" falls back when a copy is "unavailable", which upstream Istio cannot do at run time (target istio).`, 'use target "asm", whose VirtualService fallback handles unavailable copies, or keep only "noinstances"');
    }
  }

  // Endpoint lanes need hosts of their own: never a Kubernetes Service's host, never another lane's.
  const serviceHosts = new Map(plan.services.map((svc) => [svc.host, svc.name]));
  const endpointHosts = new Map<string, string>();
  for (const svc of plan.services) {
    for (const lane of plan.lanes) {
      if (lane.kind !== 'endpoints' || !runsService(lane, svc.name)) continue;
      const dest = svc.resolution[lane.name]!;
      const owner = serviceHosts.get(dest.host) ?? endpointHosts.get(dest.host);
      if (owner !== undefined && owner !== `${lane.name}/${svc.name}`)
        report('GL222', 'error', ['spec', 'lanes', lane.name, 'host'], `Endpoint lane "${lane.name}" would put service "${svc.name}" on host "${dest.host}", which already belongs to ${owner.includes('/') ? `lane/service ${owner}` : `Service "${owner}"`}.`, 'give the lane a host of its own, e.g. "{service}.{lane}.mock.internal"');
      endpointHosts.set(dest.host, `${lane.name}/${svc.name}`);
    }
  }

  // Baseline pods must be told apart from other lanes' pods behind the same Service.
  const baselineLane = plan.lanes.find((l) => l.baseline);
  if (baselineLane && baselineLane.kind === 'service') {
    const sharing = plan.lanes.filter((l) => l.kind === 'selector');
    if (sharing.length > 0)
      report('GL212', 'warning', ['spec', 'lanes', baselineLane.name], `Baseline lane "${baselineLane.name}" has no selector, but ${sharing.length > 1 ? 'lanes' : 'lane'} ${sharing.map((l) => `"${l.name}"`).join(', ')} ${sharing.length > 1 ? 'select' : 'selects'} pods behind the same Services; baseline traffic would reach their pods too.`, `give "${baselineLane.name}" a selector such as { version: v1 }`);
  }

  // Entry.
  // Without an entry nothing here applies; checkIngress says what needs one.
  const entry = s.entry ?? { rules: [] };
  if (entry.service !== undefined) serviceRef(['spec', 'entry', 'service'], entry.service);
  const gatewayBound = entry.gateway !== undefined && entry.gateway !== 'mesh';
  if (gatewayBound && !/^([a-z0-9]([-a-z0-9]*[a-z0-9])?\/)?[a-z0-9]([-.a-z0-9]*[a-z0-9])?$/.test(entry.gateway!))
    report('GL225', 'error', ['spec', 'entry', 'gateway'], `Gateway "${entry.gateway}" must be "namespace/name", "name" or "mesh".`, 'write e.g. "istio-system/public-gateway"');
  if (gatewayBound && (entry.hosts?.length ?? 0) === 0)
    report('GL223', 'error', ['spec', 'entry', 'hosts'], `The entry is bound to gateway "${entry.gateway}" but lists no hosts.`, 'add the hosts clients use, e.g. hosts: [shop.example.com]');
  (entry.hosts ?? []).forEach((h, i) => {
    if (h.includes('*'))
      report('GL223', 'error', ['spec', 'entry', 'hosts', i], `Entry host "${h}" is a wildcard; a wildcard host claims traffic of other teams' hosts.`, 'list the exact hosts');
  });
  if (!gatewayBound && (entry.hosts?.length ?? 0) > 0 && plan.targets.some((t) => t !== 'traefik'))
    report('GL223', 'warning', ['spec', 'entry', 'hosts'], 'The entry is inside the mesh, so its hosts are not used by the mesh targets; callers address the entry service itself.', 'remove hosts, or set a gateway');

  const header = s.trafficLabel?.header.toLowerCase();
  // Clients reach the entry from outside through an Istio gateway or through Traefik.
  const atEdge = gatewayBound || plan.targets.includes('traefik');
  if (s.entry && plan.targets.includes('traefik') && (entry.hosts?.length ?? 0) === 0)
    report('GL223', 'error', ['spec', 'entry', 'hosts'], 'Target traefik needs the entry hosts: every Traefik route matches on Host.', 'add the hosts clients use, e.g. hosts: [shop.example.com]');
  if (s.trafficLabel && !isHeaderName(s.trafficLabel.header))
    report('GL217', 'error', ['spec', 'trafficLabel', 'header'], `Lane header "${s.trafficLabel.header}" is not a valid HTTP header name.`, 'use letters, digits and "-", e.g. "x-lane"');

  const ruleNames: string[] = [];
  entry.rules.forEach((rule, i) => {
    const at: SpecPath = ['spec', 'entry', 'rules', i];
    ruleNames.push(rule.name);
    const actions = (['lane', 'weights', 'steps'] as const).filter((k) => rule[k] !== undefined);
    if (actions.length !== 1)
      report('GL214', 'error', at, `Rule "${rule.name}" must say where requests go with exactly one of lane, weights or steps${actions.length > 1 ? `, not ${actions.join(' and ')}` : ''}.`, actions.length > 1 ? `keep only ${actions[0]}` : 'add lane: <name> or weights: { <lane>: 100 }');
    if (rule.lane !== undefined) laneRef([...at, 'lane'], rule.lane);
    if (rule.weights) weightsCheck([...at, 'weights'], rule.weights);
    if (rule.steps) {
      rule.steps.forEach((w, j) => weightsCheck([...at, 'steps', j], w));
      if (step !== undefined && (step < 0 || step >= rule.steps.length))
        report('GL209', 'error', [...at, 'steps'], `Step ${step} is out of range: rule "${rule.name}" has ${rule.steps.length} steps (0 to ${rule.steps.length - 1}).`, `choose a step from 0 to ${rule.steps.length - 1}`);
    }
    for (const [kind, map] of [['headers', rule.match?.headers], ['queryParams', rule.match?.queryParams]] as const) {
      for (const [key, m] of Object.entries(map ?? {})) {
        const p: SpecPath = [...at, 'match', kind, key];
        matchCheck(report, p, m);
        if (kind === 'headers' && !isHeaderName(key))
          report('GL217', 'error', p, `"${key}" is not a valid HTTP header name.`, 'use letters, digits and "-"');
        if (kind === 'headers' && header !== undefined && key.toLowerCase() === header && atEdge && s.trafficLabel?.trusted !== true)
          report('GL211', 'error', p, `Rule "${rule.name}" matches on the lane header "${header}" at the ${gatewayBound ? 'gateway' : 'Traefik entry'}, where clients can set it to pick any lane.`, 'match on another header (the entry then sets the lane header itself), or set trafficLabel.trusted: true if only trusted callers reach this entry');
      }
    }
    if (rule.match === undefined && i < entry.rules.length - 1)
      report('GL224', 'warning', at, `Rule "${rule.name}" has no match, so it catches every request and the ${entry.rules.length - 1 - i} rule(s) after it are never used.`, 'move the catch-all rule to the end');
  });
  duplicates(report, ['spec', 'entry', 'rules'], ruleNames, 'rule name', (i) => ['spec', 'entry', 'rules', i, 'name']);
  out.push(...checkIngress(spec, plan));
  out.push(...checkBaggage(spec));

  for (const [svc, weights] of Object.entries(s.canary ?? {})) {
    const at: SpecPath = ['spec', 'canary', svc];
    serviceRef(at, svc);
    weightsCheck(at, weights);
    for (const lane of Object.keys(weights)) {
      const l = Object.hasOwn(s.lanes, lane) ? s.lanes[lane] : undefined;
      if (l && Object.hasOwn(s.services, svc) && !l.baseline && l.services && !l.services.includes(svc))
        report('GL213', 'error', [...at, lane], `The canary of "${svc}" sends requests to lane "${lane}", which does not run "${svc}".`, `add "${svc}" to the services of lane "${lane}", or remove it from this split`);
    }
  }

  (s.callerSplits ?? []).forEach((c, i) => {
    const at: SpecPath = ['spec', 'callerSplits', i];
    laneRef([...at, 'lane'], c.lane);
    laneRef([...at, 'from'], c.from);
    (c.services ?? []).forEach((svc, j) => serviceRef([...at, 'services', j], svc));
    weightsCheck([...at, 'weights'], c.weights);
    const from = Object.hasOwn(s.lanes, c.from) ? s.lanes[c.from] : undefined;
    if (from && !from.selector && !from.namespace && plan.targets.includes('istio'))
      report('GL231', 'error', [...at, 'from'], `Caller lane "${c.from}" has neither a selector nor a namespace, so Istio cannot tell its workloads apart (sourceLabels or sourceNamespace).`, `give lane "${c.from}" a selector, or use target asm, which matches the caller's own traffic label`);
  });
  if ((s.callerSplits ?? []).length > 0 && !s.trafficLabel)
    report('GL233', 'error', ['spec', 'callerSplits'], 'Caller-aware splits pick requests by their lane, so the spec needs trafficLabel.header.', 'add trafficLabel: { header: x-lane }');
  if (s.trafficLabel?.scope === 'workload' && !s.trafficLabel.workloadSelector)
    report('GL232', 'error', ['spec', 'trafficLabel', 'scope'], 'A TrafficLabel of scope workload needs trafficLabel.workloadSelector, the labels of the workloads it applies to.', 'add workloadSelector: { app: <name> }, or use scope namespace');
  for (const [k, v] of Object.entries(spec.metadata.labels ?? {})) labelCheck(report, ['metadata', 'labels', k], k, v);
  if (!header && plan.lanes.some((l) => !l.baseline && l.runs.some((r) => !namesIn(plan.entry.services).has(r))))
    report('GL220', 'warning', ['spec', 'lanes'], 'No trafficLabel.header is set, so lanes are chosen at the entry only; lane copies of services behind the entry are reached only by canary splits.', 'add trafficLabel: { header: x-lane }');

  resilienceCheck(report, ['spec', 'entry', 'resilience'], entry.resilience);
  resilienceCheck(report, ['spec', 'resilience'], s.resilience);
  for (const [name, svc] of Object.entries(s.services)) {
    resilienceCheck(report, ['spec', 'services', name, 'resilience'], svc.resilience);
    if (svc.port === undefined && svc.ports === undefined)
      report('GL103', 'error', ['spec', 'services', name], `Service "${name}" has no port.`, 'add port: <number>');
    if (svc.port !== undefined && svc.ports !== undefined)
      report('GL218', 'error', ['spec', 'services', name], `Service "${name}" sets both port and ports.`, 'keep one of them');
    duplicates(report, ['spec', 'services', name, 'ports'], (svc.ports ?? []).map((p) => String(p.number)), 'port');
  }
  return [...out, ...checkNames(spec, plan), ...checkExportTo(plan), ...checkDeadConfig(plan)];
}

type Report = (code: string, severity: Severity, path: SpecPath, message: string, hint?: string) => void;

function labelCheck(report: Report, path: SpecPath, key: string, value: string): void {
  const keyProblem = labelKeyProblem(key);
  if (keyProblem) report('GL208', 'error', path, `Label key "${key}" is not valid Kubernetes syntax: ${keyProblem}.`, `e.g. "${toLabel(key) || 'version'}"`);
  const valueProblem = labelValueProblem(value);
  if (valueProblem) report('GL208', 'error', path, `Label value "${value}" of "${key}" is not valid Kubernetes syntax: ${valueProblem}.`, `e.g. "${toLabel(value) || 'v1'}"`);
}

function matchCheck(report: Report, path: SpecPath, m: StringMatch): void {
  const kinds = (['exact', 'prefix', 'regex'] as const).filter((k) => m[k] !== undefined);
  if (kinds.length !== 1)
    report('GL215', 'error', path, `A match needs exactly one of exact, prefix or regex; this one has ${kinds.length === 0 ? 'none' : kinds.join(' and ')}.`, kinds.length === 0 ? 'add exact: <value>' : `keep only ${kinds[0]}`);
  if (m.regex !== undefined) {
    const problem = re2Problem(m.regex);
    if (problem) report('GL216', 'error', [...path, 'regex'], `Regex ${JSON.stringify(m.regex)} is not valid for Envoy (RE2): ${problem}.`, 'rewrite it without look-around or backreferences');
  }
}

function resilienceCheck(report: Report, path: SpecPath, r: Resilience | undefined): void {
  if (!r) return;
  const durations: [SpecPath, string | undefined][] = [
    [['timeout'], r.timeout],
    [['retries', 'perTryTimeout'], r.retries?.perTryTimeout],
    [['rateLimit', 'period'], r.rateLimit?.period],
    [['circuitBreaker', 'interval'], r.circuitBreaker?.interval],
    [['circuitBreaker', 'baseEjectionTime'], r.circuitBreaker?.baseEjectionTime],
  ];
  for (const [sub, value] of durations) {
    if (value !== undefined && durationMillis(value) < 1)
      report('GL226', 'error', [...path, ...sub], `Duration "${value}" is shorter than 1ms; Istio rejects it (and "0s" does not mean "no timeout").`, 'use at least "1ms", or omit the field for the default');
  }
  if (r.circuitBreaker?.expression !== undefined) {
    const problem = circuitBreakerExpressionProblem(r.circuitBreaker.expression);
    if (problem)
      report('GL230', 'error', [...path, 'circuitBreaker', 'expression'], `Circuit-breaker expression ${JSON.stringify(r.circuitBreaker.expression)} is not valid for Traefik: ${problem}.`, 'write e.g. "NetworkErrorRatio() > 0.30 || LatencyAtQuantileMS(50.0) > 100"');
  }
  if (r.retries?.retryOn !== undefined) {
    for (const token of r.retries.retryOn.split(',').map((t) => t.trim())) {
      if (!(RETRY_ON_TOKENS as readonly string[]).includes(token) && !/^[1-5]\d\d$/.test(token))
        report('GL227', 'error', [...path, 'retries', 'retryOn'], `retryOn condition "${token}" is not one Envoy knows.`, suggestion(token, RETRY_ON_TOKENS));
    }
  }
}

function duplicates(report: Report, path: SpecPath, values: readonly string[], what: string, at?: (i: number) => SpecPath): void {
  const seen = new Set<string>();
  values.forEach((v, i) => {
    if (seen.has(v)) report('GL210', 'error', at ? at(i) : [...path, i], `The ${what} "${v}" appears more than once.`, `remove the second "${v}"`);
    seen.add(v);
  });
}

function sumHint(weights: Weights, sum: number): string {
  const entries = Object.entries(weights);
  if (entries.length === 0) return 'add lanes and their shares';
  const [lastLane, lastWeight] = entries[entries.length - 1]!;
  const fixed = lastWeight + (100 - sum);
  return fixed >= 0 ? `e.g. set "${lastLane}" to ${fixed}` : 'lower the shares so they add up to 100';
}

