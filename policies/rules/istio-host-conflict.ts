/**
 * istio-host-conflict: No two VirtualServices claim one host for the same gateway (or both for the mesh).
 *
 * Severity: mandatory in every environment.
 * Rationale: Istio keeps one of two VirtualServices for a host and gateway and silently ignores the other (IST0109).
 * Kind: stack policy (looks across objects). The predicate is istioHostConflict in compiler/rules/checks/istio-host-conflict.ts, shared with `graylane check`.
 */
import { istioHostConflict } from '../../compiler/rules/checks/istio-host-conflict';
import { toPolicy } from '../adapter';

export default toPolicy(istioHostConflict);
