import type { StackRule } from '../rule';
import { ISTIO, ref } from '../rule';
import { destinationHost, namespaceOf, qualifyGateway, vsSpec } from './istio-helpers';

/**
 * No two VirtualServices bind the same host for the same gateway, or both for the mesh (Istio's IST0109).
 * Istio merges or ignores the second one silently, so half of a release's routes may never apply.
 */
export const istioHostConflict: StackRule = {
  name: 'istio-host-conflict',
  scope: 'stack',
  description: 'No two VirtualServices claim one host for the same gateway (or both for the mesh).',
  rationale: 'Istio keeps one of two VirtualServices for a host and gateway and silently ignores the other (IST0109).',
  defaultLevel: 'mandatory',
  kinds: [`${ISTIO}:VirtualService`],
  check(objects) {
    const owners = new Map<string, (typeof objects)[number]>();
    const out: { object: (typeof objects)[number]; message: string }[] = [];
    for (const vs of objects.filter((o) => o.kind === 'VirtualService')) {
      const spec = vsSpec(vs);
      for (const gateway of spec.gateways.map((g) => qualifyGateway(g, namespaceOf(vs)))) {
        for (const host of spec.hosts.map((h) => (gateway === 'mesh' ? destinationHost(h, namespaceOf(vs)) : h))) {
          const key = `${gateway}|${host}`;
          const first = owners.get(key);
          if (first && first !== vs)
            out.push({ object: vs, message: `${ref(vs)} binds host ${host} for ${gateway === 'mesh' ? 'the mesh' : `gateway ${gateway}`}, which ${ref(first)} already binds (IST0109); Istio would apply only one of them.` });
          else owners.set(key, vs);
        }
      }
    }
    return out;
  },
};
