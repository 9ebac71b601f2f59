/**
 * traefik-entry-resilience: Traefik entry routes have a rate limit and a circuit breaker.
 *
 * Severity: enforced per environment (see compiler/rules/environments.ts).
 * Rationale: An entry without them passes a traffic spike or a failing canary straight to every backend.
 * Kind: stack policy (looks across objects). The predicate is traefikEntryResilience in compiler/rules/checks/traefik-entry-resilience.ts, shared with `graylane check`.
 */
import { traefikEntryResilience } from '../../compiler/rules/checks/traefik-entry-resilience';
import { toPolicy } from '../adapter';

export default toPolicy(traefikEntryResilience);
