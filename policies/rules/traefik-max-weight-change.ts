/**
 * traefik-max-weight-change: No TraefikService share moves by more than maxChange points in one update.
 *
 * Severity: enforced per environment (see compiler/rules/environments.ts).
 * Rationale: Progressive delivery moves in steps; a jump from 5% to 100% skips every check the steps exist for.
 * Kind: stack policy (looks across objects). The predicate is traefikMaxWeightChange in compiler/rules/checks/traefik-max-weight-change.ts, shared with `graylane check`.
 */
import { traefikMaxWeightChange } from '../../compiler/rules/checks/traefik-max-weight-change';
import { toPolicy } from '../adapter';

export default toPolicy(traefikMaxWeightChange);
