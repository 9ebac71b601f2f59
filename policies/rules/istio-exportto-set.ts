/**
 * istio-exportto-set: VirtualServices, DestinationRules and ServiceEntries set exportTo.
 *
 * Severity: enforced per environment (see compiler/rules/environments.ts).
 * Rationale: Without exportTo an object applies in every namespace of the mesh, where it can shadow other teams' routes.
 * Kind: resource policy. The predicate is istioExportToSet in compiler/rules/checks/istio-exportto-set.ts, shared with `graylane check`.
 */
import { istioExportToSet } from '../../compiler/rules/checks/istio-exportto-set';
import { toPolicy } from '../adapter';

export default toPolicy(istioExportToSet);
