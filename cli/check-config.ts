/**
 * `graylane check --config FILE`: rule settings, validated against a schema built from the rules
 * themselves — rule names, enforcement levels (exactly "mandatory", "advisory", "disabled") and each rule's
 * parameters. A typo never silently becomes a default ("Mandatory" used to count as no level at all).
 * The file is JSON (or YAML), read through the spec parser: duplicate and reserved keys are refused too.
 */
import { z } from 'zod';
import { formatDiagnostic, formatPath, type Diagnostic } from '../compiler';
import { parseSpecText } from '../compiler/parse';
import { RULES } from '../compiler/rules/registry';
import type { PolicyConfig } from '../compiler/rules/environments';
import { suggestion } from '../compiler/suggest';
import { InputDiagnostics } from './inputs';

const LEVELS = ['mandatory', 'advisory', 'disabled'] as const;

function configSchema(): z.ZodType<PolicyConfig> {
  const rules: Record<string, z.ZodType> = {};
  for (const rule of RULES) {
    const parameters: Record<string, z.ZodType> = { enforcementLevel: z.enum(LEVELS).optional() };
    for (const [name, schema] of Object.entries(rule.parameters ?? {})) parameters[name] = z.fromJSONSchema(schema as never).optional();
    rules[rule.name] = z.strictObject(parameters);
  }
  return z.strictObject(rules).partial() as unknown as z.ZodType<PolicyConfig>;
}

export function parseCheckConfig(text: string, file: string): PolicyConfig {
  const parsed = parseSpecText(text, file);
  if (parsed.diagnostics.length > 0) throw new InputDiagnostics(parsed.diagnostics.map(formatDiagnostic));
  const result = configSchema().safeParse(parsed.data ?? null, { reportInput: true });
  if (result.success) return result.data;
  const ruleNames = RULES.map((r) => r.name);
  const diagnostics: Diagnostic[] = result.error.issues.flatMap((issue): Diagnostic[] => {
    const path = issue.path.map((p) => (typeof p === 'number' ? p : String(p)));
    const keys = issue.code === 'unrecognized_keys' ? issue.keys : [undefined];
    return keys.map((key) => {
      const at = key !== undefined ? [...path, key] : path;
      const position = parsed.locator.locate(at, key !== undefined) ?? { line: 1, column: 1 };
      const where = formatPath(at) || 'The settings';
      const message =
        key !== undefined
          ? path.length === 0
            ? `Unknown rule "${key}"; no rule of graylane check has this name.`
            : `Unknown setting "${key}" of rule "${String(path[0])}".`
          : issue.code === 'invalid_value'
            ? `${where} is ${JSON.stringify((issue as { input?: unknown }).input)}; allowed: ${LEVELS.map((l) => `"${l}"`).join(', ')} (lowercase).`
            : `${where}: ${issue.message.replace(/^Invalid input: /, '')}.`;
      const hint =
        key !== undefined && path.length === 0
          ? suggestion(key, ruleNames)
          : key !== undefined
            ? suggestion(key, ['enforcementLevel', ...Object.keys(RULES.find((r) => r.name === path[0])?.parameters ?? {})])
            : issue.code === 'invalid_value'
              ? suggestion(String((issue as { input?: unknown }).input), LEVELS)
              : path.length === 0
              ? 'write an object: { "<rule>": { "enforcementLevel": "mandatory", … } }'
              : 'see `graylane check --help` and the rule table in the README';
      return { code: 'GL109', severity: 'error', path: [], message, hint, file, position };
    });
  });
  throw new InputDiagnostics(diagnostics.map(formatDiagnostic));
}
