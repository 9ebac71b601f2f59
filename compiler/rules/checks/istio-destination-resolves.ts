import type { StackRule } from '../rule';
import { ISTIO, ref } from '../rule';
import { destinationHost, namespaceOf, vsSpec } from './istio-helpers';

/**
 * Every VirtualService destination names a host that exists and a subset that a DestinationRule of that host
 * defines (Istio's IST0101). Otherwise Envoy has no cluster for it and answers 503 NC.
 */
export const istioDestinationResolves: StackRule = {
  name: 'istio-destination-resolves',
  scope: 'stack',
  description: 'Every VirtualService destination resolves: its subset is defined and its host exists.',
  rationale: 'A route to an undefined subset or unknown host fails with 503 (NC) for every request it takes.',
  defaultLevel: 'mandatory',
  kinds: [`${ISTIO}:VirtualService`, `${ISTIO}:DestinationRule`, `${ISTIO}:ServiceEntry`],
  check(objects) {
    const subsets = new Map<string, Set<string>>();
    const entryHosts = new Set<string>();
    for (const o of objects) {
      if (o.kind === 'DestinationRule') {
        const spec = (o.spec ?? {}) as { host?: string; subsets?: { name: string }[] };
        const host = destinationHost(spec.host ?? '', namespaceOf(o));
        const set = subsets.get(host) ?? new Set<string>();
        for (const s of spec.subsets ?? []) set.add(s.name);
        subsets.set(host, set);
      }
      if (o.kind === 'ServiceEntry') for (const h of ((o.spec ?? {}) as { hosts?: string[] }).hosts ?? []) entryHosts.add(h);
    }
    const out: { object: (typeof objects)[number]; message: string }[] = [];
    for (const vs of objects.filter((o) => o.kind === 'VirtualService')) {
      const seen = new Set<string>();
      vsSpec(vs).http.forEach((route, r) => {
        for (const { destination: d } of route.route ?? []) {
          const host = destinationHost(d.host, namespaceOf(vs));
          const key = `${host}|${d.subset ?? ''}`;
          if (seen.has(key)) continue;
          seen.add(key);
          if (!host.endsWith('.svc.cluster.local') && !entryHosts.has(host) && !entryHosts.has(d.host))
            out.push({ object: vs, message: `${ref(vs)} route ${route.name ?? `#${r}`} sends requests to host ${d.host}, which is neither a Kubernetes Service nor in any ServiceEntry; Envoy has no cluster for it.` });
          else if (d.subset !== undefined && !subsets.get(host)?.has(d.subset))
            out.push({ object: vs, message: `${ref(vs)} route ${route.name ?? `#${r}`} sends requests to subset "${d.subset}" of ${host}, which no DestinationRule defines (IST0101); they fail with 503 NC.` });
        }
      });
    }
    return out;
  },
};
