/** explain, diff and graph: named behaviour (goldens hold the whole outputs), and Mermaid that Mermaid parses. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { runCli } from '../scripts/run-cli';
import type { ExplainedHop } from '../compiler/inspect/explain';
import { CLI_GOLDENS } from '../scripts/cli-goldens';
import { ROOT } from './support/examples';
import { mermaidParse } from './support/mermaid';

const cli = (args: string[]) => runCli(args, ROOT);

async function explainJson(args: string[]): Promise<ExplainedHop> {
  const r = await cli(['explain', ...args, '--format', 'json']);
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout) as ExplainedHop;
}

const label = (d: ExplainedHop['destinations'][number]) =>
  d.endpoints ? `endpoint ${d.endpoints.map((e) => `${e.address}:${e.port}`).join()}` : d.labels ? (d.labels.version ?? `{${Object.entries(d.labels).map(([k, v]) => `${k}: ${v}`).join(', ')}}`) : d.host;

describe('graylane explain prints what EXPECTED.md lists', () => {
  const BOOKINFO = 'examples/bookinfo-lanes.release.yaml';
  const edge = ['--gateway', 'istio-system/bookinfo-gateway', '--host', 'bookinfo.example.com'];
  for (const [request, expected] of [
    [['--header', 'location=shenzhen'], ['100% v1 x-lane=gray']],
    [['--header', 'x-dev-lane=dev-x'], ['100% v1 x-lane=dev-x']],
    [['--header', 'x-lane=dev-x'], ['90% v1 x-lane=none', '10% v1 x-lane=gray']],
    [[], ['90% v1 x-lane=none', '10% v1 x-lane=gray']],
  ] as const) {
    it(`through the gateway with ${request.join(' ') || 'no headers'}: productpage ${expected.join(' / ')}`, async () => {
      const hop = await explainJson([BOOKINFO, ...edge, ...request]);
      assert.deepEqual(hop.destinations.map((d) => `${d.weight}% ${label(d)} x-lane=${d.lane ?? 'none'}`), expected);
    });
  }

  const MESH: Record<string, Record<string, string>> = {
    '': { productpage: '100% v1', reviews: '100% v1', ratings: '80% v1 / 20% v2', details: '100% v1' },
    gray: { productpage: '100% v1', reviews: '100% v2', ratings: '100% v2', details: '100% v1' },
    'dev-x': { productpage: '100% v1', reviews: '100% {lane: dev-x}', ratings: '100% v2', details: '100% v1' },
    mock: { productpage: '100% v1', reviews: '100% v1', ratings: '100% v1', details: '100% endpoint 10.10.0.7:9080' },
  };
  for (const [lane, row] of Object.entries(MESH)) {
    it(`inside the mesh with x-lane ${lane || 'absent'}: ${Object.entries(row).map(([s, d]) => `${s} ${d}`).join(', ')}`, async () => {
      for (const [service, expected] of Object.entries(row)) {
        const hop = await explainJson([BOOKINFO, '--mesh', '--host', service, ...(lane ? ['--header', `x-lane=${lane}`] : [])]);
        assert.equal(hop.destinations.map((d) => `${d.weight}% ${label(d)}`).join(' / '), expected, service);
      }
    });
  }

  it('follows hops and multiplies shares (flip-flop step 1)', async () => {
    const hop = await explainJson(['examples/flip-flop.release.yaml', '--step', '1', '--mesh', '--host', 'search-api', '--hops', 'search-ranker']);
    assert.deepEqual(
      hop.destinations.map((d) => [d.weight, d.host, d.lane ?? null, d.next!.destinations.map((n) => [n.share, n.host])]),
      [
        [75, 'search-api.search-flop.svc.cluster.local', null, [[75, 'search-ranker.search-flop.svc.cluster.local']]],
        [25, 'search-api.search-flip.svc.cluster.local', 'flip', [[25, 'search-ranker.search-flip.svc.cluster.local']]],
      ],
    );
  });

  it('explains rendered YAML too (a directory written by render)', async () => {
    const dir = join(ROOT, 'test/golden/bookinfo-lanes/istio.yaml');
    const hop = await explainJson([dir, '--gateway', 'istio-system/bookinfo-gateway', '--host', 'bookinfo.example.com', '--header', 'location=shenzhen', '--lane-header', 'x-lane']);
    assert.deepEqual(hop.destinations.map((d) => `${label(d)} ${d.lane}`), ['v1 gray']);
  });

  it('needs exactly one way in (exit 2)', async () => {
    const r = await cli(['explain', BOOKINFO, '--host', 'x']);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /exactly one of --gateway ns\/name, --mesh, --entry-point name/);
  });
});

describe('graylane diff', () => {
  it('says "no traffic change" for equal inputs', async () => {
    const r = await cli(['diff', 'examples/flip-flop.release.yaml', 'examples/flip-flop.release.yaml', '--format', 'text']);
    assert.equal(r.stdout, 'graylane diff: examples/flip-flop.release.yaml → examples/flip-flop.release.yaml\nno traffic change\n');
  });

  it('reports the canary move and the added lane per service × lane', async () => {
    const r = await cli(['diff', 'examples/bookinfo-lanes.release.yaml', 'test/fixtures/specs/bookinfo-more-lanes.release.yaml', '--format', 'json']);
    const report = JSON.parse(r.stdout) as { traffic: { where: string; before: string; after: string }[]; objects: { change: string; object: string }[] };
    assert.deepEqual(report.traffic.find((t) => t.where === 'ratings.bookinfo, no lane'), { where: 'ratings.bookinfo, no lane', before: 'v1 80% / v2 [x-lane: gray] 20%', after: 'v1 50% / v2 [x-lane: gray] 50%' });
    assert.deepEqual(report.traffic.find((t) => t.where === 'details.bookinfo, lane blue'), { where: 'details.bookinfo, lane blue', before: 'v1 100%', after: 'v3 100%' });
    assert.deepEqual(report.objects.map((o) => `${o.change} ${o.object}`), [
      'added DestinationRule bookinfo/details-blue',
      'changed VirtualService bookinfo/details',
      'changed VirtualService bookinfo/ratings',
    ]);
  });

  it('reads git:REV:path', async () => {
    const head = await cli(['diff', 'git:HEAD:examples/flip-flop.release.yaml', 'examples/flip-flop.release.yaml', '--format', 'text']);
    assert.equal(head.status, 0, head.stderr);
    assert.match(head.stdout, /no traffic change/);
  });
});

describe('Mermaid output parses with Mermaid\'s own parser', () => {
  const mermaidTexts: [string, string][] = [];
  for (const path of Object.keys(CLI_GOLDENS)) {
    const text = readFileSync(join(ROOT, path), 'utf8');
    if (path.endsWith('.mmd')) mermaidTexts.push([path, text]);
    for (const [, block] of text.matchAll(/```mermaid\n([\s\S]*?)```/g)) mermaidTexts.push([`${path} (diagram)`, block!]);
  }
  for (const [name, text] of mermaidTexts) {
    it(name, async () => {
      assert.deepEqual(await mermaidParse(text), { diagramType: 'flowchart-v2', config: {} });
    });
  }
  it('and rejects a broken diagram (the check can fail)', async () => {
    await assert.rejects(mermaidParse('flowchart LR\n  a -- "x" -->\n'));
  });
});
