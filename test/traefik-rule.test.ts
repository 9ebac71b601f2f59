/**
 * The Traefik rule evaluator against Traefik's own matchers: v3 in traefik/traefik pkg/muxer/http/matcher.go,
 * v2 in pkg/muxer/http/matcher_v2.go (Path, PathPrefix, HostRegexp, Methods, Headers, Queries from gorilla/mux:
 * regexp.go newRouteRegexp, mux.go matchMapWithString).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { evaluateRule, parseRule, type TraefikRequest, type TraefikRuleSyntax } from '../compiler/simulate/traefik-rule';

const matches = (rule: string, request: Partial<TraefikRequest>, syntax: TraefikRuleSyntax = 'v3') =>
  evaluateRule(parseRule(rule, syntax), { host: 'a.example.com', ...request });

function table(syntax: TraefikRuleSyntax, rows: readonly (readonly [string, Partial<TraefikRequest>, boolean])[]): void {
  for (const [rule, request, expected] of rows)
    it(`${rule} ${JSON.stringify(request)} → ${expected}`, () => assert.equal(matches(rule, request, syntax), expected));
}

describe('Traefik v3 matchers', () => {
  table('v3', [
    // Path: the routing path equals the argument.
    ['Path(`/api`)', { path: '/api' }, true],
    ['Path(`/api`)', { path: '/api/' }, false],
    ['Path(`/api/{id}`)', { path: '/api/7' }, false],
    // PathPrefix is a plain string prefix (strings.HasPrefix): "/api" takes "/apix" too.
    ['PathPrefix(`/api`)', { path: '/apix' }, true],
    ['PathPrefix(`/api/`)', { path: '/api' }, false],
    ['(Path(`/api`) || PathPrefix(`/api/`))', { path: '/api' }, true],
    ['(Path(`/api`) || PathPrefix(`/api/`))', { path: '/apix' }, false],
    // PathRegexp finds a match anywhere unless anchored.
    ['PathRegexp(`/api`)', { path: '/v1/api/x' }, true],
    ['PathRegexp(`^(?:/api)$`)', { path: '/v1/api' }, false],
    ['PathRegexp(`^/v[0-9]+/`)', { path: '/v2/x' }, true],
    // Method: the rule's method is upper-cased, the request's compared as sent.
    ['Method(`get`)', { method: 'GET' }, true],
    ['Method(`GET`)', { method: 'get' }, false],
    ['Method(`GET`)', {}, true],
    // Host: case and port ignored, "*." stands for one first label, a trailing dot ignored.
    ['Host(`a.example.com`)', { host: 'A.Example.COM:8443' }, true],
    ['Host(`a.example.com`)', { host: 'a.example.com.' }, true],
    ['Host(`*.example.com`)', { host: 'shop.example.com' }, true],
    ['Host(`*.example.com`)', { host: 'example.com' }, false],
    ['Host(`*.example.com`)', { host: 'a.b.example.com' }, false],
    ['Host(`*`)', { host: 'anything' }, true],
    // HostRegexp: unanchored, on the canonical host (lower case, no port).
    ['HostRegexp(`^[a-z]+\\.example\\.com$`)', { host: 'Shop.Example.com:8443' }, true],
    ['HostRegexp(`example`)', { host: 'a.example.org' }, true],
    // ClientIP: the remote address, an IP or a CIDR.
    ['ClientIP(`10.0.0.0/8`)', { clientIP: '10.1.2.3' }, true],
    ['ClientIP(`10.0.0.0/8`)', { clientIP: '11.0.0.1' }, false],
    ['ClientIP(`2001:db8::/32`)', { clientIP: '2001:db8::1' }, true],
    ['ClientIP(`192.168.1.7`)', { clientIP: '192.168.1.7' }, true],
    ['ClientIP(`192.168.1.7`)', {}, false],
    // Query(`k`) asks for k with an empty value; QueryRegexp is unanchored.
    ['Query(`q`)', { query: { q: '' } }, true],
    ['Query(`q`)', { query: { q: 'x' } }, false],
    ['QueryRegexp(`q`, `x`)', { query: { q: 'axb' } }, true],
    ['Header(`X-Env`, `blue`)', { headers: { 'x-env': 'blue' } }, true],
  ]);

  it('refuses what Traefik refuses: argument counts, paths without "/", bad CIDRs, v2 names', () => {
    assert.throws(() => parseRule('Method(`GET`, `POST`)'), /Method: unexpected number of parameters; got 2, expected one of \[1\]/);
    assert.throws(() => parseRule('Host(`a`, `b`)'), /unexpected number of parameters/);
    assert.throws(() => parseRule('Header(`x`, `1`, `2`)'), /expected one of \[2\]/);
    assert.throws(() => parseRule('Path(`api`)'), /path "api" does not start with a '\/'/);
    assert.throws(() => parseRule('PathPrefix(`api`)'), /does not start with a '\/'/);
    assert.throws(() => parseRule('ClientIP(`10.0.0.0/33`)'), /parsing CIDR trusted IPs 10.0.0.0\/33/);
    assert.throws(() => parseRule('Headers(`x`, `1`)'), /unknown matcher Headers in Traefik v3 syntax/);
  });
});

describe('Traefik v2 matchers', () => {
  table('v2', [
    // Path and PathPrefix are gorilla/mux templates: variables {name} and {name:pattern}, anchored.
    ['Path(`/products/{id:[0-9]+}`)', { path: '/products/12' }, true],
    ['Path(`/products/{id:[0-9]+}`)', { path: '/products/12/x' }, false],
    ['Path(`/products/{id:[0-9]+}`)', { path: '/products/ab' }, false],
    ['Path(`/a/{name}`)', { path: '/a/x' }, true],
    ['Path(`/a/{name}`)', { path: '/a/x/y' }, false],
    ['Path(`/a.b`)', { path: '/aXb' }, false],
    ['Path(`/x`, `/y`)', { path: '/y' }, true],
    ['Path(`{path:(?:/api(?:/.*)?)}`)', { path: '/api/v1' }, true],
    ['Path(`{path:(?:/api(?:/.*)?)}`)', { path: '/apix' }, false],
    ['Path(`/{n:[0-9]{2}}`)', { path: '/42' }, true],
    // A template prefix is anchored at the start only: still a string prefix.
    ['PathPrefix(`/api`)', { path: '/apix' }, true],
    ['PathPrefix(`/v{n:[0-9]+}/`)', { path: '/v2/x' }, true],
    ['PathPrefix(`/v{n:[0-9]+}/`)', { path: '/x/v2/' }, false],
    // HostRegexp: a host template, default pattern [^.]+, the port ignored unless the template names one.
    ['HostRegexp(`{sub:[a-z]+}.example.com`)', { host: 'shop.example.com:8443' }, true],
    ['HostRegexp(`{sub}.example.com`)', { host: 'a.b.example.com' }, false],
    ['HostRegexp(`{sub}.example.com`)', { host: 'b.example.com' }, true],
    ['Host(`x.com`, `A.example.com`)', { host: 'a.example.com' }, true],
    ['Method(`get`, `post`)', { method: 'POST' }, true],
    ['Method(`get`, `post`)', { method: 'PUT' }, false],
    // Headers: pairs; an empty value asks only for the header.
    ['Headers(`X-A`, ``)', { headers: { 'x-a': 'anything' } }, true],
    ['Headers(`X-A`, ``)', {}, false],
    ['HeadersRegexp(`X-A`, `^b`)', { headers: { 'x-a': 'blue' } }, true],
    // Query: `k=v` templates, matched whole against the key's value; an empty value takes any.
    ['Query(`q=`)', { query: { q: 'anything' } }, true],
    ['Query(`q={v:[0-9]+}`)', { query: { q: '12' } }, true],
    ['Query(`q={v:[0-9]+}`)', { query: { q: '1x' } }, false],
    ['Query(`q=x`)', { query: { q: 'xx' } }, false],
    ['ClientIP(`10.0.0.1`, `10.0.1.0/24`)', { clientIP: '10.0.1.9' }, true],
  ]);

  it('refuses capturing groups, unbalanced braces, odd pairs and v3-only names, as gorilla/mux and Traefik do', () => {
    assert.throws(() => parseRule('Path(`/{p:(a|b)}`)', 'v2'), /contains capture groups in its regexp/);
    assert.throws(() => parseRule('Path(`/{p`)', 'v2'), /unbalanced braces/);
    assert.throws(() => parseRule('Path(`/{}`)', 'v2'), /missing name or pattern/);
    assert.throws(() => parseRule('Query(`q`)', 'v2'), /number of parameters must be multiple of 2/);
    assert.throws(() => parseRule('Headers(`x`)', 'v2'), /multiple of 2/);
    assert.throws(() => parseRule('PathRegexp(`/x`)', 'v2'), /unknown matcher PathRegexp in Traefik v2 syntax/);
  });
});
