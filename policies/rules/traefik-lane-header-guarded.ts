/**
 * traefik-lane-header-guarded: Traefik routes strip or set the lane header and never match on it.
 *
 * Severity: mandatory in every environment.
 * Rationale: A lane header that passes the edge lets any client route itself into developer or mock lanes.
 * Kind: stack policy (looks across objects). The predicate is traefikLaneHeaderGuarded in compiler/rules/checks/traefik-lane-header-guarded.ts, shared with `graylane check`.
 */
import { traefikLaneHeaderGuarded } from '../../compiler/rules/checks/traefik-lane-header-guarded';
import { toPolicy } from '../adapter';

export default toPolicy(traefikLaneHeaderGuarded);
