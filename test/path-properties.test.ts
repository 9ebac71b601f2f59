/**
 * Properties of path matches over generated paths: on Istio, Traefik v3 and Traefik v2 alike, `prefix` is a
 * path-segment prefix (Kubernetes Ingress `Prefix`), `exact` the path itself, `regex` a full match.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { compile, formatDiagnostic, type Manifest } from '../compiler';
import { routeRequest, type Entrance } from './support/route-request';

const RUNS = Number(process.env.GRAYLANE_PROPERTY_RUNS ?? 150);

const segment = fc.stringMatching(/^[a-c.-]{1,3}$/);
const path = fc.array(segment, { minLength: 0, maxLength: 4 }).chain((segments) =>
  fc.constantFrom('', '/').map((end) => `/${segments.join('/')}${segments.length > 0 ? end : ''}`),
);

/** Kubernetes Ingress Prefix: element-wise on "/"-split paths; trailing slashes of the prefix ignored. */
function segmentPrefix(prefix: string, requestPath: string): boolean {
  const p = prefix.replace(/\/+$/, '');
  return p === '' || requestPath === p || requestPath.startsWith(`${p}/`);
}

function objectsFor(match: string, apiGroup: string): Record<string, Manifest[]> {
  const result = compile(`apiVersion: graylane.dev/v1alpha1
kind: Release
metadata: { name: p, namespace: p }
spec:
  targets: [istio, traefik]
  services: { web: { port: 80 } }
  lanes: { base: { baseline: true } }
  entry:
    gateway: istio-system/gw
    hosts: [p.example.com]
    traefik: { entryPoints: [web], apiGroup: ${apiGroup} }
    rules:
      - { name: only, service: web, match: { path: ${match} }, lane: base }
`);
  assert.ok(result.ok, result.diagnostics.map(formatDiagnostic).join('\n'));
  return Object.fromEntries(result.outputs.map((o) => [o.target, o.manifests]));
}

const ENTRANCES: [string, Entrance][] = [
  ['istio', { gateway: 'istio-system/gw' }],
  ['traefik', { entryPoint: 'web' }],
];

function agrees(objects: Record<string, Manifest[]>, requestPath: string, expected: boolean): void {
  for (const [target, entrance] of ENTRANCES) {
    const routed = routeRequest(objects[target]!, entrance, { host: 'p.example.com', path: requestPath }).routed;
    assert.equal(routed, expected, `${target}: ${requestPath}`);
  }
}

describe('path matches over generated paths', () => {
  for (const [syntax, apiGroup] of [['v3', 'traefik.io'], ['v2', 'traefik.containo.us']] as const) {
    it(`prefix is a segment prefix on istio and traefik ${syntax}`, () => {
      fc.assert(
        fc.property(path, fc.array(path, { minLength: 1, maxLength: 6 }), (prefix, paths) => {
          const objects = objectsFor(`{ prefix: ${JSON.stringify(prefix)} }`, apiGroup);
          // The prefix itself, a longer segment, a child, and unrelated paths.
          for (const p of [prefix, `${prefix}x`, `${prefix}/x`, ...paths]) agrees(objects, p, segmentPrefix(prefix, p));
        }),
        { numRuns: Math.ceil(RUNS / 3) },
      );
    });

    it(`exact is the path itself, regex a full match, on istio and traefik ${syntax}`, () => {
      fc.assert(
        fc.property(path, fc.array(path, { minLength: 1, maxLength: 6 }), (exact, paths) => {
          const byExact = objectsFor(`{ exact: ${JSON.stringify(exact)} }`, apiGroup);
          const regex = `${exact.replace(/\./g, '\\.')}(?:/[a-c]+)?`;
          const byRegex = objectsFor(`{ regex: ${JSON.stringify(regex)} }`, apiGroup);
          const reference = new RegExp(`^(?:${regex})$`);
          for (const p of [exact, `${exact}/`, `${exact}/ab`, `x${exact}`, ...paths]) {
            agrees(byExact, p, p === exact);
            agrees(byRegex, p, reference.test(p));
          }
        }),
        { numRuns: Math.ceil(RUNS / 3) },
      );
    });
  }
});
