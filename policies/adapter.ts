/**
 * A graylane rule (a pure predicate in compiler/rules) as a CrossGuard policy: object rules become resource
 * policies matched on the CustomResource type strings (`kubernetes:networking.istio.io/v1:VirtualService`, any
 * version), cross-object rules become stack policies. The environment comes from the policy config
 * (`environment`), else the stack tag `graylane:environment`, else GRAYLANE_ENV, else dev.
 */
import type { PolicyConfigSchema, PolicyResource, ReportViolation, ResourceValidationPolicy, StackValidationPolicy } from '@pulumi/policy';
import { ruleConfig } from '../compiler/rules/environments';
import type { K8sObject, Rule, RuleConfig } from '../compiler/rules/rule';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';

/** "kubernetes:networking.istio.io/v1:VirtualService" → "networking.istio.io:VirtualService". */
export function kindOfType(type: string): string | undefined {
  const m = /^kubernetes:([^/:]+)\/[^:]+:([A-Za-z]+)$/.exec(type);
  return m ? `${m[1]}:${m[2]}` : undefined;
}

interface PolicyArgsLike {
  getConfig<T extends object>(): T;
  stackTags: ReadonlyMap<string, string>;
}

type UserConfig = { environment?: string; enforcementLevel?: string; baseline?: string } & Record<string, unknown>;

/**
 * CrossGuard shows a policy the new resources only; the rules that compare with the previous release read it
 * from YAML named by the `baseline` setting (e.g. the target branch rendered by `graylane render`).
 */
function baselineObjects(args: PolicyArgsLike): K8sObject[] | undefined {
  const path = args.getConfig<UserConfig>().baseline;
  if (path === undefined) return undefined;
  const files = statSync(path).isDirectory() ? readdirSync(path, { recursive: true }).map(String).filter((f) => /\.ya?ml$/.test(f)).map((f) => join(path, f)) : [path];
  return files.flatMap((f) => parseAllDocuments(readFileSync(f, 'utf8')).map((d) => d.toJS() as K8sObject)).filter((o) => o && typeof o.kind === 'string');
}

function settings(rule: Rule, args: PolicyArgsLike): { environment: string; config: RuleConfig } {
  const user = args.getConfig<UserConfig>();
  const environment = user.environment ?? args.stackTags.get('graylane:environment') ?? process.env.GRAYLANE_ENV ?? 'dev';
  const { environment: _environment, enforcementLevel, baseline: _baseline, ...parameters } = user;
  // Pulumi enforces the level it is given (and skips a disabled policy, as this does); otherwise the
  // environment decides whether the rule applies at all.
  const level = enforcementLevel === 'disabled' ? { enforcementLevel: 'disabled' as const } : {};
  return { environment, config: { ...ruleConfig(rule.name, rule.defaultLevel, environment), ...parameters, ...level } };
}

function configSchema(rule: Rule): PolicyConfigSchema {
  return {
    properties: {
      environment: { type: 'string', description: 'Environment whose settings apply (dev, staging, prod).' },
      ...(rule.parameters ?? {}),
    } as PolicyConfigSchema['properties'],
  };
}

const base = (rule: Rule) => ({
  name: rule.name,
  description: `${rule.description} ${rule.rationale}`,
  // The pack's level; an environment may disable the rule, and the config may change the level.
  enforcementLevel: rule.defaultLevel === 'disabled' ? ('advisory' as const) : rule.defaultLevel,
  configSchema: configSchema(rule),
});

export function toPolicy(rule: Rule): ResourceValidationPolicy | StackValidationPolicy {
  if (rule.scope === 'object') {
    return {
      ...base(rule),
      validateResource: (args, reportViolation: ReportViolation) => {
        const kind = kindOfType(args.type);
        if (kind === undefined || !rule.kinds.includes(kind)) return;
        const { environment, config } = settings(rule, args);
        if (config.enforcementLevel === 'disabled') return;
        for (const message of rule.check(args.props as K8sObject, { environment, config })) reportViolation(message);
      },
    };
  }
  return {
    ...base(rule),
    validateStack: (args, reportViolation: ReportViolation) => {
      const { environment, config } = settings(rule, args);
      if (config.enforcementLevel === 'disabled') return;
      const resources = args.resources.filter((r: PolicyResource) => {
        const kind = kindOfType(r.type);
        return kind !== undefined && rule.kinds.includes(kind);
      });
      const objects = resources.map((r) => r.props as K8sObject);
      const baseline = baselineObjects(args);
      for (const v of rule.check(objects, { environment, config, ...(baseline ? { baseline } : {}) })) reportViolation(v.message, resources[objects.indexOf(v.object)]?.urn);
    },
  };
}
