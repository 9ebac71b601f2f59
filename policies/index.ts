/**
 * The graylane CrossGuard policy pack: it only assembles the rules (one per file in rules/). Run it with
 * `pulumi preview --policy-pack policies --policy-pack-config policies/config/<env>.json`.
 */
import { PolicyPack } from '@pulumi/policy';
import istioDestinationResolvesPolicy from './rules/istio-destination-resolves';
import istioHostConflictPolicy from './rules/istio-host-conflict';
import istioWeightsValidPolicy from './rules/istio-weights-valid';
import istioNoWildcardHostsPolicy from './rules/istio-no-wildcard-hosts';
import istioLaneHeaderGuardedPolicy from './rules/istio-lane-header-guarded';
import istioBaggageMatchAnchoredPolicy from './rules/istio-baggage-match-anchored';
import istioSemanticRulesPolicy from './rules/istio-semantic-rules';
import istioExportToSetPolicy from './rules/istio-exportto-set';
import istioExportToCoversCallersPolicy from './rules/istio-exportto-covers-callers';
import istioEntryResiliencePolicy from './rules/istio-entry-resilience';
import istioMaxWeightChangePolicy from './rules/istio-max-weight-change';
import istioExternalOwnerPolicy from './rules/istio-external-owner';
import kubernetesObjectSizePolicy from './rules/kubernetes-object-size';
import kubernetesUniqueIdentitiesPolicy from './rules/kubernetes-unique-identities';
import graylaneLanesAllowedPolicy from './rules/graylane-lanes-allowed';
import traefikCircuitBreakerExpressionPolicy from './rules/traefik-circuit-breaker-expression';
import traefikLaneHeaderGuardedPolicy from './rules/traefik-lane-header-guarded';
import traefikEntryResiliencePolicy from './rules/traefik-entry-resilience';
import traefikMaxWeightChangePolicy from './rules/traefik-max-weight-change';
import traefikReferencesResolvePolicy from './rules/traefik-references-resolve';
import gatewayApiBackendResolvesPolicy from './rules/gateway-api-backend-resolves';
import gatewayApiRouteLimitsPolicy from './rules/gateway-api-route-limits';
import gatewayApiIstioHostConflictPolicy from './rules/gateway-api-istio-host-conflict';

new PolicyPack('graylane', {
  policies: [
    istioDestinationResolvesPolicy,
    istioHostConflictPolicy,
    istioWeightsValidPolicy,
    istioNoWildcardHostsPolicy,
    istioLaneHeaderGuardedPolicy,
    istioBaggageMatchAnchoredPolicy,
    istioSemanticRulesPolicy,
    istioExportToSetPolicy,
    istioExportToCoversCallersPolicy,
    istioEntryResiliencePolicy,
    istioMaxWeightChangePolicy,
    istioExternalOwnerPolicy,
    kubernetesObjectSizePolicy,
    kubernetesUniqueIdentitiesPolicy,
    graylaneLanesAllowedPolicy,
    traefikCircuitBreakerExpressionPolicy,
    traefikLaneHeaderGuardedPolicy,
    traefikEntryResiliencePolicy,
    traefikMaxWeightChangePolicy,
    traefikReferencesResolvePolicy,
    gatewayApiBackendResolvesPolicy,
    gatewayApiRouteLimitsPolicy,
    gatewayApiIstioHostConflictPolicy,
  ],
});
