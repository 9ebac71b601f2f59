/**
 * istio-no-wildcard-hosts: VirtualServices, DestinationRules and ServiceEntries name exact hosts, not wildcards.
 *
 * Severity: mandatory in every environment.
 * Rationale: A wildcard host captures traffic for every matching host, including other teams' services.
 * Kind: resource policy. The predicate is istioNoWildcardHosts in compiler/rules/checks/istio-no-wildcard-hosts.ts, shared with `graylane check`.
 */
import { istioNoWildcardHosts } from '../../compiler/rules/checks/istio-no-wildcard-hosts';
import { toPolicy } from '../adapter';

export default toPolicy(istioNoWildcardHosts);
