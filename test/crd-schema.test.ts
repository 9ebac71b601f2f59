/** Every emitted object is one the API server accepts: upstream CRD schema, unknown fields, CEL rules. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parseAllDocuments } from 'yaml';
import { compile, implementedTargets } from '../compiler';
import { istioSemanticProblems } from '../compiler/rules/istio-semantics';
import { stackConfigs } from '../scripts/stack-configs';
import { compileExample, exampleFiles, manifestsOf, readExample, ROOT } from './support/examples';
import { CRD_DIR, istioCrds } from './support/istio-crds';
import { traefikCrds } from './support/traefik-crds';
import { gatewayApiCrds } from './support/gateway-api-crds';
import { endpointSliceShape, serviceShape } from './support/kubernetes-shapes';
import { fallbackShape, matchExtensionShape, splitAsmFields, trafficLabelShape } from './support/asm-shapes';
import { parse } from 'yaml';

describe('the CRD validator agrees with Istio\'s own validation fixtures', () => {
  for (const file of ['destinationrule', 'serviceentry', 'envoyfilter']) {
    for (const expectation of ['valid', 'invalid'] as const) {
      let text = readFileSync(join(CRD_DIR, 'istio-validation-fixtures', `${file}-${expectation}.yaml`), 'utf8');
      // Go's YAML reads `001:db8::` in a flow list as a string; the YAML 1.2 parser reads a key. Quote it.
      text = text.replace('[1.2.3.4, 001:db8::]', '["1.2.3.4", "001:db8::"]');
      const docs = parseAllDocuments(text)
        .map((d) => d.toJS() as Record<string, unknown> | null)
        .filter((d): d is Record<string, unknown> => d !== null);
      for (const doc of docs) {
        const { _err: expectedError, ...object } = doc;
        const name = (object.metadata as { name: string }).name;
        it(`${file} "${name}" is ${expectation}${expectedError ? ` (${String(expectedError)})` : ''}`, () => {
          const problems = istioCrds().validate(object);
          if (expectation === 'valid') assert.deepEqual(problems, []);
          else assert.ok(problems.length > 0, `expected a problem like "${String(expectedError)}"`);
        });
      }
    }
  }

  it('rejects an unknown field', () => {
    const problems = istioCrds().validate({
      apiVersion: 'networking.istio.io/v1',
      kind: 'VirtualService',
      metadata: { name: 'x', namespace: 'y' },
      spec: { hosts: ['a'], http: [{ route: [{ destination: { host: 'a', subnet: 'v1' } }] }] },
    });
    assert.deepEqual(problems, ['/spec/http/0/route/0/destination/subnet: unknown field "subnet"; did you mean "subset"?']);
  });

  it('applies the CEL rules (a 0s timeout is rejected)', () => {
    const problems = istioCrds().validate({
      apiVersion: 'networking.istio.io/v1',
      kind: 'VirtualService',
      metadata: { name: 'x', namespace: 'y' },
      spec: { hosts: ['a'], http: [{ timeout: '0s', route: [{ destination: { host: 'a' } }] }] },
    });
    assert.equal(problems.length, 1);
    assert.match(problems[0]!, /^\/spec\/http\/0\/timeout: /);
  });
});

describe('every emitted object validates against the upstream CRDs', () => {
  for (const file of exampleFiles()) {
    const spec = parse(readExample(file)) as { spec: { targets: string[]; entry: { rules: { steps?: unknown[] }[] } } };
    const steps = Math.max(1, ...spec.spec.entry.rules.map((r) => r.steps?.length ?? 0));
    for (const target of spec.spec.targets.filter((t) => implementedTargets().includes(t as never))) {
      for (let step = 0; step < steps; step++) {
        it(`${file} → ${target}${steps > 1 ? ` at step ${step}` : ''}`, () => {
          const manifests = manifestsOf(compileExample(file, steps > 1 ? { step } : {}), target);
          assert.ok(manifests.length > 0);
          const crds = target === 'traefik' ? traefikCrds('v3') : target === 'gateway-api' ? gatewayApiCrds() : istioCrds();
          for (const m of manifests) {
            // Built-in kinds have no CRD: their shapes as the API server validates them.
            if (m.kind === 'Service' || m.kind === 'EndpointSlice') {
              const shape = (m.kind === 'Service' ? serviceShape : endpointSliceShape).safeParse(JSON.parse(JSON.stringify(m)));
              assert.equal(shape.success, true, `${m.kind} ${m.metadata.name}: ${JSON.stringify(shape.error?.issues)}`);
              continue;
            }
            if (m.kind === 'TrafficLabel') {
              assert.equal(trafficLabelShape.safeParse(m).success, true, JSON.stringify(trafficLabelShape.safeParse(m).error?.issues));
              continue;
            }
            // ASM's fields are checked against their documented shapes, the rest against the upstream CRD.
            const { upstream, fallbacks, matches } = splitAsmFields(m as unknown as Record<string, unknown>);
            if (target !== 'asm') assert.deepEqual([fallbacks, matches], [[], []], 'no ASM fields outside target asm');
            for (const f of fallbacks) assert.equal(fallbackShape.safeParse(f).success, true, JSON.stringify(f));
            for (const x of matches) assert.equal(matchExtensionShape.safeParse(x).success, true, JSON.stringify(x));
            assert.deepEqual(crds.validate(upstream), [], `${m.kind} ${m.metadata.name}`);
          }
        });
      }
    }
  }
});

describe('every object of every stack environment validates against the upstream CRDs', () => {
  for (const stack of stackConfigs(ROOT)) {
    it(`${stack.env} (${stack.specFile})`, () => {
      const result = compile(readFileSync(join(ROOT, stack.specFile), 'utf8'), stack.options);
      for (const m of manifestsOf(result)) {
        assert.deepEqual(istioCrds().validate(m), [], `${m.kind} ${m.metadata.name}`);
        assert.deepEqual(istioSemanticProblems(m), [], `${m.kind} ${m.metadata.name}`);
      }
    });
  }
});
