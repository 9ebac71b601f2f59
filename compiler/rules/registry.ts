/** Every rule, in the order reports list them. */
import { gatewayApiBackendResolves } from './checks/gateway-api-backend-resolves';
import { gatewayApiIstioHostConflict } from './checks/gateway-api-istio-host-conflict';
import { gatewayApiRouteLimits } from './checks/gateway-api-route-limits';
import { graylaneLanesAllowed } from './checks/graylane-lanes-allowed';
import { istioBaggageMatchAnchored } from './checks/istio-baggage-match-anchored';
import { istioDestinationResolves } from './checks/istio-destination-resolves';
import { istioEntryResilience } from './checks/istio-entry-resilience';
import { istioExportToSet } from './checks/istio-exportto-set';
import { istioExportToCoversCallers } from './checks/istio-exportto-covers-callers';
import { istioExternalOwner } from './checks/istio-external-owner';
import { istioHostConflict } from './checks/istio-host-conflict';
import { istioLaneHeaderGuarded } from './checks/istio-lane-header-guarded';
import { istioMaxWeightChange } from './checks/istio-max-weight-change';
import { istioNoWildcardHosts } from './checks/istio-no-wildcard-hosts';
import { istioSemanticRules } from './checks/istio-semantic-rules';
import { istioWeightsValid } from './checks/istio-weights-valid';
import { kubernetesObjectSize } from './checks/kubernetes-object-size';
import { kubernetesUniqueIdentities } from './checks/kubernetes-unique-identities';
import { traefikCircuitBreakerExpression } from './checks/traefik-circuit-breaker-expression';
import { traefikEntryResilience } from './checks/traefik-entry-resilience';
import { traefikLaneHeaderGuarded } from './checks/traefik-lane-header-guarded';
import { traefikMaxWeightChange } from './checks/traefik-max-weight-change';
import { traefikReferencesResolve } from './checks/traefik-references-resolve';
import type { Rule } from './rule';

export const RULES: readonly Rule[] = [
  istioDestinationResolves,
  istioHostConflict,
  istioWeightsValid,
  istioNoWildcardHosts,
  istioLaneHeaderGuarded,
  istioBaggageMatchAnchored,
  istioSemanticRules,
  istioExportToSet,
  istioExportToCoversCallers,
  istioEntryResilience,
  istioMaxWeightChange,
  istioExternalOwner,
  kubernetesObjectSize,
  kubernetesUniqueIdentities,
  graylaneLanesAllowed,
  traefikCircuitBreakerExpression,
  traefikLaneHeaderGuarded,
  traefikEntryResilience,
  traefikMaxWeightChange,
  traefikReferencesResolve,
  gatewayApiBackendResolves,
  gatewayApiRouteLimits,
  gatewayApiIstioHostConflict,
];

export function ruleNamed(name: string): Rule | undefined {
  return RULES.find((r) => r.name === name);
}
