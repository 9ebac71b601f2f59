/**
 * The Gateway API conformance tables (kubernetes-sigs/gateway-api v1.6.1 conformance/tests, transcribed as data in
 * test/fixtures/gateway-api-conformance/expectations.yaml) replayed through the object model: every request must
 * reach exactly the backend, status, headers and weights the upstream test demands.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parse, parseAllDocuments } from 'yaml';
import { Model } from '../compiler/model/model';
import type { KubeObject } from '../compiler/model/object-set';
import { simulateGatewayApi } from '../compiler/simulate/gateway-api';

const ROOT = 'test/fixtures/gateway-api-conformance';
/** The gateway's address: what the conformance client sends as Host when a case names none. */
const GATEWAY_ADDRESS = '192.0.2.10';

interface ConformanceCase {
  gateway?: string;
  /** The port the client connects to (default 80). */
  port?: number;
  /** The caller's namespace, in the mesh (default: the test's). */
  sourceNamespace?: string;
  /** The objects without their ReferenceGrants (the Go test deletes them). */
  withoutReferenceGrants?: boolean;
  request: { host?: string; path?: string; method?: string; scheme?: 'http' | 'https'; headers?: Record<string, string> };
  backend?: string;
  namespace?: string;
  status?: number;
  /** The ResolvedRefs reason of the backendRef that fails, with status 500. */
  reason?: string;
  redirect?: { status: number; scheme: string; host: string; port?: number };
  responseHeaders?: Record<string, string>;
  absentResponseHeaders?: string[];
  weights?: Record<string, number>;
  expected?: { path?: string; headers?: Record<string, string>; absentHeaders?: string[] };
}

interface ConformanceTest {
  name: string;
  source: string;
  manifest: string;
  gateway?: string;
  mesh?: { sourceNamespace: string; host: string };
  namespace?: string;
  /** Listener name → routes attached to it (GatewayStatusMustHaveListeners). */
  attachedRoutes?: Record<string, number>;
  cases: ConformanceCase[];
}

/**
 * Expectations the model does not meet, each with the reason; the runner fails when one of them starts to pass
 * (so the list stays true). Empty: the model meets every transcribed expectation.
 */
const KNOWN_DIFFERENCES: readonly { test: string; case: number; reason: string }[] = [];

function objectsOf(file: string): KubeObject[] {
  return parseAllDocuments(readFileSync(join(ROOT, file), 'utf8'))
    .map((d) => d.toJS() as KubeObject | null)
    .filter((o): o is KubeObject => o !== null && typeof o === 'object' && typeof o.kind === 'string');
}

const suite = parse(readFileSync(join(ROOT, 'expectations.yaml'), 'utf8')) as { namespace: string; tests: ConformanceTest[] };
const base = objectsOf('base-manifests.yaml');
const mesh = objectsOf('mesh-manifests.yaml');

describe('Gateway API conformance v1.6.1 through the model', () => {
  for (const test of suite.tests) {
    const objects = [...(test.mesh ? mesh : base), ...objectsOf(test.manifest)];
    const namespace = test.namespace ?? suite.namespace;
    describe(`${test.name} (${test.source})`, () => {
      if (test.attachedRoutes) {
        it(`attaches ${JSON.stringify(test.attachedRoutes)} to the listeners of ${test.gateway}`, () => {
          const attached = new Model(objects).gatewayApi.attachments.filter((a) => a.listener?.gateway === test.gateway);
          const counts = Object.fromEntries(Object.keys(test.attachedRoutes!).map((l) => [l, new Set(attached.filter((a) => a.listener!.name === l).map((a) => a.route.ref)).size]));
          assert.deepEqual(counts, test.attachedRoutes);
        });
      }
      test.cases.forEach((c, index) => {
        const known = KNOWN_DIFFERENCES.find((k) => k.test === test.name && k.case === index);
        const label = `#${index} ${c.request.method ?? 'GET'} ${c.request.host ?? ''}${c.request.path ?? '/'} ${JSON.stringify(c.request.headers ?? {})}`;
        it(`${label}${known ? ` (known difference: ${known.reason})` : ''}`, () => {
          const check = () => {
            const set = c.withoutReferenceGrants ? objects.filter((o) => o.kind !== 'ReferenceGrant') : objects;
            const hop = simulateGatewayApi(set, {
              via: test.mesh ? 'mesh' : c.gateway ?? test.gateway!,
              // The conformance client connects to the gateway's address, port 80, whatever the Host header says.
              ...(test.mesh ? {} : { port: c.port ?? 80 }),
              authority: c.request.host ?? (test.mesh ? test.mesh.host : GATEWAY_ADDRESS),
              ...(c.request.path !== undefined ? { path: c.request.path } : {}),
              ...(c.request.method !== undefined ? { method: c.request.method } : {}),
              ...(c.request.scheme !== undefined ? { scheme: c.request.scheme } : {}),
              ...(c.request.headers ? { headers: c.request.headers } : {}),
              ...(test.mesh ? { sourceNamespace: c.sourceNamespace ?? test.mesh.sourceNamespace } : {}),
            });
            if (c.status === 404) {
              assert.equal(hop.status, 'not-found', hop.notes.join('; '));
              assert.equal(hop.httpStatus, 404);
              return;
            }
            if (c.status === 500) {
              // Every request the rule takes gets 500: the rule answers it, or every live backend is invalid.
              const live = hop.backends.filter((b) => b.weight > 0);
              assert.ok(hop.status === 'error' || (hop.status === 'routed' && live.length > 0 && live.every((b) => b.problem !== undefined)), JSON.stringify(hop));
              if (c.reason !== undefined) assert.ok(live.every((b) => b.problem!.includes(`(${c.reason})`) || b.problem!.includes(`(${c.reason};`)), live.map((b) => b.problem).join('; '));
              return;
            }
            if (c.redirect) {
              assert.equal(hop.status, 'redirect', hop.notes.join('; '));
              const location = new URL(hop.redirect!.location);
              const port = location.port === '' ? undefined : Number(location.port);
              const ownPort = c.redirect.scheme === 'https' ? 443 : 80;
              assert.deepEqual([hop.redirect!.status, location.protocol, location.hostname], [c.redirect.status, `${c.redirect.scheme}:`, c.redirect.host]);
              if (c.redirect.port !== undefined) assert.equal(port, c.redirect.port, hop.redirect!.location);
              else assert.ok(port === undefined || port === ownPort, hop.redirect!.location);
              return;
            }
            assert.equal(hop.status, 'routed', hop.notes.join('; '));
            for (const b of hop.backends) assert.equal(b.problem, undefined);
            if (c.weights) {
              const shares = Object.fromEntries(hop.backends.map((b) => [b.name, b.weight / 100]));
              assert.deepEqual(shares, c.weights);
              for (const b of hop.backends) assert.equal(b.namespace, c.namespace ?? namespace);
              return;
            }
            const live = hop.backends.filter((b) => b.weight > 0);
            assert.deepEqual(live.map((b) => [b.namespace, b.name, b.weight]), [[c.namespace ?? namespace, c.backend, 100]]);
            const responseSet = new Map((hop.responseHeaders?.set ?? []).map((h) => [h.name.toLowerCase(), h.value]));
            for (const [name, value] of Object.entries(c.responseHeaders ?? {})) assert.equal(responseSet.get(name.toLowerCase()), value, `response header ${name}`);
            for (const name of c.absentResponseHeaders ?? []) assert.equal(responseSet.get(name.toLowerCase()), undefined, `response header ${name} must be absent`);
            if (c.expected) {
              const got = live[0]!;
              assert.equal(got.path, c.expected.path);
              for (const [name, value] of Object.entries(c.expected.headers ?? {})) assert.equal(got.headers[name.toLowerCase()], value, `header ${name}`);
              for (const name of c.expected.absentHeaders ?? []) assert.equal(got.headers[name.toLowerCase()], undefined, `header ${name} must be absent`);
            }
          };
          if (known) assert.throws(check, 'a known difference passes now: remove it from KNOWN_DIFFERENCES');
          else check();
        });
      });
    });
  }

  it('transcribes every test the issue names, and the ones added beyond it', () => {
    assert.deepEqual(suite.tests.map((t) => t.source).sort(), [
      'conformance/tests/httproute-header-matching.go',
      'conformance/tests/httproute-hostname-intersection.go',
      'conformance/tests/httproute-invalid-backendref-unknown-kind.go',
      'conformance/tests/httproute-invalid-cross-namespace-backend-ref.go',
      'conformance/tests/httproute-invalid-nonexistent-backendref.go',
      'conformance/tests/httproute-matching-across-routes.go',
      'conformance/tests/httproute-matching.go',
      'conformance/tests/httproute-method-matching.go',
      'conformance/tests/httproute-path-match-order.go',
      'conformance/tests/httproute-query-param-matching.go',
      'conformance/tests/httproute-redirect-port-and-scheme.go',
      'conformance/tests/httproute-reference-grant.go',
      'conformance/tests/httproute-request-header-modifier.go',
      'conformance/tests/httproute-rewrite-path.go',
      'conformance/tests/httproute-weight.go',
      'conformance/tests/mesh/httproute-matching.go',
      'conformance/tests/mesh/mesh-consumer-route.go',
      'conformance/tests/mesh/mesh-ports.go',
    ]);
  });
});
