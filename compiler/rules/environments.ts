/**
 * Per-environment rule settings: what each environment enforces, and how strictly. A user's settings (from
 * `graylane check --config`, or the policy pack's config) override these, rule by rule.
 */
import type { RuleConfig } from './rule';

export type PolicyConfig = Readonly<Record<string, RuleConfig>>;

export const ENVIRONMENTS: Readonly<Record<string, PolicyConfig>> = {
  dev: {},
  staging: {
    'istio-exportto-set': { enforcementLevel: 'advisory' },
    'istio-entry-resilience': { enforcementLevel: 'advisory' },
    'traefik-entry-resilience': { enforcementLevel: 'advisory' },
    'istio-max-weight-change': { enforcementLevel: 'advisory', maxChange: 50 },
    'traefik-max-weight-change': { enforcementLevel: 'advisory', maxChange: 50 },
    'graylane-lanes-allowed': { enforcementLevel: 'mandatory', forbiddenLanes: ['^dev-'] },
  },
  prod: {
    'istio-exportto-set': { enforcementLevel: 'mandatory' },
    'istio-entry-resilience': { enforcementLevel: 'mandatory' },
    'traefik-entry-resilience': { enforcementLevel: 'mandatory' },
    'istio-max-weight-change': { enforcementLevel: 'mandatory', maxChange: 25 },
    'traefik-max-weight-change': { enforcementLevel: 'mandatory', maxChange: 25 },
    'graylane-lanes-allowed': { enforcementLevel: 'mandatory', forbiddenLanes: ['^dev-', '^mock'], forbidEndpointLanes: true },
  },
};

/** The settings of one rule in one environment: the rule's default, the environment's, then the user's. */
export function ruleConfig(name: string, defaultLevel: RuleConfig['enforcementLevel'], environment: string, overrides: PolicyConfig = {}): RuleConfig {
  return { enforcementLevel: defaultLevel, ...(ENVIRONMENTS[environment]?.[name] ?? {}), ...(overrides[name] ?? {}) };
}
