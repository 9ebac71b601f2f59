/**
 * istio-entry-resilience: Gateway entries have a circuit breaker (outlier detection) and a rate limit.
 *
 * Severity: enforced per environment (see compiler/rules/environments.ts).
 * Rationale: An entry without them passes a traffic spike or a failing canary straight to every backend.
 * Kind: stack policy (looks across objects). The predicate is istioEntryResilience in compiler/rules/checks/istio-entry-resilience.ts, shared with `graylane check`.
 */
import { istioEntryResilience } from '../../compiler/rules/checks/istio-entry-resilience';
import { toPolicy } from '../adapter';

export default toPolicy(istioEntryResilience);
