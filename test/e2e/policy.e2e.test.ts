/**
 * The CrossGuard pack under the real CLI: `pulumi preview --policy-pack policies --policy-pack-config
 * policies/config/prod.json` of the prod stack passes on prod's spec and fails, naming the mandatory
 * violation, on a spec with developer lanes.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { stackConfigs } from '../../scripts/stack-configs';
import { PulumiWorkspace, ROOT, StacksProject } from './support/pulumi-workspace';

describe('policies/ under the real Pulumi CLI', () => {
  const workspace = new PulumiWorkspace();
  const project = new StacksProject(workspace);
  const prod = stackConfigs(ROOT).find((s) => s.env === 'prod')!;
  const preview = () =>
    workspace.pulumi(
      ['preview', '--stack', 'prod', '--policy-pack', join(ROOT, 'policies'), '--policy-pack-config', join(ROOT, 'policies/config/prod.json')],
      project.dir,
    );
  after(() => workspace.pulumi(['stack', 'rm', '--yes', '--force', '--stack', 'prod'], project.dir));

  it('passes the prod spec', () => {
    project.init('prod', prod.config);
    const run = preview();
    assert.equal(run.status, 0, `${run.stdout}\n${run.stderr}`);
    assert.match(run.stdout, /Policies:\s*\n\s*✅ graylane@v0\.1\.0 \(local: \S*policies\)/);
    // Every rule ran: none was skipped for values unknown during the preview.
    assert.doesNotMatch(run.stdout, /can't run policy/);
  });

  it('stops a prod spec with developer lanes (graylane-lanes-allowed, mandatory)', () => {
    project.setConfig('prod', { ...prod.config, 'graylane:spec': 'stacks/specs/dev.release.yaml' });
    const run = preview();
    assert.notEqual(run.status, 0, run.stdout);
    assert.match(run.stdout, /\[mandatory\]\s+graylane-lanes-allowed/);
    assert.match(run.stdout, /DestinationRule bookinfo\/reviews-dev-x belongs to lane "dev-x", which prod does not allow\./);
  });
});
