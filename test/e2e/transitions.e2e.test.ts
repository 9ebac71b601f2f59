/**
 * Make-before-break under the real engine: successive `pulumi up`s of a changed spec (add a lane and move
 * a canary, then remove the lane), each with `--event-log`, and a failed `up` (a real provider error on
 * one object) followed by a retried `up`. The engine's operation order, replayed pessimistically, never
 * passes through a state where a live route names a host or subset that is not live; the hand-written
 * step model of test/support/pulumi-step-model.ts plans the same operations and allows the engine's order.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { parse, stringify } from 'yaml';
import { childName } from '../../components/release';
import { applyPhase, referenceIndex, type Manifest } from '../../compiler';
import { pulumiUp, type Applied } from '../support/pulumi-step-model';
import { engineSteps, replay, type EngineStep } from './support/engine-steps';
import { graylaneRender, identity, PulumiWorkspace, renderedObjects, renderPath, ROOT, StacksProject } from './support/pulumi-workspace';

const STACK = 'transitions';
const NAMESPACE = 'bookinfo-e2e';

type Spec = { spec: { lanes: Record<string, unknown>; entry: { rules: Record<string, unknown>[] }; canary: Record<string, Record<string, number>> } };

const staging = parse(readFileSync(join(ROOT, 'stacks/specs/staging.release.yaml'), 'utf8')) as Spec;

/** Staging plus a lane `blue` (reviews on v3, reached with a header), and the ratings canary moved. */
function withBlueLane(): Spec {
  const spec = structuredClone(staging);
  spec.spec.lanes.blue = { selector: { version: 'v3' }, services: ['reviews'], fallback: ['base'] };
  spec.spec.entry.rules.unshift({ name: 'blue', match: { headers: { 'x-blue': { exact: 'true' } } }, lane: 'blue' });
  spec.spec.canary.ratings = { base: 25, gray: 75 };
  return spec;
}

describe('spec transitions under the real Pulumi engine', () => {
  const workspace = new PulumiWorkspace();
  const project = new StacksProject(workspace);
  const specFile = join(workspace.dir, 'release.yaml');
  let applied: Manifest[] = [];
  after(() => workspace.pulumi(['stack', 'rm', '--yes', '--force', '--stack', STACK], project.dir));

  /** Writes the spec, runs `up` with an event log, returns the engine's steps and the expected program. */
  const upTo = (spec: Spec, step: number, eventLog: string): { status: number; output: string; steps: EngineStep[]; program: Manifest[] } => {
    writeFileSync(specFile, stringify(spec));
    project.setConfig(STACK, { 'graylane:spec': specFile, 'graylane:namespace': NAMESPACE, 'graylane:step': String(step) });
    const run = project.up(STACK, ['--event-log', eventLog]);
    if (!existsSync(eventLog)) throw new Error(`pulumi up wrote no event log:\n${run.stdout}\n${run.stderr}`);
    return {
      status: run.status,
      output: `${run.stdout}\n${run.stderr}`,
      steps: engineSteps(readFileSync(eventLog, 'utf8')),
      program: graylaneRender(specFile, { step, namespace: NAMESPACE }),
    };
  };

  /** The model's plan for the same transition, as (operation, child name) pairs. */
  const modelPlan = (from: readonly Manifest[], to: readonly Manifest[]): string[] => {
    const state: Applied = new Map(from.map((m) => [childName('release', m), m]));
    const run = pulumiUp(state, [], to, (xs) => xs, undefined);
    assert.deepEqual(run.problems, [], 'the model sees no broken state');
    const planned: string[] = [];
    const wanted = new Set(to.map((m) => childName('release', m)));
    for (const m of to) {
      const before = state.get(childName('release', m));
      if (!before) planned.push(`create ${childName('release', m)}`);
      else if (JSON.stringify(before) !== JSON.stringify(m)) planned.push(`update ${childName('release', m)}`);
    }
    for (const key of state.keys()) if (!wanted.has(key)) planned.push(`delete ${key}`);
    assert.equal(run.steps, planned.length, 'the model takes exactly these steps');
    return planned.sort();
  };

  /** The model's ordering claims, checked on the engine's real order. */
  const assertModelAllows = (steps: readonly EngineStep[], from: readonly Manifest[], to: readonly Manifest[]) => {
    const lastApply = Math.max(-1, ...steps.filter((s) => s.op !== 'delete').map((s) => s.ended ?? Infinity));
    const namesTo = referenceIndex(to);
    const namesFrom = referenceIndex(from);
    const byName = new Map(steps.map((s) => [s.name, s]));
    for (const s of steps) {
      if (s.op === 'delete') {
        assert.ok(s.started > lastApply, `${s.name}: deletes come after every create and update`);
        // Dependents first: a route that named this object is deleted or updated before it.
        for (const route of from.filter((m) => applyPhase(m) === 1 && namesFrom(m).some((n) => identity(n) === identity(s.old!)))) {
          const routeStep = byName.get(childName('release', route));
          assert.ok(routeStep && routeStep.ended! < s.started, `${identity(route)} stops naming ${identity(s.old!)} before it is deleted`);
        }
      } else if (applyPhase(s.new!) === 1) {
        // Creates and updates follow dependencies: every object a route names is done before it starts.
        for (const named of namesTo(s.new!)) {
          const dep = byName.get(childName('release', named));
          if (dep) assert.ok(dep.ended! < s.started, `${identity(named)} is applied before ${identity(s.new!)} starts`);
        }
      }
    }
  };

  const engineOps = (steps: readonly EngineStep[]) => steps.map((s) => `${s.op} ${s.name}`).sort();

  it('first up: staging at step 2', () => {
    project.init(STACK, {});
    const run = upTo(staging, 2, join(workspace.dir, 'events-0.jsonl'));
    assert.equal(run.status, 0, run.output);
    assert.deepEqual(engineOps(run.steps), modelPlan([], run.program));
    assert.deepEqual(replay([], run.steps).problems, []);
    assertModelAllows(run.steps, [], run.program);
    assert.deepEqual(renderedObjects(project.renderDir(STACK)), run.program);
    applied = run.program;
  });

  it('add a lane and move a canary (step 2 → 3, ratings 50/50 → 25/75): creates before routes', () => {
    const run = upTo(withBlueLane(), 3, join(workspace.dir, 'events-1.jsonl'));
    assert.equal(run.status, 0, run.output);
    const plan = modelPlan(applied, run.program);
    assert.ok(plan.some((p) => p.startsWith('create ')) && plan.some((p) => p.startsWith('update ')), plan.join('\n'));
    assert.deepEqual(engineOps(run.steps), plan, 'the engine takes the steps the model plans');
    assert.deepEqual(replay(applied, run.steps).problems, []);
    assertModelAllows(run.steps, applied, run.program);
    assert.deepEqual(renderedObjects(project.renderDir(STACK)), run.program);
    applied = run.program;
  });

  it('remove the lane again: routes stop naming it before it is deleted', () => {
    const run = upTo(staging, 3, join(workspace.dir, 'events-2.jsonl'));
    assert.equal(run.status, 0, run.output);
    const plan = modelPlan(applied, run.program);
    assert.ok(plan.some((p) => p.startsWith('delete ')), plan.join('\n'));
    assert.deepEqual(engineOps(run.steps), plan);
    assert.deepEqual(replay(applied, run.steps).problems, []);
    assertModelAllows(run.steps, applied, run.program);
    assert.deepEqual(renderedObjects(project.renderDir(STACK)), run.program);
    applied = run.program;
  });

  it('a provider error on one object fails the up; no state in it or in the retry names a missing object', () => {
    const target = withBlueLane();
    writeFileSync(specFile, stringify(target));
    const next = graylaneRender(specFile, { step: 3, namespace: NAMESPACE });
    // The new DestinationRule of the blue lane cannot be written: a directory stands where the provider
    // writes its file, so the provider's own write fails (a real error, from the real provider).
    const blocked = next.find((m) => m.kind === 'DestinationRule' && m.metadata.name.endsWith('-blue'));
    assert.ok(blocked, 'the blue lane has a DestinationRule');
    mkdirSync(join(renderPath(project.renderDir(STACK), blocked), 'blocked'), { recursive: true });

    const failed = upTo(target, 3, join(workspace.dir, 'events-3.jsonl'));
    assert.notEqual(failed.status, 0, 'the up fails');
    const failedStep = failed.steps.find((s) => s.failed);
    assert.equal(failedStep?.name, childName('release', blocked), failed.output);
    assert.deepEqual(replay(applied, failed.steps).problems, []);
    // No route that names the blocked object was applied.
    for (const s of failed.steps.filter((x) => x.new && applyPhase(x.new) === 1 && x.ended !== undefined && !x.failed))
      assert.ok(!referenceIndex(next)(s.new!).some((m) => identity(m) === identity(blocked)), `${s.name} waited for ${identity(blocked)}`);
    const afterFailure = project.exported(STACK);
    assert.deepEqual(afterFailure.pendingOperations, [], 'a failure leaves no pending operation');
    const liveAfterFailure = replay(applied, failed.steps).live;

    rmSync(renderPath(project.renderDir(STACK), blocked), { recursive: true });
    const retry = upTo(target, 3, join(workspace.dir, 'events-4.jsonl'));
    assert.equal(retry.status, 0, retry.output);
    assert.deepEqual(replay(liveAfterFailure, retry.steps).problems, []);
    assert.deepEqual(renderedObjects(project.renderDir(STACK)), next);

    const destroy = workspace.pulumi(['destroy', '--yes', '--skip-preview', '--stack', STACK], project.dir);
    assert.equal(destroy.status, 0, destroy.stderr);
    assert.deepEqual(renderedObjects(project.renderDir(STACK)), []);
    assert.deepEqual(project.exported(STACK), { resources: [], pendingOperations: [] });
  });
});
