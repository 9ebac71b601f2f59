/**
 * What target gateway-api refuses or warns about because other helpers' features reach it: baggage propagation
 * (its member regex is built for Istio and Traefik only) and sticky shares (sessionPersistence is experimental).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compile, type ReleaseSpec } from '../compiler';

function release(trafficLabel: NonNullable<ReleaseSpec['spec']['trafficLabel']>, sticky: boolean): ReleaseSpec {
  return {
    apiVersion: 'graylane.dev/v1alpha1',
    kind: 'Release',
    metadata: { name: 'shop', namespace: 'shop' },
    spec: {
      targets: ['gateway-api'],
      services: { web: { port: 8080 } },
      lanes: { base: { baseline: true, selector: { version: 'v1' } }, gray: { selector: { version: 'v2' } } },
      trafficLabel,
      entry: {
        gateway: 'shop/public',
        hosts: ['shop.example.com'],
        service: 'web',
        rules: [{ name: 'split', weights: { base: 90, gray: 10 }, ...(sticky ? { sticky: { cookie: { name: 'shop-split' } } } : {}) }],
      },
    },
  };
}
const found = (spec: ReleaseSpec) => compile(spec).diagnostics.map((d) => `${d.severity} ${d.code} ${d.path.join('.')}`);

describe('gateway-api: features it cannot carry are said, not dropped', () => {
  it('refuses propagation: baggage at its spec line (GL412) and emits nothing', () => {
    const r = compile(release({ header: 'x-lane', propagation: 'baggage' }, false));
    assert.equal(r.ok, false);
    assert.ok(found(release({ header: 'x-lane', propagation: 'baggage' }, false)).includes('error GL412 spec.trafficLabel.propagation'));
  });
  it('warns that sticky shares are lost (GL402) and still routes the split', () => {
    assert.ok(found(release({ header: 'x-lane' }, true)).includes('warning GL402 spec.entry.rules.0.sticky'));
    assert.ok(!found(release({ header: 'x-lane' }, false)).some((d) => d.includes('GL402')));
  });
});
