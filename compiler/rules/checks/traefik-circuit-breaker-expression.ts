import { circuitBreakerExpressionProblem } from '../traefik-circuit-breaker';
import type { ObjectRule } from '../rule';
import { ref, traefikKinds } from '../rule';

/** A circuit-breaker Middleware's expression follows Traefik's grammar (Traefik otherwise drops the router). */
export const traefikCircuitBreakerExpression: ObjectRule = {
  name: 'traefik-circuit-breaker-expression',
  scope: 'object',
  description: 'Circuit-breaker expressions use known metrics, float ratios and integer latencies.',
  rationale: 'Traefik finds a bad expression only when it loads the middleware, and then every router using it is dropped (404).',
  defaultLevel: 'mandatory',
  kinds: traefikKinds('Middleware'),
  check(o) {
    const expression = ((o.spec ?? {}) as { circuitBreaker?: { expression?: string } }).circuitBreaker?.expression;
    if (expression === undefined) return [];
    const problem = circuitBreakerExpressionProblem(expression);
    return problem ? [`${ref(o)} has the circuit-breaker expression ${JSON.stringify(expression)}, which Traefik rejects: ${problem}.`] : [];
  },
};
