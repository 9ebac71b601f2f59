/**
 * Hand-written objects as the API server admits them (compiler/crd/crd-validator.ts, with the shipped schemas
 * of schema/crds): nulls dropped as apiextensions-apiserver's prunenulls.go drops them, defaults filled in as
 * its defaulting/algorithm.go does before validation, then the structural schema and the CEL rules.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { objectSchemas } from '../cli/object-schemas';
import { istioCrds } from './support/istio-crds';
import { gatewayApiCrds } from './support/gateway-api-crds';

const vs = (spec: unknown) => ({ apiVersion: 'networking.istio.io/v1', kind: 'VirtualService', metadata: { name: 'cart', namespace: 'shop' }, spec });
const route = (spec: unknown) => ({ apiVersion: 'gateway.networking.k8s.io/v1', kind: 'HTTPRoute', metadata: { name: 'cart', namespace: 'shop' }, spec });

describe('admission of hand-written objects', () => {
  it('drops a null map value the schema does not allow (a header match), keeps the rest, and says where', () => {
    const headers = { 'x-lane': null, 'x-user': { exact: 'a' } };
    const object = vs({ hosts: ['cart'], http: [{ match: [{ headers }], route: [{ destination: { host: 'cart' } }] }] });
    const admission = objectSchemas().admit(object)!;
    assert.deepEqual(admission.problems, []);
    assert.deepEqual(admission.droppedNulls, [['spec', 'http', 0, 'match', 0, 'headers', 'x-lane']]);
    assert.deepEqual((admission.stored as ReturnType<typeof vs>).spec, { hosts: ['cart'], http: [{ match: [{ headers: { 'x-user': { exact: 'a' } } }], route: [{ destination: { host: 'cart' } }] }] });
    assert.equal(headers['x-lane'], null, 'the input is not changed');
  });

  it('returns the same object when nothing is dropped', () => {
    const object = vs({ hosts: ['cart'], http: [{ route: [{ destination: { host: 'cart' } }] }] });
    const admission = objectSchemas().admit(object)!;
    assert.equal(admission.stored, object);
    assert.deepEqual([admission.problems, admission.droppedNulls], [[], []]);
  });

  it('keeps a null list item (prunenulls.go only deletes mapping keys), which the schema then refuses', () => {
    const admission = objectSchemas().admit(vs({ hosts: ['cart'], http: [null] }))!;
    assert.deepEqual(admission.droppedNulls, []);
    assert.deepEqual(admission.problems.map((p) => [p.path, p.message]), [[['spec', 'http', 0], 'is null; it must be a mapping']]);
  });

  it('fills in defaults before validating: an HTTPRoute backendRef without kind is a Service, so the CEL rule wants its port', () => {
    const withPort = route({ parentRefs: [{ name: 'gw' }], rules: [{ backendRefs: [{ name: 'cart', port: 80 }] }] });
    assert.deepEqual(objectSchemas().problems(withPort), []);
    const withoutPort = route({ parentRefs: [{ name: 'gw' }], rules: [{ backendRefs: [{ name: 'cart' }] }] });
    assert.deepEqual(objectSchemas().problems(withoutPort)!.map((p) => [p.path, p.message]), [[['spec', 'rules', 0, 'backendRefs', 0], 'Must have port for Service reference']]);
    // Defaults fill only the validated copy: what graylane reads is what the user wrote.
    assert.equal(objectSchemas().admit(withPort)!.stored, withPort);
  });

  it('names the unknown field, at its key, with the nearest known one', () => {
    const problems = objectSchemas().problems(vs({ hosts: ['cart'], http: [{ mathc: [], route: [{ destination: { host: 'cart' } }] }] }))!;
    assert.deepEqual(problems, [{ path: ['spec', 'http', 0, 'mathc'], atKey: true, message: 'unknown field "mathc"; did you mean "match"?' }]);
  });

  it('says which fields of an "at most one of" are set together, and nothing about each alternative', () => {
    const problems = objectSchemas().problems(vs({ hosts: ['cart'], http: [{ match: [{ uri: { prefix: '/a', exact: '/b' } }], route: [{ destination: { host: 'cart' } }] }] }))!;
    assert.deepEqual(problems.map((p) => p.message), ['sets "exact" and "prefix"; at most one of "exact", "prefix", "regex" may be set']);
  });

  it('refuses a version no CRD serves, naming the served ones', () => {
    const problems = objectSchemas().problems({ ...vs({ hosts: ['cart'] }), apiVersion: 'networking.istio.io/v2' })!;
    assert.deepEqual(problems.map((p) => p.message), ['networking.istio.io/v2 is not a version the CRD of VirtualService serves; it serves networking.istio.io/v1, networking.istio.io/v1alpha3, networking.istio.io/v1beta1']);
  });

  it('answers, never throws, on values CEL cannot take as they are (the fuzz found a throw): an infinite integer, a field named constructor', () => {
    const infinite = route({ parentRefs: [{ name: 'gw' }], rules: [{ backendRefs: [{ name: 'cart', port: Infinity }] }] });
    assert.ok(objectSchemas().problems(infinite)!.some((p) => p.path.join('.') === 'spec.rules.0.backendRefs.0.port'));
    const named = route({ parentRefs: [{ name: 'gw', constructor: 'x' }], rules: [{ backendRefs: [{ name: 'cart', port: 80, constructor: 1 }] }] });
    assert.deepEqual(objectSchemas().problems(named)!.map((p) => p.message), ['unknown field "constructor"; the fields here are "group", "kind", "name", "namespace", "port", "sectionName"', 'unknown field "constructor"; the fields here are "filters", "group", "kind", "name", "namespace", "port", "weight"']);
  });

  it('has nothing to say about kinds no shipped CRD defines', () => {
    assert.equal(objectSchemas().admit({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'cart' }, spec: 5 }), undefined);
    assert.equal(objectSchemas().admit({ apiVersion: 'security.istio.io/v1', kind: 'AuthorizationPolicy', metadata: { name: 'x' } }), undefined);
  });

  it('accepts ASM\'s documented VirtualService fields and refuses a misspelt fallback case', () => {
    const asm = vs({ hosts: ['cart'], http: [{ match: [{ trafficLabel: [{ exact: 'gray' }], sourceLabels: [{ exact: 'v1' }] }], route: [{ destination: { host: 'cart', subset: '$trafficLabel' }, fallback: { case: 'noinstances', target: 'stable' } }] }] });
    assert.deepEqual(objectSchemas().problems(asm), []);
    const bad = vs({ hosts: ['cart'], http: [{ route: [{ destination: { host: 'cart' }, fallback: { case: 'noinstance', target: 'stable' } }] }] });
    assert.deepEqual(objectSchemas().problems(bad)!.map((p) => p.path.join('.')), ['spec.http.0.route.0.fallback.case']);
  });

  it('the shipped schemas agree with the full upstream CRDs on generated VirtualService routes and HTTPRoute rules', () => {
    // The shipped file leaves descriptions out; validation must not notice. ASM's fields are left out of the values.
    const stringMatch = fc.oneof(fc.record({ exact: fc.string() }), fc.record({ prefix: fc.string() }), fc.record({ exact: fc.string(), prefix: fc.string() }), fc.constant(null), fc.constant(5));
    const destination = fc.record({ host: fc.oneof(fc.constant('cart'), fc.constant(7)), subset: fc.option(fc.constant('v1'), { nil: undefined }) }, { requiredKeys: ['host'] });
    const http = fc.record({ match: fc.option(fc.array(fc.record({ uri: stringMatch, headers: fc.dictionary(fc.constantFrom('a', 'b'), stringMatch) }, { requiredKeys: [] })), { nil: undefined }), route: fc.array(fc.record({ destination, weight: fc.option(fc.oneof(fc.integer({ min: -1, max: 101 }), fc.constant('5')), { nil: undefined }) })), timeout: fc.option(fc.constantFrom('0s', '1s', 'x'), { nil: undefined }) }, { requiredKeys: [] });
    fc.assert(
      fc.property(fc.array(http, { maxLength: 3 }), (routes) => {
        const object = vs({ hosts: ['cart'], http: routes });
        const admission = objectSchemas().admit(object)!;
        assert.deepEqual(admission.problems.map((p) => p.message).length > 0, istioCrds().problems(admission.stored)!.length > 0);
      }),
      { numRuns: 300 },
    );
    const backendRef = fc.record({ name: fc.constant('cart'), port: fc.option(fc.integer({ min: 0, max: 70000 }), { nil: undefined }), kind: fc.option(fc.constantFrom('Service', 'Other'), { nil: undefined }), weight: fc.option(fc.integer({ min: -1, max: 3 }), { nil: undefined }) }, { requiredKeys: ['name'] });
    fc.assert(
      fc.property(fc.array(fc.record({ backendRefs: fc.array(backendRef, { maxLength: 3 }) }), { maxLength: 3 }), (rules) => {
        const object = route({ parentRefs: [{ name: 'gw' }], rules });
        assert.deepEqual(objectSchemas().problems(object), gatewayApiCrds().problems(object));
      }),
      { numRuns: 200 },
    );
  });
});
