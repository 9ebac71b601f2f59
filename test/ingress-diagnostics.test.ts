/** Diagnostics of the entry as an ingress: each one exactly (code, severity, line:column, path, message, hint). */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compile } from '../compiler';
import { BASE_SPEC, mutate } from './support/base-spec';

const MATCH = '          headers: { x-beta: { exact: "1" } }\n';

const CASES: { name: string; from: string; to: string; expected: [string, string, string, string, string, string][] }[] = [
  {
    name: 'a rule naming an unknown service',
    from: '        lane: gray\n',
    to: '        lane: gray\n        service: wbe\n',
    expected: [['GL202', 'error', '30:18', 'spec.entry.rules.0.service', 'Service "wbe" of rule "beta" is not defined in spec.services.', 'did you mean "web"?']],
  },
  {
    name: 'rules without a service, and no entry.service',
    from: '    service: web\n',
    to: '',
    expected: [
      ['GL246', 'error', '25:9', 'spec.entry.rules.0', 'Rule "beta" names no service, and entry.service is not set, so its requests have nowhere to go.', 'add service: <name> to the rule, or set entry.service (e.g. "web")'],
      ['GL246', 'error', '29:9', 'spec.entry.rules.1', 'Rule "rollout" names no service, and entry.service is not set, so its requests have nowhere to go.', 'add service: <name> to the rule, or set entry.service (e.g. "web")'],
    ],
  },
  {
    name: 'a path without a leading "/"',
    from: MATCH,
    to: '          path: { prefix: api }\n',
    expected: [['GL248', 'error', '28:27', 'spec.entry.rules.0.match.path.prefix', 'Path "api" is not a request path: it does not start with "/".', 'write "/api"']],
  },
  {
    name: 'a path with a query string',
    from: MATCH,
    to: '          path: { exact: "/a?b=1" }\n',
    expected: [['GL248', 'error', '28:26', 'spec.entry.rules.0.match.path.exact', 'Path "/a?b=1" is not a request path: it contains "?" or "#", which end the path.', 'match the path only, e.g. "/api"; query parameters go in queryParams']],
  },
  {
    name: 'a path regex RE2 does not accept',
    from: MATCH,
    to: '          path: { regex: "/api(?=x)" }\n',
    expected: [['GL216', 'error', '28:26', 'spec.entry.rules.0.match.path.regex', 'Path regex "/api(?=x)" is not valid for Envoy (RE2): RE2 has no look-ahead or look-behind.', 'rewrite it without look-around or backreferences, e.g. "/api/v[0-9]+/.*"']],
  },
  {
    name: 'a path regex that does not parse',
    from: MATCH,
    to: '          path: { regex: "/api[" }\n',
    expected: [['GL216', 'error', '28:26', 'spec.entry.rules.0.match.path.regex', 'Path regex "/api[" is not valid for Envoy (RE2): it does not parse (//api[/u: Unterminated character class).', 'rewrite it without look-around or backreferences, e.g. "/api/v[0-9]+/.*"']],
  },
  {
    name: 'a path match with two kinds',
    from: MATCH,
    to: '          path: { exact: /a, prefix: /b }\n',
    expected: [['GL215', 'error', '28:17', 'spec.entry.rules.0.match.path', 'A path match needs exactly one of exact, prefix or regex; this one has exact and prefix.', 'keep only exact']],
  },
  {
    name: 'a listed method that is not an HTTP token',
    from: MATCH,
    to: '          method: [GET, "PO ST"]\n',
    expected: [['GL249', 'error', '28:25', 'spec.entry.rules.0.match.method.1', 'Method "PO ST" is not an HTTP method: a method is a token (letters, digits and !#$%&\'*+-.^_`|~).', 'write e.g. GET, POST or DELETE']],
  },
  {
    name: 'an exact method that is not an HTTP token',
    from: MATCH,
    to: '          method: { exact: "GET/1" }\n',
    expected: [['GL249', 'error', '28:28', 'spec.entry.rules.0.match.method.exact', 'Method "GET/1" is not an HTTP method: a method is a token (letters, digits and !#$%&\'*+-.^_`|~).', 'write e.g. GET, POST or DELETE']],
  },
  {
    name: 'a lower-case method (warning)',
    from: MATCH,
    to: '          method: [get]\n',
    expected: [['GL249', 'warning', '28:20', 'spec.entry.rules.0.match.method.0', 'Method "get" is not upper case: Istio matches it exactly, Traefik as "GET", so the targets would route differently.', 'write "GET"']],
  },
  {
    name: 'Traefik tls without target traefik (warning)',
    from: '    service: web\n',
    to: '    service: web\n    traefik: { tls: { secretName: shop-tls } }\n',
    expected: [['GL247', 'warning', '25:21', 'spec.entry.traefik.tls', 'entry.traefik.tls is used by target traefik only, which this spec does not have; target istio emits no TLS settings (an Istio Gateway\'s servers[].tls terminates TLS, and graylane does not emit the Gateway).', 'set TLS on the Istio Gateway the entry names, or add target traefik']],
  },
];

describe('ingress diagnostics', () => {
  for (const c of CASES) {
    it(c.name, () => {
      const result = compile(mutate(c.from, c.to));
      assert.deepEqual(
        result.diagnostics.map((d) => [d.code, d.severity, `${d.position?.line}:${d.position?.column}`, d.path.join('.'), d.message, d.hint]),
        c.expected,
      );
      assert.equal(result.ok, c.expected.every(([, severity]) => severity === 'warning'));
    });
  }

  it('trafficLabel.trusted without an entry is a warning at trusted', () => {
    const noEntry = BASE_SPEC.slice(0, BASE_SPEC.indexOf('  entry:\n')).replace('    header: x-lane\n', '    header: x-lane\n    trusted: true\n');
    assert.deepEqual(
      compile(noEntry).diagnostics.map((d) => [d.code, d.severity, `${d.position?.line}:${d.position?.column}`, d.path.join('.'), d.message, d.hint]),
      [['GL245', 'warning', '21:14', 'spec.trafficLabel.trusted', 'trafficLabel.trusted says whether the entry may match on the lane header, but the spec has no entry; it changes nothing.', 'remove trusted, or add an entry']],
    );
  });

  it('a Traefik method pattern and a v2 path with braces are GL404 at their line', () => {
    const spec = mutate('targets: [istio]', 'targets: [traefik]', mutate(MATCH, '          method: { regex: "GET|HEAD" }\n          path: { exact: "/a/{id}" }\n', mutate('    service: web\n', '    service: web\n    traefik: { apiGroup: traefik.containo.us }\n')));
    const result = compile(spec.replace('      selector: { version: v2 }\n', '      serviceName: "{service}-gray"\n').replace('      selector: { version: v1 }\n', ''));
    assert.deepEqual(
      result.diagnostics.filter((d) => d.code === 'GL404').map((d) => [`${d.position?.line}:${d.position?.column}`, d.path.join('.'), d.message]),
      [
        ['28:19', 'spec.entry.rules.0.match.method', 'Traefik matches methods by name only (Method); rule "beta" uses a regex.'],
        ['29:17', 'spec.entry.rules.0.match.path', 'Traefik v2 reads "{" and "}" in a path as a template variable, so path "/a/{id}" cannot be matched literally.'],
      ],
    );
  });
});

describe('catch-all paths', () => {
  it('a rule matching only prefix "/" before other rules is GL224', () => {
    const result = compile(mutate(MATCH, '          path: { prefix: / }\n'));
    assert.deepEqual(
      result.diagnostics.map((d) => [d.code, d.severity, `${d.position?.line}:${d.position?.column}`, d.path.join('.'), d.message]),
      [['GL224', 'warning', '26:9', 'spec.entry.rules.0', 'Rule "beta" matches every path (prefix "/"), so it catches every request and the 1 rule(s) after it are never used.']],
    );
  });
});
