/** The stack program of every environment, run under Pulumi mocks, registers exactly the rendered objects. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parseAllDocuments } from 'yaml';
import { stackConfigs } from '../scripts/stack-configs';
import { ROOT } from './support/examples';
import { runStackProgram } from './support/pulumi-mocks';

describe('stacks/ under mocks', () => {
  const stacks = stackConfigs(ROOT);
  it('has dev, staging and prod, with dev lanes only in dev', () => {
    assert.deepEqual(stacks.map((s) => s.env), ['dev', 'prod', 'staging']);
    for (const s of stacks) {
      const spec = readFileSync(join(ROOT, s.specFile), 'utf8');
      assert.equal(/dev-\w+:\n\s+selector/.test(spec) || spec.includes('endpoints:'), s.env === 'dev', s.env);
    }
    assert.equal(stacks.find((s) => s.env === 'prod')!.options.step, 0, 'prod starts at the first step');
  });

  for (const stack of stacks) {
    it(`${stack.env}: registers the golden objects, under one Release, with the environment's provider`, async () => {
      const registered = await runStackProgram(stack.env, stack.config);
      const golden = parseAllDocuments(readFileSync(join(ROOT, `test/golden/stacks/${stack.env}.istio.yaml`), 'utf8')).map((d) => d.toJS());
      const objects = registered.filter((r) => r.type.startsWith('kubernetes:networking.istio.io/'));
      assert.deepEqual(
        objects.map((r) => r.inputs).sort(byName),
        golden.map((m) => ({ apiVersion: m.apiVersion, kind: m.kind, metadata: m.metadata, spec: m.spec })).sort(byName),
      );
      assert.deepEqual(registered.filter((r) => r.type === 'graylane:index:Release').map((r) => r.name), ['release']);
      const provider = registered.find((r) => r.type === 'pulumi:providers:kubernetes');
      assert.equal(provider?.inputs.context, stack.config['graylane:kubeContext']);
    });
  }
});

function byName(a: Record<string, unknown>, b: Record<string, unknown>): number {
  const key = (x: Record<string, unknown>) => `${x.kind}/${(x.metadata as { name: string }).name}`;
  return key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0;
}
