/**
 * `graylane check`: every planted defect of test/fixtures/broken reported once, at its object, in all four
 * formats (SARIF validated against the 2.1.0 schema); examples and stack environments clean; baselines.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import Ajv from 'ajv-draft-04';
import { runCli } from '../scripts/run-cli';
import { stackConfigs } from '../scripts/stack-configs';
import { exampleFiles, ROOT } from './support/examples';

const cli = (args: string[]) => runCli(args, ROOT);

const BROKEN = 'test/fixtures/broken';
/** rule → where its planted defect is. */
const PLANTED: [rule: string, file: string, line: number][] = [
  ['istio-destination-resolves', 'unresolved-subset.yaml', 1],
  ['istio-host-conflict', 'host-conflict.yaml', 12],
  ['istio-weights-valid', 'bad-weights.yaml', 1],
  ['istio-no-wildcard-hosts', 'wildcard.yaml', 1],
  ['istio-lane-header-guarded', 'spoofable-gateway.yaml', 1],
  ['istio-semantic-rules', 'redirect-code.yaml', 1],
  ['traefik-circuit-breaker-expression', 'traefik-breaker.yaml', 1],
];
const sorted = (xs: string[]) => [...xs].sort();
const expected = sorted(PLANTED.map(([rule, file, line]) => `${rule} ${BROKEN}/${file}:${line}`));

describe('graylane check on deliberately broken YAML', () => {
  it('text: each defect once, at its object, exit 1', async () => {
    const r = await cli(['check', BROKEN]);
    assert.equal(r.status, 1);
    const lines = r.stdout.trim().split('\n');
    assert.equal(lines.pop(), '7 findings (7 mandatory) in environment dev');
    assert.deepEqual(sorted(lines.map((l) => /^(\S+):1: mandatory (\S+):/.exec(l) ?? /^(\S+:\d+):\d+: mandatory (\S+):/.exec(l)).map((m) => `${m![2]} ${m![1]}`)), expected);
  });

  it('json', async () => {
    const r = await cli(['check', BROKEN, '--format', 'json']);
    const report = JSON.parse(r.stdout) as { findings: { rule: string; location: { file: string; line: number; column: number } }[] };
    assert.deepEqual(sorted(report.findings.map((f) => `${f.rule} ${f.location.file}:${f.location.line}`)), expected);
    assert.ok(report.findings.every((f) => f.location.column === 1));
  });

  it('sarif: valid SARIF 2.1.0, one result per defect', async () => {
    const r = await cli(['check', BROKEN, '--format', 'sarif']);
    const log = JSON.parse(r.stdout) as { runs: { tool: { driver: { rules: { id: string }[] } }; results: { ruleId: string; ruleIndex: number; level: string; locations: { physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number } } }[] }[] }[] };
    const schema = JSON.parse(readFileSync(join(ROOT, 'test/fixtures/sarif/sarif-2.1.0-rtm.5.json'), 'utf8'));
    const validate = new Ajv({ allErrors: true, strict: false, validateFormats: false, unicodeRegExp: false }).compile(schema);
    assert.equal(validate(log), true, JSON.stringify(validate.errors?.slice(0, 3)));
    const results = log.runs[0]!.results;
    assert.deepEqual(sorted(results.map((x) => `${x.ruleId} ${x.locations[0]!.physicalLocation.artifactLocation.uri}:${x.locations[0]!.physicalLocation.region.startLine}`)), expected);
    for (const x of results) assert.equal(log.runs[0]!.tool.driver.rules[x.ruleIndex]!.id, x.ruleId);
    assert.ok(results.every((x) => x.level === 'error'));
  });

  it('and rejects an invalid SARIF log (the schema check can fail)', () => {
    const schema = JSON.parse(readFileSync(join(ROOT, 'test/fixtures/sarif/sarif-2.1.0-rtm.5.json'), 'utf8'));
    const validate = new Ajv({ strict: false, validateFormats: false, unicodeRegExp: false }).compile(schema);
    assert.equal(validate({ version: '2.1.0', runs: [{ results: [] }] }), false);
  });

  it('github: one workflow annotation per defect', async () => {
    const r = await cli(['check', BROKEN, '--format', 'github']);
    const lines = r.stdout.trim().split('\n');
    assert.deepEqual(sorted(lines.map((l) => { const m = /^::error file=([^,]+),line=(\d+),col=1,title=graylane (\S+)::/.exec(l)!; return `${m[3]} ${m[1]}:${m[2]}`; })), expected);
    assert.match(lines.find((l) => l.includes('traefik-breaker'))!, /::Middleware shop\/breaker has the circuit-breaker expression "NetworkErrorRatio\(\) > 1", which Traefik rejects/);
  });
});

describe('graylane check is clean where it should be', () => {
  for (const file of exampleFiles()) {
    it(`examples/${file} in dev`, async () => {
      const r = await cli(['check', `examples/${file}`]);
      assert.equal(r.stdout, 'no findings (environment dev)\n');
      assert.equal(r.status, 0);
    });
  }
  for (const stack of stackConfigs(ROOT)) {
    it(`${stack.specFile} in ${stack.env} at its step`, async () => {
      const r = await cli(['check', stack.specFile, '--env', stack.env, ...(stack.options.step !== undefined ? ['--step', String(stack.options.step)] : [])]);
      assert.equal(r.stdout, `no findings (environment ${stack.env})\n`);
      assert.equal(r.status, 0);
    });
  }
  it('the dev spec is not allowed in prod: developer and mock lanes, no exportTo', async () => {
    const r = await cli(['check', 'stacks/specs/dev.release.yaml', '--env', 'prod', '--format', 'json']);
    const report = JSON.parse(r.stdout) as { findings: { rule: string; message: string; location: { line: number } }[] };
    const lanes = report.findings.filter((f) => f.rule === 'graylane-lanes-allowed').map((f) => f.message);
    assert.deepEqual(sorted(lanes), sorted([
      'DestinationRule bookinfo-dev/details-dev-y belongs to lane "dev-y", which prod does not allow.',
      'DestinationRule bookinfo-dev/productpage-dev-y belongs to lane "dev-y", which prod does not allow.',
      'DestinationRule bookinfo-dev/reviews-dev-x belongs to lane "dev-x", which prod does not allow.',
      'ServiceEntry bookinfo-dev/details-mock belongs to lane "mock", which prod does not allow.',
      'ServiceEntry bookinfo-dev/details-mock backs lane "mock" with fixed endpoints, which prod does not allow.',
    ]));
    assert.equal(r.status, 1);
  });
});

describe('graylane check on rendered output', () => {
  it('checks each target folder on its own (istio and asm are alternatives, not conflicts)', async () => {
    const { mkdtempSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const out = join(mkdtempSync(join(tmpdir(), 'graylane-check-')), 'out');
    assert.equal((await cli(['render', 'examples/bookinfo-lanes.release.yaml', '-o', out])).status, 0);
    const r = await cli(['check', out]);
    assert.equal(r.stdout, 'no findings (environment dev)\n');
    assert.equal(r.status, 0);
  });
});

describe('graylane check --baseline', () => {
  const prod = ['check', 'stacks/specs/prod.release.yaml', '--env', 'prod'];
  it('lets prod move the canary one step (1% → 5%)', async () => {
    const r = await cli([...prod, '--step', '1', '--baseline', 'test/golden/stacks/prod.istio.yaml']);
    assert.equal(r.stdout, 'no findings (environment prod)\n');
  });
  it('stops prod jumping from 1% to 100%', async () => {
    const r = await cli([...prod, '--step', '4', '--baseline', 'test/golden/stacks/prod.istio.yaml', '--format', 'json']);
    const report = JSON.parse(r.stdout) as { findings: { rule: string; message: string }[] };
    assert.deepEqual(report.findings.map((f) => f.message), [
      'VirtualService bookinfo/bookinfo-entry: requests "entry istio-system/public-gateway bookinfo.example.com: every other request" move productpage.bookinfo.svc.cluster.local/base from 99% to 0%, more than the 25 points one update may move.',
      'VirtualService bookinfo/bookinfo-entry: requests "entry istio-system/public-gateway bookinfo.example.com: every other request" move productpage.bookinfo.svc.cluster.local/base (x-lane: gray) from 1% to 100%, more than the 25 points one update may move.',
    ]);
    assert.equal(r.status, 1);
  });
  it('takes rule settings from --config (maxChange 100 allows the jump)', async () => {
    const r = await cli([...prod, '--step', '4', '--baseline', 'test/golden/stacks/prod.istio.yaml', '--config', 'test/fixtures/check-config.json']);
    assert.equal(r.stdout, 'no findings (environment prod)\n');
  });
});

describe('graylane check --baseline with steps', () => {
  it('does not apply --step to the baseline: a spec baseline stays at its first step unless --baseline-step says otherwise', async () => {
    const moved = await cli(['check', 'stacks/specs/prod.release.yaml', '--env', 'prod', '--step', '4', '--baseline', 'stacks/specs/prod.release.yaml', '--format', 'json']);
    assert.equal(moved.status, 1);
    assert.ok((JSON.parse(moved.stdout) as { findings: { rule: string }[] }).findings.some((f) => f.rule === 'istio-max-weight-change'));
    const same = await cli(['check', 'stacks/specs/prod.release.yaml', '--env', 'prod', '--step', '4', '--baseline', 'stacks/specs/prod.release.yaml', '--baseline-step', '4']);
    assert.equal(same.stdout, 'no findings (environment prod)\n');
  });

  it('notes what the model does not read, and definitions replaced in apply order', async () => {
    const r = await cli(['check', 'test/fixtures/upstream/istio/tcp-echo']);
    assert.match(r.stderr, /^note: VirtualService default\/tcp-echo is defined 2 times; the last definition replaces the others, as kubectl apply does\.$/m);
    assert.match(r.stderr, /^note: 2 objects of kind Deployment \(apps\) are not modelled: their effect on traffic is not shown or checked\.$/m);
  });
});
