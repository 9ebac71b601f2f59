/** `graylane explain --format json` is a documented interface: every answer validates against schema/explain.schema.json. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import Ajv from 'ajv';
import { runCli } from '../scripts/run-cli';

const validate = new Ajv({ allErrors: true }).compile(JSON.parse(readFileSync('schema/explain.schema.json', 'utf8')) as object);
const U = 'test/fixtures/upstream/istio';

const REQUESTS: readonly (readonly string[])[] = [
  ['examples/bookinfo-lanes.release.yaml', '--gateway', 'istio-system/bookinfo-gateway', '--host', 'bookinfo.example.com', '--header', 'location=shenzhen', '--hops', 'reviews,ratings'],
  ['examples/coding-demo.release.yaml', '--entry-point', 'web', '--host', 'pro.coding'],
  [`${U}/bookinfo`, '--mesh', '--host', 'ratings', '--header', 'end-user=jason', '--source-namespace', 'default'],
  [`${U}/bookinfo/bookinfo-gateway.yaml`, '--gateway', 'default/bookinfo-gateway', '--host', 'x.example.com', '--path', '/nothing'],
  [`${U}/mirroring`, '--mesh', '--host', 'httpbin', '--source-namespace', 'default'],
  [`${U}/tcp-echo`, '--gateway', 'default/tcp-echo-gateway', '--host', 'any', '--port', '31400', '--protocol', 'tcp'],
];

describe('explain --format json', () => {
  for (const args of REQUESTS) {
    it(`validates: ${args.join(' ')}`, async () => {
      const r = await runCli(['explain', ...args, '--format', 'json'], process.cwd());
      assert.equal(r.status, 0, r.stderr);
      const json = JSON.parse(r.stdout) as unknown;
      assert.ok(validate(json), JSON.stringify(validate.errors));
      assert.doesNotMatch(r.stdout, /undefined/);
    });
  }

  it('reports the fault with its share: ratings-test-delay gives jason a 7s delay, ratings-test-abort a 500', async () => {
    const delay = JSON.parse((await runCli(['explain', `${U}/bookinfo/virtual-service-ratings-test-delay.yaml`, '--mesh', '--host', 'ratings', '--header', 'end-user=jason', '--source-namespace', 'default', '--format', 'json'], process.cwd())).stdout) as { fault: unknown };
    assert.deepEqual(delay.fault, { delay: { fixedDelay: '7s', percent: 100 }, delayShare: 100 });
    const abort = JSON.parse((await runCli(['explain', `${U}/bookinfo/virtual-service-ratings-test-abort.yaml`, '--mesh', '--host', 'ratings', '--header', 'end-user=jason', '--source-namespace', 'default', '--format', 'json'], process.cwd())).stdout) as { fault: unknown; destinations: { share: number }[] };
    assert.deepEqual(abort.fault, { abort: { httpStatus: 500, percent: 100 }, abortShare: 100 });
    assert.deepEqual(abort.destinations.map((d) => d.share), [0]);
  });

  it('diff sees 100% of reviews move from v1 to v3 in Istio\'s own samples (short hosts)', async () => {
    const r = await runCli(['diff', `${U}/bookinfo/virtual-service-all-v1.yaml`, `${U}/bookinfo/virtual-service-reviews-v3.yaml`, '--format', 'text'], process.cwd());
    assert.match(r.stdout, /^reviews\.default, no lane: v1 100% \(unresolved\) → v3 100% \(unresolved\)$/m);
  });
});
