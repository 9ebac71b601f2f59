/**
 * gateway-api-istio-host-conflict: No Service is routed inside the mesh by both a VirtualService and an HTTPRoute.
 *
 * Severity: mandatory in every environment.
 * Rationale: Istio keeps either the VirtualService or the HTTPRoute for the host, undefined which: half the routing silently disappears.
 * Kind: stack policy (looks across objects). The predicate is gatewayApiIstioHostConflict in compiler/rules/checks/gateway-api-istio-host-conflict.ts, shared with `graylane check`.
 */
import { gatewayApiIstioHostConflict } from '../../compiler/rules/checks/gateway-api-istio-host-conflict';
import { toPolicy } from '../adapter';

export default toPolicy(gatewayApiIstioHostConflict);
