/**
 * gateway-api-route-limits: HTTPRoutes stay within the CRD limits on parentRefs, hostnames, rules, matches, filters and backendRefs.
 *
 * Severity: mandatory in every environment.
 * Rationale: The API server refuses an HTTPRoute over a limit, so none of its routes is applied.
 * Kind: resource policy. The predicate is gatewayApiRouteLimits in compiler/rules/checks/gateway-api-route-limits.ts, shared with `graylane check`.
 */
import { gatewayApiRouteLimits } from '../../compiler/rules/checks/gateway-api-route-limits';
import { toPolicy } from '../adapter';

export default toPolicy(gatewayApiRouteLimits);
