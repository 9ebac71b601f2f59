/**
 * traefik-references-resolve: IngressRoute routes parse and reference Middlewares, TraefikServices and Services that exist in their namespace.
 *
 * Severity: mandatory in every environment.
 * Rationale: Traefik drops a route with a missing or cross-namespace reference and logs an error; its requests get 404.
 * Kind: stack policy (looks across objects). The predicate is traefikReferencesResolve in compiler/rules/checks/traefik-references-resolve.ts, shared with `graylane check`.
 */
import { traefikReferencesResolve } from '../../compiler/rules/checks/traefik-references-resolve';
import { toPolicy } from '../adapter';

export default toPolicy(traefikReferencesResolve);
