/**
 * istio-destination-resolves: Every VirtualService destination resolves: its subset is defined and its host exists.
 *
 * Severity: mandatory in every environment.
 * Rationale: A route to an undefined subset or unknown host fails with 503 (NC) for every request it takes.
 * Kind: stack policy (looks across objects). The predicate is istioDestinationResolves in compiler/rules/checks/istio-destination-resolves.ts, shared with `graylane check`.
 */
import { istioDestinationResolves } from '../../compiler/rules/checks/istio-destination-resolves';
import { toPolicy } from '../adapter';

export default toPolicy(istioDestinationResolves);
