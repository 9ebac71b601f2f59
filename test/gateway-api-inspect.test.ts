/**
 * explain, the traffic table and diff over Gateway API objects (test/fixtures/gateway-api/bookinfo-lanes.yaml):
 * listener → HTTPRoute → rule → backends with shares and the lane header after filters, then GAMMA hops.
 */
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import Ajv from 'ajv';
import { parseAllDocuments } from 'yaml';
import { apiOf, explain } from '../compiler/inspect/explain';
import { trafficOf } from '../compiler/inspect/traffic';
import { Model } from '../compiler/model/model';
import type { KubeObject } from '../compiler/model/object-set';
import { runCli } from '../scripts/run-cli';

const FIXTURE = 'test/fixtures/gateway-api/bookinfo-lanes.yaml';
const text = readFileSync(FIXTURE, 'utf8');
const objects = parseAllDocuments(text).map((d) => d.toJS() as KubeObject);
const validate = new Ajv({ allErrors: true }).compile(JSON.parse(readFileSync('schema/explain.schema.json', 'utf8')) as object);

describe('explain over Gateway API objects', () => {
  const entry = { gateway: 'gateways/public', host: 'bookinfo.example.com', path: '/productpage', headers: { 'x-lane': 'spoof' }, hops: ['reviews.bookinfo.svc.cluster.local'] };

  it('shows listener, route, rule and the backends with their shares and the lane each receives', () => {
    const hop = explain(objects, entry, 'x-lane');
    assert.deepEqual(hop.listener, { gateway: 'gateways/public', name: 'http', port: 80, protocol: 'HTTP', hostname: '*.example.com' });
    assert.deepEqual([hop.httpRoute, hop.ruleIndex, hop.ruleName, hop.matchIndex, hop.hostname], ['bookinfo/bookinfo-entry', 0, 'canary', 0, 'bookinfo.example.com']);
    assert.deepEqual(hop.why, ['path has prefix /productpage (segment-wise)']);
    assert.deepEqual(
      hop.destinations.map((d) => [d.host, d.weight, d.share, d.lane, d.next?.httpRoute, d.next?.service, d.next?.destinations.map((n) => [n.host, n.share, n.lane])]),
      [
        ['productpage.bookinfo.svc.cluster.local', 90, 90, undefined, 'bookinfo/reviews-lanes', 'bookinfo/reviews', [['reviews-v1.bookinfo.svc.cluster.local', 90, undefined]]],
        ['productpage-gray.bookinfo.svc.cluster.local', 10, 10, 'gray', 'bookinfo/reviews-lanes', 'bookinfo/reviews', [['reviews-gray.bookinfo.svc.cluster.local', 10, 'gray']]],
      ],
    );
    assert.ok(validate(JSON.parse(JSON.stringify(hop))), JSON.stringify(validate.errors));
  });

  it('prints it as text, the JSON validating against schema/explain.schema.json', async () => {
    const args = ['explain', FIXTURE, '--gateway', 'gateways/public', '--host', 'bookinfo.example.com', '--path', '/productpage', '--header', 'x-lane=spoof', '--hops', 'reviews', '--lane-header', 'x-lane'];
    const r = await runCli(args, process.cwd());
    assert.equal(r.status, 0, r.stderr);
    assert.equal(
      r.stdout,
      [
        'hop 1: bookinfo.example.com:80, through gateway gateways/public',
        '  listener http (HTTP port 80, hostname *.example.com) of Gateway gateways/public',
        '  HTTPRoute bookinfo/bookinfo-entry, rule "canary", match #0 (hostname bookinfo.example.com)',
        '    because path has prefix /productpage (segment-wise)',
        '  → 90% to productpage.bookinfo.svc.cluster.local:9080; x-lane: (none)',
        '    hop 2: reviews.bookinfo.svc.cluster.local:9080, inside the mesh',
        '      GAMMA routes of Service bookinfo/reviews',
        '      HTTPRoute bookinfo/reviews-lanes, rule #1, match #0',
        '        because the rule matches every request (PathPrefix /)',
        '      → 100% to reviews-v1.bookinfo.svc.cluster.local:9080; x-lane: (none) [90% of all requests]',
        '  → 10% to productpage-gray.bookinfo.svc.cluster.local:9080; x-lane: gray',
        '    hop 2: reviews.bookinfo.svc.cluster.local:9080, inside the mesh',
        '      GAMMA routes of Service bookinfo/reviews',
        '      HTTPRoute bookinfo/reviews-lanes, rule #0, match #0',
        '        because header x-lane is gray',
        '      → 100% to reviews-gray.bookinfo.svc.cluster.local:9080; x-lane: gray [10% of all requests]',
        '',
      ].join('\n'),
    );
    const json = await runCli([...args, '--format', 'json'], process.cwd());
    assert.ok(validate(JSON.parse(json.stdout)), JSON.stringify(validate.errors));
  });

  it('answers a request no rule matches with 404, and a rule without backends with a direct 500', () => {
    const miss = explain(objects, { ...entry, path: '/other', hops: [] });
    assert.deepEqual([miss.status, miss.why], ['not-found', ['no rule of the HTTPRoutes attached to listener http of Gateway gateways/public matches: 404']]);
    const broken = objects.map((o) => (o.metadata?.name === 'bookinfo-entry' ? { ...o, spec: { ...(o.spec as object), rules: [{ matches: [{ path: { type: 'PathPrefix', value: '/productpage' } }] }] } } : o));
    const error = explain(broken, { ...entry, hops: [] });
    assert.deepEqual([error.status, error.directResponse], ['direct-response', { status: 500, share: 100 }]);
    assert.ok(validate(JSON.parse(JSON.stringify(error))), JSON.stringify(validate.errors));
  });

  it('reads which API routes a request from the objects', () => {
    const model = new Model(objects);
    assert.equal(apiOf(model, 'gateways/public', 'bookinfo.example.com'), 'gateway-api');
    assert.equal(apiOf(model, 'mesh', 'reviews.bookinfo.svc.cluster.local'), 'gateway-api');
    assert.equal(apiOf(model, 'mesh', 'ratings', 'bookinfo'), 'gateway-api');
    const istio = new Model([{ apiVersion: 'networking.istio.io/v1', kind: 'VirtualService', metadata: { name: 'r', namespace: 'bookinfo' }, spec: { hosts: ['reviews'], http: [{ route: [{ destination: { host: 'reviews' } }] }] } }]);
    assert.equal(apiOf(istio, 'mesh', 'reviews.bookinfo.svc.cluster.local'), 'istio');
    assert.equal(apiOf(istio, 'istio-system/gw', 'x'), 'istio');
  });
});

describe('the traffic table and diff over Gateway API objects', () => {
  it('has one class per listener hostname and match, and per GAMMA Service × lane', () => {
    assert.deepEqual([...trafficOf(objects, { laneHeader: 'x-lane' })], [
      ['gateway-api entry gateways/public http bookinfo.example.com: every other request', 'no route (404)'],
      ['gateway-api entry gateways/public http bookinfo.example.com: path under "/productpage"', 'productpage 90% / productpage-gray [x-lane: gray] 10%'],
      ['gateway-api reviews.bookinfo:9080, lane gray', 'reviews-gray 100%'],
      ['gateway-api reviews.bookinfo:9080, no lane', 'reviews-v1 100%'],
    ]);
  });

  it('diff reports a weight change of an HTTPRoute rule', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'graylane-gwapi-'));
    const after = join(dir, 'after.yaml');
    writeFileSync(after, text.replace('weight: 90', 'weight: 50').replace('weight: 10', 'weight: 50'));
    const r = await runCli(['diff', FIXTURE, after, '--lane-header', 'x-lane', '--format', 'text'], process.cwd());
    assert.equal(r.status, 0, r.stderr);
    assert.equal(
      r.stdout,
      `graylane diff: ${FIXTURE} → ${after}\ngateway-api entry gateways/public http bookinfo.example.com: path under "/productpage": productpage 90% / productpage-gray [x-lane: gray] 10% → productpage 50% / productpage-gray [x-lane: gray] 50%\nchanged: HTTPRoute bookinfo/bookinfo-entry\n`,
    );
  });
});
