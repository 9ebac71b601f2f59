import type { ObjectRule } from '../rule';
import { ISTIO, ref } from '../rule';

/** No wildcard hosts: a wildcard VirtualService or ServiceEntry claims traffic of hosts other teams own. */
export const istioNoWildcardHosts: ObjectRule = {
  name: 'istio-no-wildcard-hosts',
  scope: 'object',
  description: 'VirtualServices, DestinationRules and ServiceEntries name exact hosts, not wildcards.',
  rationale: 'A wildcard host captures traffic for every matching host, including other teams\' services.',
  defaultLevel: 'mandatory',
  kinds: [`${ISTIO}:VirtualService`, `${ISTIO}:ServiceEntry`, `${ISTIO}:DestinationRule`],
  check(o) {
    const spec = (o.spec ?? {}) as { hosts?: string[]; host?: string };
    // No array per object: this runs for every emitted object, and almost none has a wildcard.
    const out: string[] = [];
    for (const h of spec.hosts ?? []) if (h.includes('*')) out.push(wildcardMessage(o, h));
    if (spec.host !== undefined && spec.host.includes('*')) out.push(wildcardMessage(o, spec.host));
    return out;
  },
};

function wildcardMessage(o: Parameters<ObjectRule['check']>[0], host: string): string {
  return `${ref(o)} names the wildcard host "${host}"; name the exact hosts it is for.`;
}
