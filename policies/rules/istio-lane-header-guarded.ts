/**
 * istio-lane-header-guarded: Gateway routes remove or overwrite the lane header, and never match on it.
 *
 * Severity: mandatory in every environment.
 * Rationale: A lane header that passes the edge lets any client route itself into developer or mock lanes.
 * Kind: resource policy. The predicate is istioLaneHeaderGuarded in compiler/rules/checks/istio-lane-header-guarded.ts, shared with `graylane check`.
 */
import { istioLaneHeaderGuarded } from '../../compiler/rules/checks/istio-lane-header-guarded';
import { toPolicy } from '../adapter';

export default toPolicy(istioLaneHeaderGuarded);
