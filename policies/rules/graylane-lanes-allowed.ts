/**
 * graylane-lanes-allowed: No lanes the environment forbids (e.g. dev-* or endpoint lanes in prod).
 *
 * Severity: enforced per environment (see compiler/rules/environments.ts).
 * Rationale: A developer or mock lane in prod serves real users from unreviewed code or fake data.
 * Kind: resource policy. The predicate is graylaneLanesAllowed in compiler/rules/checks/graylane-lanes-allowed.ts, shared with `graylane check`.
 */
import { graylaneLanesAllowed } from '../../compiler/rules/checks/graylane-lanes-allowed';
import { toPolicy } from '../adapter';

export default toPolicy(graylaneLanesAllowed);
