/**
 * istio-external-owner: No graylane VirtualService for a host that Flagger or Argo Rollouts manages.
 *
 * Severity: mandatory in every environment.
 * Rationale: Two controllers writing routes for one host undo each other; the canary controller's analysis then measures the wrong traffic.
 * Kind: stack policy (looks across objects). The predicate is istioExternalOwner in compiler/rules/checks/istio-external-owner.ts, shared with `graylane check`.
 */
import { istioExternalOwner } from '../../compiler/rules/checks/istio-external-owner';
import { toPolicy } from '../adapter';

export default toPolicy(istioExternalOwner);
