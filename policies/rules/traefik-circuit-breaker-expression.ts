/**
 * traefik-circuit-breaker-expression: Circuit-breaker expressions use known metrics, float ratios and integer latencies.
 *
 * Severity: mandatory in every environment.
 * Rationale: Traefik finds a bad expression only when it loads the middleware, and then every router using it is dropped (404).
 * Kind: resource policy. The predicate is traefikCircuitBreakerExpression in compiler/rules/checks/traefik-circuit-breaker-expression.ts, shared with `graylane check`.
 */
import { traefikCircuitBreakerExpression } from '../../compiler/rules/checks/traefik-circuit-breaker-expression';
import { toPolicy } from '../adapter';

export default toPolicy(traefikCircuitBreakerExpression);
