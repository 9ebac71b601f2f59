/** Istio's webhook rules beyond the CRD schema: emitted objects pass, planted defects are named exactly. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { istioSemanticProblems } from '../compiler/rules/istio-semantics';
import { compileManifests } from '../compiler';
import { mutate } from './support/base-spec';
import { compileExample, manifestsOf } from './support/examples';

describe('Istio semantic validation', () => {
  it('accepts every object emitted for the examples', () => {
    for (const [file, step] of [['bookinfo-lanes.release.yaml', undefined], ['flip-flop.release.yaml', 1]] as const) {
      for (const m of manifestsOf(compileExample(file, step !== undefined ? { step } : {})))
        assert.deepEqual(istioSemanticProblems(m), [], `${m.kind} ${m.metadata.name}`);
    }
  });

  it('names each defect of a broken VirtualService (weights are istio-weights-valid\'s)', () => {
    const problems = istioSemanticProblems({
      kind: 'VirtualService',
      spec: {
        hosts: ['a'],
        gateways: ['a/b/c'],
        http: [
          { name: 'empty' },
          {
            match: [{ headers: { x: { regex: '(a)\\1' }, 'x y': { exact: '1' } } }],
            route: [
              { destination: { host: 'a', subset: 'v1.0' }, weight: 60 },
              { destination: { host: 'a' }, weight: 30, headers: { request: { set: { ':path': '/' } } } },
            ],
            timeout: '0s',
            retries: { attempts: 2, retryOn: '5xx,gateway_error' },
          },
        ],
      },
    });
    assert.deepEqual(problems, [
      'spec.gateways[0]: "a/b/c" is not a gateway reference ("namespace/name", "name" or "mesh").',
      'spec.http[0]: an HTTP route needs a route, a redirect, a direct response or a delegate.',
      'spec.http[1].match[0].headers.x.regex: "(a)\\\\1" is not a valid RE2 regex: RE2 has no backreferences.',
      'spec.http[1].match[0].headers: "x y" is not a valid HTTP header name.',
      'spec.http[1].route[0].destination.subset: "v1.0" is not a valid subset name (an RFC 1123 label).',
      'spec.http[1].route[1].headers.request: header ":path" cannot be set (":" pseudo-headers are Envoy\'s).',
      'spec.http[1].timeout: duration "0s" must be at least 1ms.',
      'spec.http[1].retries.retryOn: "gateway_error" is not a retry condition Envoy knows.',
    ]);
  });

  it('names duplicate subsets, bad labels and non-IP STATIC endpoints', () => {
    assert.deepEqual(
      istioSemanticProblems({ kind: 'DestinationRule', spec: { host: 'a', subsets: [{ name: 'v1', labels: { version: 'v1!' } }, { name: 'v1' }] } }),
      [
        'spec.subsets[0].labels.version: a label value must be 63 characters at most, empty or start and end with a letter or digit, and use only letters, digits, "-", "_" and ".".',
        'spec.subsets[1].name: subset "v1" is defined twice.',
      ],
    );
    assert.deepEqual(istioSemanticProblems({ kind: 'ServiceEntry', spec: { hosts: ['m.internal'], resolution: 'STATIC', endpoints: [{ address: 'mock.local' }] } }), [
      'spec.endpoints[0].address: "mock.local" must be an IP address (or unix socket) with resolution STATIC.',
    ]);
  });
});

describe('retryOn as Istio splits it', () => {
  it('rejects " reset" in "5xx, reset": Istio splits on "," and does not trim (validation.go validateHTTPRetry)', () => {
    assert.deepEqual(istioSemanticProblems({ kind: 'VirtualService', spec: { hosts: ['a'], http: [{ route: [{ destination: { host: 'a' } }], retries: { attempts: 2, retryOn: '5xx, reset' } }] } }), [
      'spec.http[0].retries.retryOn: " reset" is not a retry condition Envoy knows (Istio does not trim spaces around the commas).',
    ]);
  });

  it('emits the spec\'s "5xx, reset" as "5xx,reset"', () => {
    const result = compileManifests(mutate('service: web\n    rules:', 'service: web\n    resilience: { retries: { attempts: 2, retryOn: "5xx, reset" } }\n    rules:'));
    assert.deepEqual(result.diagnostics.filter((d) => d.severity === 'error'), []);
    const entry = result.outputs[0]!.manifests.find((m) => m.metadata.name === 'shop-entry')!;
    const retries = (entry.spec.http as { retries?: { retryOn?: string } }[]).map((r) => r.retries?.retryOn);
    assert.deepEqual([...new Set(retries)], ['5xx,reset']);
  });
});
