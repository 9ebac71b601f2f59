/**
 * Where `npm run judges` found graylane's rules disagreeing with Istio's and Traefik's own code (README "Judged by
 * upstream code"): the fixed behaviour, pinned here so `npm test` keeps it without Go.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { istioSemanticProblems } from '../compiler/rules/istio-semantics';
import { circuitBreakerExpressionProblem } from '../compiler/rules/traefik-circuit-breaker';

const vs = (spec: Record<string, unknown>) => istioSemanticProblems({ kind: 'VirtualService', spec: { http: [{ route: [{ destination: { host: 'a' } }] }], ...spec } });

describe('graylane agrees with istiod\'s webhook (pkg/config/validation)', () => {
  it('accepts upper-case subset and gateway names (labels.IsDNS1123Label is case-insensitive)', () => {
    assert.deepEqual(istioSemanticProblems({ kind: 'DestinationRule', spec: { host: 'a', subsets: [{ name: 'V1' }] } }), []);
    assert.deepEqual(vs({ hosts: ['a'], http: [{ route: [{ destination: { host: 'a', subset: 'V1' } }] }] }), []);
    assert.deepEqual(vs({ hosts: ['a'], gateways: ['istio-system/Public', 'Public.istio-system'] }), []);
  });

  it('still rejects subset names with a dot and gateway references with two slashes', () => {
    assert.deepEqual(istioSemanticProblems({ kind: 'DestinationRule', spec: { host: 'a', subsets: [{ name: 'v1.0' }] } }), [
      'spec.subsets[0].name: "v1.0" is not a valid subset name (an RFC 1123 label).',
    ]);
    assert.deepEqual(vs({ hosts: ['a'], gateways: ['a/b/c'] }), ['spec.gateways[0]: "a/b/c" is not a gateway reference ("namespace/name", "name" or "mesh").']);
  });

  it('rejects the host "*" for the mesh, and accepts it on a gateway', () => {
    const problem = 'spec.hosts[0]: the host "*" is not allowed for a VirtualService bound to the mesh (name the services, or bind it to a gateway).';
    assert.deepEqual(vs({ hosts: ['*'] }), [problem]);
    assert.deepEqual(vs({ hosts: ['*'], gateways: ['istio-system/public', 'mesh'] }), [problem]);
    assert.deepEqual(vs({ hosts: ['*'], gateways: ['istio-system/public'] }), []);
  });
});

describe('graylane agrees with Traefik\'s circuit-breaker parser (vulcand/oxy cbreaker)', () => {
  it('accepts every Go float literal form', () => {
    for (const e of ['NetworkErrorRatio() > .5', 'NetworkErrorRatio() > 1.', 'NetworkErrorRatio() > 5e-1', 'NetworkErrorRatio() > 0.5E0', 'NetworkErrorRatio() > 0x1p-1', 'LatencyAtQuantileMS(.5) > 100'])
      assert.equal(circuitBreakerExpressionProblem(e), undefined, e);
  });

  it('still rejects a float where Traefik wants an integer, and integers strconv.Atoi cannot read', () => {
    assert.equal(circuitBreakerExpressionProblem('LatencyAtQuantileMS(50.0) > 1e2'), 'the value compared with LatencyAtQuantileMS() must be an integer literal such as 100, not 1e2');
    assert.notEqual(circuitBreakerExpressionProblem('LatencyAtQuantileMS(50.0) > 0x64'), undefined);
    assert.notEqual(circuitBreakerExpressionProblem('LatencyAtQuantileMS(50.0) > 1_00'), undefined);
    assert.equal(circuitBreakerExpressionProblem('NetworkErrorRatio() > 1'), 'the value compared with NetworkErrorRatio() must be a float literal such as 1.0 (Traefik does not convert 1)');
  });
});
