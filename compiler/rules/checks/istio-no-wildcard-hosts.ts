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
    const hosts = [...(spec.hosts ?? []), ...(spec.host !== undefined ? [spec.host] : [])];
    return hosts.filter((h) => h.includes('*')).map((h) => `${ref(o)} names the wildcard host "${h}"; name the exact hosts it is for.`);
  },
};
