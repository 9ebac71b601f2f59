/**
 * gateway-api-backend-resolves: Every HTTPRoute backendRef names an existing Service, with a port, and a ReferenceGrant when it is in another namespace.
 *
 * Severity: mandatory in every environment.
 * Rationale: An unresolved backendRef answers 500 for its whole share of requests (ResolvedRefs: False).
 * Kind: stack policy (looks across objects). The predicate is gatewayApiBackendResolves in compiler/rules/checks/gateway-api-backend-resolves.ts, shared with `graylane check`.
 */
import { gatewayApiBackendResolves } from '../../compiler/rules/checks/gateway-api-backend-resolves';
import { toPolicy } from '../adapter';

export default toPolicy(gatewayApiBackendResolves);
