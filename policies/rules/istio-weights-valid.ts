/**
 * istio-weights-valid: Route weights are whole numbers that sum to 100.
 *
 * Severity: mandatory in every environment.
 * Rationale: Weights that do not sum to 100 give shares nobody intended; Istio rejects or rescales them.
 * Kind: resource policy. The predicate is istioWeightsValid in compiler/rules/checks/istio-weights-valid.ts, shared with `graylane check`.
 */
import { istioWeightsValid } from '../../compiler/rules/checks/istio-weights-valid';
import { toPolicy } from '../adapter';

export default toPolicy(istioWeightsValid);
