/**
 * istio-semantic-rules: Objects pass Istio's own semantic validation (durations, retryOn, regexes, headers, redirect codes).
 *
 * Severity: mandatory in every environment.
 * Rationale: Objects the CRD schema accepts but Istio's validation rejects are refused by the webhook or ignored by istiod.
 * Kind: resource policy. The predicate is istioSemanticRules in compiler/rules/checks/istio-semantic-rules.ts, shared with `graylane check`.
 */
import { istioSemanticRules } from '../../compiler/rules/checks/istio-semantic-rules';
import { toPolicy } from '../adapter';

export default toPolicy(istioSemanticRules);
