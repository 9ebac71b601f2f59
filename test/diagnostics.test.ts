/**
 * One test per diagnostic code: the base spec broken one way, and the exact diagnostic that names it —
 * code, severity, line:column, spec path, message and hint.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compile, formatDiagnostic, type Diagnostic } from '../compiler';
import { selfCheck } from '../compiler/compile';
import { BASE_SPEC, mutate } from './support/base-spec';

interface Case {
  code: string;
  from: string;
  to: string;
  at: string;
  path: (string | number)[];
  message: string;
  hint: string;
}

const CASES: Case[] = [
  {
    code: 'GL100',
    from: "services:\n",
    to: "services:\n  - x: [\n",
    at: '10:5',
    path: [],
    message: "The file is not valid YAML: Flow sequence in block collection must be sufficiently indented and end with a ].",
    hint: "fix the YAML syntax at this position",
  },
  {
    code: 'GL110',
    from: "    cart: { port: 8080 }\n",
    to: "    cart: { port: 8080 }\n    cart: { port: 9090 }\n",
    at: '11:5',
    path: [],
    message: "The key \"cart\" appears twice in the same mapping; YAML would keep only one of them.",
    hint: "remove or rename one of the two keys",
  },
  {
    code: 'GL101',
    from: "      baseline: true",
    to: "      baseline: true\n      fallbak: [gray]",
    at: '14:7',
    path: ["spec","lanes","base","fallbak"],
    message: "Unknown key \"fallbak\" in spec.lanes.base; the schema does not define it.",
    hint: "did you mean \"fallback\"?",
  },
  {
    code: 'GL102',
    from: "web: { port: 8080 }",
    to: "web: { port: \"eighty\" }",
    at: '9:18',
    path: ["spec","services","web","port"],
    message: "spec.services.web.port is \"eighty\", but it must be a number.",
    hint: "write a number here",
  },
  {
    code: 'GL103',
    from: "      - name: beta\n",
    to: "      - service: web\n",
    at: '26:9',
    path: ["spec","entry","rules",0,"name"],
    message: "spec.entry.rules[0].name is required (string).",
    hint: "add \"name\"",
  },
  {
    code: 'GL104',
    from: "targets: [istio]",
    to: "targets: [istoi]",
    at: '7:13',
    path: ["spec","targets",0],
    message: "spec.targets[0] is \"istoi\"; allowed: \"istio\", \"asm\", \"traefik\", \"gateway-api\".",
    hint: "did you mean \"istio\"?",
  },
  {
    code: 'GL201',
    from: "fallback: [base]",
    to: "fallback: [bsae]",
    at: '18:18',
    path: ["spec","lanes","gray","fallback",0],
    message: "Lane \"bsae\" is not defined in spec.lanes.",
    hint: "did you mean \"base\"?",
  },
  {
    code: 'GL202',
    from: "services: [cart]",
    to: "services: [crat]",
    at: '17:18',
    path: ["spec","lanes","gray","services",0],
    message: "Service \"crat\" is not defined in spec.services.",
    hint: "did you mean \"cart\"?",
  },
  {
    code: 'GL203',
    from: "fallback: [base]",
    to: "fallback: [gray, base]",
    at: '18:18',
    path: ["spec","lanes","gray","fallback",0],
    message: "Lane \"gray\" lists itself in its own fallback chain.",
    hint: "remove \"gray\" from its fallback list",
  },
  {
    code: 'GL204',
    from: "      baseline: true\n",
    to: "",
    at: '12:5',
    path: ["spec","lanes"],
    message: "No lane is the baseline; exactly one lane must have `baseline: true`.",
    hint: "add \"baseline: true\" to the lane that runs every service (e.g. \"base\")",
  },
  {
    code: 'GL205',
    from: "{ base: 50, gray: 50 }",
    to: "{ base: 50, gray: 40 }",
    at: '33:13',
    path: ["spec","entry","rules",1,"steps",1],
    message: "Weights sum to 90; they must sum to 100.",
    hint: "e.g. set \"gray\" to 50",
  },
  {
    code: 'GL206',
    from: "{ base: 50, gray: 50 }",
    to: "{ base: 49.5, gray: 50 }",
    at: '33:21',
    path: ["spec","entry","rules",1,"steps",1,"base"],
    message: "Weight 49.5 of lane \"base\" must be a whole number from 0 to 100.",
    hint: "use whole percentages",
  },
  {
    code: 'GL207',
    from: "services: [cart]",
    to: "services: [cart]\n      strict: true",
    at: '17:17',
    path: ["spec","lanes","gray","services"],
    message: "Strict lane \"gray\" does not run \"web\"; a strict lane must run every service and never falls back.",
    hint: "add web to its services, or drop \"strict: true\"",
  },
  {
    code: 'GL208',
    from: "selector: { version: v2 }",
    to: "selector: { version: \"v2!\" }",
    at: '16:28',
    path: ["spec","lanes","gray","selector","version"],
    message: "Label value \"v2!\" of \"version\" is not valid Kubernetes syntax: a label value must be 63 characters at most, empty or start and end with a letter or digit, and use only letters, digits, \"-\", \"_\" and \".\".",
    hint: "e.g. \"v2\"",
  },
  {
    code: 'GL210',
    from: "- name: rollout",
    to: "- name: beta",
    at: '30:15',
    path: ["spec","entry","rules",1,"name"],
    message: "The rule name \"beta\" appears more than once.",
    hint: "remove the second \"beta\"",
  },
  {
    code: 'GL211',
    from: "x-beta: { exact: \"1\" }",
    to: "x-lane: { exact: gray }",
    at: '28:30',
    path: ["spec","entry","rules",0,"match","headers","x-lane"],
    message: "Rule \"beta\" matches on the lane header \"x-lane\" at the gateway, where clients can set it to pick any lane.",
    hint: "match on another header (the entry then sets the lane header itself), or set trafficLabel.trusted: true if only trusted callers reach this entry",
  },
  {
    code: 'GL212',
    from: "      selector: { version: v1 }\n",
    to: "",
    at: '13:7',
    path: ["spec","lanes","base"],
    message: "Baseline lane \"base\" has no selector, but lane \"gray\" selects pods behind the same Services; baseline traffic would reach their pods too.",
    hint: "give \"base\" a selector such as { version: v1 }",
  },
  {
    code: 'GL213',
    from: "lanes:",
    to: "canary:\n    web: { base: 90, gray: 10 }\n  lanes:",
    at: '12:28',
    path: ["spec","canary","web","gray"],
    message: "The canary of \"web\" sends requests to lane \"gray\", which does not run \"web\".",
    hint: "add \"web\" to the services of lane \"gray\", or remove it from this split",
  },
  {
    code: 'GL214',
    from: "        lane: gray",
    to: "        lane: gray\n        weights: { base: 100 }",
    at: '26:9',
    path: ["spec","entry","rules",0],
    message: "Rule \"beta\" must say where requests go with exactly one of lane, weights or steps, not lane and weights.",
    hint: "keep only lane",
  },
  {
    code: 'GL215',
    from: "x-beta: { exact: \"1\" }",
    to: "x-beta: { exact: \"1\", prefix: \"2\" }",
    at: '28:30',
    path: ["spec","entry","rules",0,"match","headers","x-beta"],
    message: "A match needs exactly one of exact, prefix or regex; this one has exact and prefix.",
    hint: "keep only exact",
  },
  {
    code: 'GL216',
    from: "x-beta: { exact: \"1\" }",
    to: "x-beta: { regex: \"(?=a)b\" }",
    at: '28:39',
    path: ["spec","entry","rules",0,"match","headers","x-beta","regex"],
    message: "Regex \"(?=a)b\" is not valid for Envoy (RE2): RE2 has no look-ahead or look-behind.",
    hint: "rewrite it without look-around or backreferences",
  },
  {
    code: 'GL217',
    from: "x-beta: { exact: \"1\" }",
    to: "\"x beta\": { exact: \"1\" }",
    at: '28:32',
    path: ["spec","entry","rules",0,"match","headers","x beta"],
    message: "\"x beta\" is not a valid HTTP header name.",
    hint: "use letters, digits and \"-\"",
  },
  {
    code: 'GL218',
    from: "selector: { version: v2 }",
    to: "selector: { version: v2 }\n      endpoints: [{ address: 10.0.0.1 }]",
    at: '17:18',
    path: ["spec","lanes","gray","endpoints"],
    message: "Lane \"gray\" sets endpoints together with selector; an endpoint lane is backed by its addresses only.",
    hint: "remove either endpoints or the other fields",
  },
  {
    code: 'GL219',
    from: "services: [cart]\n      fallback: [base]",
    to: "strict: true\n      fallback: [base]",
    at: '18:17',
    path: ["spec","lanes","gray","fallback"],
    message: "Lane \"gray\" is strict, so its fallback list is never used.",
    hint: "remove the fallback list or the strict flag",
  },
  {
    code: 'GL220',
    from: "  trafficLabel:\n    header: x-lane\n",
    to: "",
    at: '12:5',
    path: ["spec","lanes"],
    message: "No trafficLabel.header is set, so lanes are chosen at the entry only; lane copies of services behind the entry are reached only by canary splits.",
    hint: "add trafficLabel: { header: x-lane }",
  },
  {
    code: 'GL221',
    from: "selector: { version: v2 }",
    to: "endpoints: [{ address: mock.example.com }]",
    at: '16:30',
    path: ["spec","lanes","gray","endpoints",0,"address"],
    message: "Endpoint address \"mock.example.com\" is not an IP address; ServiceEntry resolution STATIC needs IP addresses.",
    hint: "use the IP address of the endpoint",
  },
  {
    code: 'GL222',
    from: "selector: { version: v2 }",
    to: "endpoints: [{ address: 10.0.0.1 }]\n      host: \"web.shop.svc.cluster.local\"",
    at: '17:13',
    path: ["spec","lanes","gray","host"],
    message: "Endpoint lane \"gray\" would put service \"cart\" on host \"web.shop.svc.cluster.local\", which already belongs to Service \"web\".",
    hint: "give the lane a host of its own, e.g. \"{service}.{lane}.mock.internal\"",
  },
  {
    code: 'GL223',
    from: "hosts: [shop.example.com]",
    to: "hosts: [\"*.example.com\"]",
    at: '23:13',
    path: ["spec","entry","hosts",0],
    message: "Entry host \"*.example.com\" is a wildcard; a wildcard host claims traffic of other teams' hosts.",
    hint: "list the exact hosts",
  },
  {
    code: 'GL224',
    from: "      - name: beta\n        match:\n          headers: { x-beta: { exact: \"1\" } }\n",
    to: "      - name: beta\n",
    at: '26:9',
    path: ["spec","entry","rules",0],
    message: "Rule \"beta\" has no match, so it catches every request and the 1 rule(s) after it are never used.",
    hint: "move the catch-all rule to the end",
  },
  {
    code: 'GL225',
    from: "gateway: istio-system/public",
    to: "gateway: \"istio-system/public/x\"",
    at: '22:14',
    path: ["spec","entry","gateway"],
    message: "Gateway \"istio-system/public/x\" must be \"namespace/name\", \"name\" or \"mesh\".",
    hint: "write e.g. \"istio-system/public-gateway\"",
  },
  {
    code: 'GL226',
    from: "service: web\n",
    to: "service: web\n    resilience: { timeout: 0s }\n",
    at: '25:28',
    path: ["spec","entry","resilience","timeout"],
    message: "Duration \"0s\" is shorter than 1ms; Istio rejects it (and \"0s\" does not mean \"no timeout\").",
    hint: "use at least \"1ms\", or omit the field for the default",
  },
  {
    code: 'GL227',
    from: "service: web\n",
    to: "service: web\n    resilience: { retries: { attempts: 2, retryOn: \"5xx,conect-failure\" } }\n",
    at: '25:52',
    path: ["spec","entry","resilience","retries","retryOn"],
    message: "retryOn condition \"conect-failure\" is not one Envoy knows.",
    hint: "did you mean \"connect-failure\"?",
  },
  {
    code: 'GL228',
    from: "    cart: { port: 8080 }",
    to: "    Cart_Svc: { port: 8080 }",
    at: '10:15',
    path: ["spec","services","Cart_Svc"],
    message: "The name \"Cart_Svc\" must be a lowercase RFC 1123 label (a-z, 0-9, \"-\").",
    hint: "rename it to \"cart-svc\"",
  },
  {
    code: 'GL229',
    from: "selector: { version: v2 }\n      services: [cart]",
    to: "serviceName: canary-svc",
    at: '16:20',
    path: ["spec","lanes","gray","serviceName"],
    message: "serviceName \"canary-svc\" has no \"{service}\" placeholder, so every service of lane \"gray\" would reach the same Service.",
    hint: "write e.g. \"{service}-gray\"",
  },
  {
    code: 'GL270',
    from: "  trafficLabel:\n",
    to: "  exportTo: [\".\"]\n  trafficLabel:\n",
    at: '19:13',
    path: ["spec","exportTo"],
    message: "exportTo [\".\"] hides the entry VirtualService and the entry services' DestinationRules from namespace \"istio-system\", where the entry's Gateway istio-system/public runs: the gateway would not see the entry routes and answer 404.",
    hint: "add \"istio-system\" to exportTo",
  },
  {
    code: 'GL402',
    from: "service: web\n",
    to: "service: web\n    resilience: { circuitBreaker: { expression: \"NetworkErrorRatio() > 0.5\" } }\n",
    at: '25:49',
    path: ["spec","entry","resilience","circuitBreaker","expression"],
    message: "Target istio ignores circuitBreaker.expression, a Traefik expression; Istio breaks circuits by outlier detection.",
    hint: "set circuitBreaker.consecutiveErrors, interval and baseEjectionTime for istio",
  },
  {
    code: 'GL403',
    from: "fallback: [base]",
    to: "fallback: { lanes: [base], when: [unavailable] }",
    at: '18:40',
    path: ["spec","lanes","gray","fallback","when"],
    message: "Lane \"gray\" falls back when a copy is \"unavailable\", which upstream Istio cannot do at run time (target istio).",
    hint: "use target \"asm\", whose VirtualService fallback handles unavailable copies, or keep only \"noinstances\"",
  },
  {
    code: 'GL230',
    from: "service: web\n",
    to: "service: web\n    resilience: { circuitBreaker: { expression: \"NetworkErrorRatio() > 1\" } }\n",
    at: '25:49',
    path: ["spec","entry","resilience","circuitBreaker","expression"],
    message: "Circuit-breaker expression \"NetworkErrorRatio() > 1\" is not valid for Traefik: the value compared with NetworkErrorRatio() must be a float literal such as 1.0 (Traefik does not convert 1).",
    hint: "write e.g. \"NetworkErrorRatio() > 0.30 || LatencyAtQuantileMS(50.0) > 100\"",
  },
];

interface MultiCase {
  code: string;
  mutations: [string, string][];
  at: string;
  path: (string | number)[];
  message: string;
  hint: string;
}

/** Codes that need more than one change to the base spec. */
const MULTI_CASES: MultiCase[] = [
  {
    code: 'GL231',
    mutations: [["    gray:\n","    ext:\n      serviceName: \"{service}-ext\"\n      services: [cart]\n    gray:\n"],["  trafficLabel:\n    header: x-lane\n","  trafficLabel:\n    header: x-lane\n  callerSplits:\n    - { lane: base, from: ext, weights: { base: 50, gray: 50 } }\n"]],
    at: '25:27',
    path: ["spec","callerSplits",0,"from"],
    message: "Caller lane \"ext\" has neither a selector nor a namespace, so Istio cannot tell its workloads apart (sourceLabels or sourceNamespace).",
    hint: "give lane \"ext\" a selector, or use target asm, which matches the caller's own traffic label",
  },
  {
    code: 'GL232',
    mutations: [["  trafficLabel:\n    header: x-lane\n","  trafficLabel:\n    header: x-lane\n    scope: workload\n"]],
    at: '21:12',
    path: ["spec","trafficLabel","scope"],
    message: "A TrafficLabel of scope workload needs trafficLabel.workloadSelector, the labels of the workloads it applies to.",
    hint: "add workloadSelector: { app: <name> }, or use scope namespace",
  },
  {
    code: 'GL233',
    mutations: [["  trafficLabel:\n    header: x-lane\n","  callerSplits:\n    - { lane: base, from: gray, weights: { base: 50, gray: 50 } }\n"]],
    at: '20:5',
    path: ["spec","callerSplits"],
    message: "Caller-aware splits pick requests by their lane, so the spec needs trafficLabel.header.",
    hint: "add trafficLabel: { header: x-lane }",
  },
];

const WARNINGS = new Set(['GL212', 'GL219', 'GL220', 'GL224', 'GL271', 'GL272', 'GL401', 'GL402']);

describe('diagnostics', () => {
  it('the base spec compiles clean', () => {
    const result = compile(BASE_SPEC, { file: 'shop.yaml' });
    assert.deepEqual(result.diagnostics, []);
    assert.equal(result.ok, true);
  });

  for (const c of CASES) {
    it(`${c.code}: ${c.message}`, () => {
      const result = compile(mutate(c.from, c.to), { file: 'shop.yaml' });
      const found = result.diagnostics.filter((d) => d.code === c.code);
      assert.equal(found.length, 1, result.diagnostics.map(formatDiagnostic).join('\n'));
      const d = found[0]!;
      assert.deepEqual(
        { severity: d.severity, at: `${d.position?.line}:${d.position?.column}`, path: d.path, message: d.message, hint: d.hint, file: d.file },
        { severity: WARNINGS.has(c.code) ? 'warning' : 'error', at: c.at, path: c.path, message: c.message, hint: c.hint, file: 'shop.yaml' },
      );
      assert.equal(result.ok, !WARNINGS.has(c.code) ? false : result.diagnostics.every((x) => x.severity === 'warning'));
      if (!result.ok) assert.deepEqual(result.outputs, [], 'nothing is emitted when there is an error');
    });
  }

  for (const c of MULTI_CASES) {
    it(`${c.code}: ${c.message}`, () => {
      const text = c.mutations.reduce((t, [from, to]) => mutate(from, to, t), BASE_SPEC);
      const found = compile(text, { file: 'shop.yaml' }).diagnostics.filter((d) => d.code === c.code);
      assert.equal(found.length, 1);
      const d = found[0]!;
      assert.deepEqual(
        { severity: d.severity, at: `${d.position?.line}:${d.position?.column}`, path: d.path, message: d.message, hint: d.hint },
        { severity: 'error', at: c.at, path: c.path, message: c.message, hint: c.hint },
      );
    });
  }

  it('GL209: a step outside the list names the rule and the range', () => {
    const result = compile(BASE_SPEC, { file: 'shop.yaml', step: 7 });
    assert.deepEqual(result.diagnostics.map(formatDiagnostic), [
      'shop.yaml:32:11: error GL209 spec.entry.rules[1].steps: Step 7 is out of range: rule "rollout" has 2 steps (0 to 1).\n  hint: choose a step from 0 to 1',
    ]);
  });

  it('GL401: an unknown target asked for through the API is named', () => {
    const result = compile(BASE_SPEC, { file: 'shop.yaml', targets: ['nginx' as never] });
    assert.deepEqual(result.diagnostics.map((d) => [d.code, d.severity, d.message, d.hint]), [['GL401', 'error', 'Unknown target "nginx".', 'use one of istio, asm, traefik, gateway-api']]);
    assert.deepEqual(result.outputs, []);
  });

  it('GL102 says the bound, the list form and the label to use', () => {
    const messages = (from: string, to: string) => compile(mutate(from, to)).diagnostics.map((d) => `${d.message} | ${d.hint}`);
    assert.deepEqual(messages('web: { port: 8080 }', 'web: { port: 70000 }'), ['spec.services.web.port is 70000, but it must be at most 65535. | use a value at most 65535']);
    assert.deepEqual(messages('fallback: [base]', 'fallback: base'), ['spec.lanes.gray.fallback is "base", but it must be a list. | write a list: ["base"]']);
    assert.deepEqual(messages('name: shop', 'name: Shop_1'), ['metadata.name is "Shop_1", but it must be a lowercase RFC 1123 label (a-z, 0-9, "-", 63 characters at most). | rename it to "shop-1"']);
    assert.deepEqual(messages('    rules:\n', '    rules: []\n    rulez:\n'), [
      'spec.entry.rules is [], but it must have at least 1 item. | add 1 or more entries',
      'Unknown key "rulez" in spec.entry; the schema does not define it. | did you mean "rules"?',
    ]);
  });

  it('GL500: output that breaks a mandatory rule is reported as a graylane bug, not shipped', () => {
    const broken = [
      { apiVersion: 'networking.istio.io/v1', kind: 'VirtualService', metadata: { name: 'web', namespace: 'shop', labels: {} }, spec: { hosts: ['web.shop.svc.cluster.local'], http: [{ name: 'r', route: [{ destination: { host: 'web.shop.svc.cluster.local', subset: 'gone' } }] }] } },
    ];
    assert.deepEqual(selfCheck('istio', broken).map((d) => [d.code, d.severity, d.message, d.hint]), [
      [
        'GL500',
        'error',
        'graylane emitted an object that breaks rule istio-destination-resolves for target istio: VirtualService shop/web route r sends requests to subset "gone" of web.shop.svc.cluster.local, which no DestinationRule defines (IST0101); they fail with 503 NC.',
        'this is a bug in graylane: please report it with the spec',
      ],
    ]);
  });

  it('collects every problem, not only the first', () => {
    const broken = mutate('fallback: [base]', 'fallback: [bsae]', mutate('services: [cart]', 'services: [crat]', mutate('{ base: 50, gray: 50 }', '{ base: 50, gray: 40 }')));
    const codes = compile(broken).diagnostics.map((d: Diagnostic) => d.code);
    assert.deepEqual(codes, ['GL202', 'GL201', 'GL205']);
  });

  it('reports every unknown key of a document in one run', () => {
    const broken = mutate('      baseline: true', '      baseline: true\n      fallbak: [gray]', mutate('kind: Release', 'kind: Release\nmetdata: {}'));
    const result = compile(broken);
    assert.deepEqual(
      result.diagnostics.map((d) => [d.code, d.hint]),
      [
        ['GL101', 'did you mean "metadata"?'],
        ['GL101', 'did you mean "fallback"?'],
      ],
    );
  });

  it('locates problems in a TypeScript object by spec path alone', () => {
    const result = compile({ apiVersion: 'graylane.dev/v1alpha1', kind: 'Release', metadata: { name: 'x' }, spec: { targets: ['istio'], services: {}, lanes: {}, entry: { service: 'web', rules: [{ name: 'all', lane: 'base' }] } } });
    assert.deepEqual(
      result.diagnostics.map((d) => `${d.code} ${d.position === undefined ? 'no-position' : 'position'} ${d.path.join('.')}`),
      ['GL201 no-position spec.entry.rules.0.lane', 'GL202 no-position spec.entry.service', 'GL204 no-position spec.lanes'],
    );
  });
});

describe('diagnostics of issue 12', () => {
  const exact = (text: string, code: string) => compile(text, { file: 'shop.yaml' }).diagnostics.filter((d) => d.code === code).map((d) => [d.severity, `${d.position?.line}:${d.position?.column}`, d.path.join('.'), d.message, d.hint]);

  it('GL271: Traefik in tag mode with exportTo and no entry.callers cannot be checked, so it is said', () => {
    const text = mutate('  targets: [istio]\n', '  targets: [istio, traefik]\n', mutate('  trafficLabel:\n', '  exportTo: [".", istio-system]\n  trafficLabel:\n'));
    assert.deepEqual(exact(text, 'GL271'), [
      ['warning', '23:5', 'spec.entry', 'Traefik reaches pod-label lanes through its own Istio sidecar, which must see the entry services\' VirtualServices and DestinationRules; exportTo [".","istio-system"] hides them from every namespace it does not list, and the spec does not say where Traefik runs.', 'list Traefik\'s namespace in entry.callers and in exportTo'],
    ]);
    assert.deepEqual(exact(text.replace('    service: web\n', '    service: web\n    callers: [traefik]\n'), 'GL271'), []);
  });

  it('GL272: a canary for a service of a mesh entry is shadowed by the entry rules', () => {
    const text = mutate('    gateway: istio-system/public\n    hosts: [shop.example.com]\n', '    gateway: mesh\n', mutate('  trafficLabel:\n', '  canary:\n    web: { base: 100 }\n  trafficLabel:\n'));
    assert.deepEqual(exact(text, 'GL272'), [
      ['warning', '20:10', 'spec.canary.web', 'The canary split of "web" is never used: "web" is a service of the mesh entry, whose rules ("beta", "rollout") take every request without a lane before the canary route.', 'move the split into entry.rules (weights or steps), or remove spec.canary.web'],
    ]);
    const matched = text.replace('      - name: rollout\n', '      - name: rollout\n        match:\n          path: { prefix: /api }\n');
    assert.match(exact(matched, 'GL272')[0]![3]!, /rules \("beta", "rollout"\) and route to the baseline for requests no rule matches take/);
    // At a gateway the canary splits the mesh callers' requests: not dead.
    assert.deepEqual(exact(mutate('  trafficLabel:\n', '  canary:\n    web: { base: 100 }\n  trafficLabel:\n'), 'GL272'), []);
  });
});

