/** A small valid spec that the diagnostics tests break one way at a time. */
export const BASE_SPEC = `apiVersion: graylane.dev/v1alpha1
kind: Release
metadata:
  name: shop
  namespace: shop
spec:
  targets: [istio]
  services:
    web: { port: 8080 }
    cart: { port: 8080 }
  lanes:
    base:
      baseline: true
      selector: { version: v1 }
    gray:
      selector: { version: v2 }
      services: [cart]
      fallback: [base]
  trafficLabel:
    header: x-lane
  entry:
    gateway: istio-system/public
    hosts: [shop.example.com]
    service: web
    rules:
      - name: beta
        match:
          headers: { x-beta: { exact: "1" } }
        lane: gray
      - name: rollout
        steps:
          - { base: 100 }
          - { base: 50, gray: 50 }
`;

/** BASE_SPEC with `from` replaced by `to`; throws when `from` is not there, so a test cannot silently test nothing. */
export function mutate(from: string, to: string, text = BASE_SPEC): string {
  if (!text.includes(from)) throw new Error(`the base spec has no ${JSON.stringify(from)}`);
  return text.replace(from, to);
}
