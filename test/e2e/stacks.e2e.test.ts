/**
 * `pulumi up` of stacks/ for every environment under the real engine and Kubernetes provider (rendering to a
 * directory, no cluster): the objects written are exactly `graylane render` of the same spec, step and
 * namespace; the stack outputs are the README's `objectNames` and `routing`; `pulumi destroy` leaves nothing.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { compileManifests, routingSummary } from '../../compiler';
import { stackConfigs } from '../../scripts/stack-configs';
import { graylaneRender, PulumiWorkspace, renderedObjects, ROOT, StacksProject } from './support/pulumi-workspace';

describe('stacks/ under the real Pulumi engine', () => {
  const workspace = new PulumiWorkspace();
  const project = new StacksProject(workspace);
  const stacks = stackConfigs(ROOT);
  after(() => {
    for (const stack of stacks) workspace.pulumi(['stack', 'rm', '--yes', '--force', '--stack', stack.env], project.dir);
  });

  it('has the three environments', () => {
    assert.deepEqual(stacks.map((s) => s.env), ['dev', 'prod', 'staging']);
  });

  for (const stack of stacks) {
    it(`${stack.env}: pulumi up renders exactly graylane render, outputs objectNames and routing, destroy leaves nothing`, () => {
      project.init(stack.env, stack.config);
      const up = project.up(stack.env);
      assert.equal(up.status, 0, `${up.stdout}\n${up.stderr}`);

      const specFile = join(ROOT, stack.specFile);
      const expected = graylaneRender(specFile, stack.options);
      assert.ok(expected.length > 0);
      assert.deepEqual(renderedObjects(project.renderDir(stack.env)), expected);

      const compiled = compileManifests(readFileSync(specFile, 'utf8'), { file: specFile, ...stack.options });
      assert.ok(compiled.ok && compiled.plan);
      const objectNames: Record<string, string[]> = {};
      for (const m of expected) (objectNames[m.kind] ??= []).push(`${m.metadata.namespace}/${m.metadata.name}`);
      for (const names of Object.values(objectNames)) names.sort();
      assert.deepEqual(project.outputs(stack.env), { objectNames, routing: JSON.parse(JSON.stringify(routingSummary(compiled.plan))) });

      // A second `up` of the same program changes nothing.
      const again = project.up(stack.env);
      assert.equal(again.status, 0, again.stderr);
      assert.match(again.stdout, /Resources:\s+\n?\s*\d+ unchanged/);

      const destroy = workspace.pulumi(['destroy', '--yes', '--skip-preview', '--stack', stack.env], project.dir);
      assert.equal(destroy.status, 0, `${destroy.stdout}\n${destroy.stderr}`);
      assert.deepEqual(renderedObjects(project.renderDir(stack.env)), []);
      assert.deepEqual(project.exported(stack.env), { resources: [], pendingOperations: [] });
    });
  }
});
