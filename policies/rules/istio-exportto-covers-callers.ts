/**
 * istio-exportto-covers-callers: exportTo of VirtualServices and DestinationRules covers the namespaces that call
 * through them (the gateway's, the lanes' own).
 *
 * Severity: mandatory in every environment.
 * Rationale: A proxy sees only the objects exported to its namespace: a gateway that does not see its VirtualService
 * answers 404, and lane workloads that do not see the routes call any pod of the next service.
 * Kind: stack policy (looks across objects). The predicate is istioExportToCoversCallers in compiler/rules/checks/istio-exportto-covers-callers.ts, shared with `graylane check`.
 */
import { istioExportToCoversCallers } from '../../compiler/rules/checks/istio-exportto-covers-callers';
import { toPolicy } from '../adapter';

export default toPolicy(istioExportToCoversCallers);
