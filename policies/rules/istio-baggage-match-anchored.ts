/**
 * istio-baggage-match-anchored: A baggage header match holds exactly when the list contains its member key=lane, whatever else the list holds.
 *
 * Severity: mandatory in every environment.
 * Rationale: A baggage match not anchored to member boundaries sends requests of other lanes, or of none, into a lane, and one that expects the member alone loses the lane as soon as an application adds baggage of its own.
 * Kind: resource policy. The predicate is istioBaggageMatchAnchored in compiler/rules/checks/istio-baggage-match-anchored.ts, shared with `graylane check`.
 */
import { istioBaggageMatchAnchored } from '../../compiler/rules/checks/istio-baggage-match-anchored';
import { toPolicy } from '../adapter';

export default toPolicy(istioBaggageMatchAnchored);
