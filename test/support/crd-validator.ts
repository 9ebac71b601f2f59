/**
 * Validates objects the way the Kubernetes API server validates custom resources: the CRD's structural
 * OpenAPI schema (with unknown fields rejected, as `kubectl apply --validate=strict` does) and the CEL
 * `x-kubernetes-validations` rules, evaluated with @marcbachmann/cel-js.
 */
import Ajv, { type ValidateFunction } from 'ajv';
import { readFileSync } from 'node:fs';
import { parseAllDocuments } from 'yaml';

type Schema = Record<string, unknown>;

interface CelRule {
  readonly rule: string;
  readonly message?: string;
}

export interface CrdValidator {
  /** Problems found, empty when the object is valid; throws for a kind/version the CRDs do not serve. */
  validate(object: unknown): string[];
}

// cel-js is an ES module; Node 20.19+ can require it from CommonJS.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const cel = require('@marcbachmann/cel-js') as { Environment: new () => CelEnvironment };
interface CelEnvironment {
  registerVariable(name: string, type: string): CelEnvironment;
  parse(expression: string): (context: Record<string, unknown>) => unknown;
}

export function loadCrdValidator(...files: string[]): CrdValidator {
  const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });
  const validators = new Map<string, { validate: ValidateFunction; schema: Schema }>();
  for (const file of files) {
    for (const doc of parseAllDocuments(readFileSync(file, 'utf8'))) {
      const crd = doc.toJS() as {
        kind?: string;
        spec?: { group: string; names: { kind: string }; versions: { name: string; served: boolean; schema?: { openAPIV3Schema: Schema } }[] };
      } | null;
      if (crd?.kind !== 'CustomResourceDefinition' || !crd.spec) continue;
      for (const version of crd.spec.versions) {
        if (!version.served || !version.schema) continue;
        const schema = version.schema.openAPIV3Schema;
        const key = `${crd.spec.group}/${version.name}|${crd.spec.names.kind}`;
        const root = structural(schema) as Schema;
        // The API server validates these itself; the CRD schemas leave them out.
        root.properties = { ...(root.properties as Schema), ...OBJECT_ROOT };
        validators.set(key, { validate: ajv.compile(root), schema });
      }
    }
  }
  const env = new cel.Environment().registerVariable('self', 'dyn');
  const programs = new Map<string, (context: Record<string, unknown>) => unknown>();
  const program = (rule: string) => {
    let p = programs.get(rule);
    if (!p) {
      p = env.parse(celJsCompatible(rule));
      programs.set(rule, p);
    }
    return p;
  };

  return {
    validate(object: unknown): string[] {
      const o = object as { apiVersion?: string; kind?: string };
      const entry = validators.get(`${o.apiVersion}|${o.kind}`);
      if (!entry) throw new Error(`no CRD serves ${o.apiVersion} ${o.kind}`);
      const problems: string[] = [];
      if (!entry.validate(object)) {
        for (const e of entry.validate.errors ?? []) {
          const extra = e.keyword === 'additionalProperties' ? ` (unknown field "${(e.params as { additionalProperty: string }).additionalProperty}")` : '';
          problems.push(`${e.instancePath || '/'}: ${e.message ?? e.keyword}${extra}`);
        }
      }
      celRules(entry.schema, object, '', (path, rule, self) => {
        let ok: unknown;
        try {
          ok = program(rule.rule)({ self });
        } catch (e) {
          problems.push(`${path || '/'}: CEL rule \`${rule.rule}\` failed to evaluate: ${(e as Error).message}`);
          return;
        }
        if (ok !== true) problems.push(`${path || '/'}: ${rule.message ?? `failed CEL rule ${rule.rule}`}`);
      });
      return problems;
    },
  };
}

/**
 * cel-js refuses `has()` on a field of an indexed element (`has(self.matches[0].path)`), which CEL allows and
 * Gateway API's HTTPRoute rules use; `'path' in self.matches[0]` is the same test on a JSON object.
 */
export function celJsCompatible(rule: string): string {
  return rule.replace(/has\(([A-Za-z_][\w.]*\[\d+\])\.([A-Za-z_]\w*)\)/g, "('$2' in $1)");
}

/**
 * Kubernetes' CEL property-name escaping (apiserver `cel.Escape`): a schema property called like a CEL keyword
 * is `__<keyword>__` in rules (Gateway API's `p1.__namespace__`), `__` is `__underscores__`, and `.`, `-`, `/` are
 * `__dot__`, `__dash__`, `__slash__`.
 */
const CEL_RESERVED = new Set(['true', 'false', 'null', 'in', 'as', 'break', 'const', 'continue', 'else', 'for', 'function', 'if', 'import', 'let', 'loop', 'package', 'namespace', 'return', 'var', 'void', 'while']);
export function celPropertyName(name: string): string {
  if (CEL_RESERVED.has(name)) return `__${name}__`;
  return name.replaceAll('__', '__underscores__').replaceAll('.', '__dot__').replaceAll('-', '__dash__').replaceAll('/', '__slash__');
}

const DNS_SUBDOMAIN = '^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$';
const OBJECT_ROOT: Schema = {
  apiVersion: { type: 'string' },
  kind: { type: 'string' },
  metadata: {
    type: 'object',
    required: ['name'],
    properties: {
      name: { type: 'string', maxLength: 253, pattern: DNS_SUBDOMAIN },
      namespace: { type: 'string', maxLength: 63, pattern: '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$' },
      labels: { type: 'object', additionalProperties: { type: 'string', maxLength: 63 } },
      annotations: { type: 'object', additionalProperties: { type: 'string' } },
    },
  },
};

/** The schema as ajv should read it: unknown fields rejected wherever the schema lists properties. */
function structural(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(structural);
  if (typeof schema !== 'object' || schema === null) return schema;
  const s = schema as Schema;
  const out: Schema = {};
  for (const [k, v] of Object.entries(s)) {
    if (k.startsWith('x-kubernetes-')) continue;
    out[k] = k === 'properties' ? Object.fromEntries(Object.entries(v as Schema).map(([p, ps]) => [p, structural(ps)])) : structural(v);
  }
  if (s['x-kubernetes-int-or-string'] === true) {
    delete out.type;
    out.anyOf = [{ type: 'integer' }, { type: 'string' }];
  }
  if (s.properties && s['x-kubernetes-preserve-unknown-fields'] !== true && s.additionalProperties === undefined) {
    out.additionalProperties = false;
  }
  if (s.nullable === true && typeof s.type === 'string') out.type = [s.type, 'null'];
  return out;
}

/** Walks the value along the schema and evaluates every CEL rule on the node that carries it. */
function celRules(
  schema: Schema,
  value: unknown,
  path: string,
  visit: (path: string, rule: CelRule, self: unknown) => void,
): void {
  if (value === undefined || value === null) return;
  for (const rule of (schema['x-kubernetes-validations'] as CelRule[] | undefined) ?? []) visit(path, rule, toCel(schema, value));
  const properties = schema.properties as Record<string, Schema> | undefined;
  if (properties && typeof value === 'object' && !Array.isArray(value)) {
    for (const [name, sub] of Object.entries(properties)) celRules(sub, (value as Record<string, unknown>)[name], `${path}/${name}`, visit);
  }
  const additional = schema.additionalProperties as Schema | undefined;
  if (additional && typeof additional === 'object' && typeof value === 'object' && !Array.isArray(value)) {
    for (const [name, v] of Object.entries(value as Record<string, unknown>)) celRules(additional, v, `${path}/${name}`, visit);
  }
  const items = schema.items as Schema | undefined;
  if (items && Array.isArray(value)) value.forEach((v, i) => celRules(items, v, `${path}/${i}`, visit));
  if (Array.isArray(value) && (schema['x-kubernetes-list-type'] === 'map' || schema['x-kubernetes-list-type'] === 'set')) {
    // list-type map: items unique by their keys; set: items unique. The API server answers "Duplicate value".
    const keys = schema['x-kubernetes-list-map-keys'] as string[] | undefined;
    const seen = new Set<string>();
    value.forEach((item, i) => {
      const identity = JSON.stringify(keys ? keys.map((k) => (item as Record<string, unknown>)?.[k]) : item);
      if (seen.has(identity)) visit(`${path}/${i}`, { rule: 'false', message: `Duplicate value: ${identity}` }, item);
      seen.add(identity);
    });
  }
}

/** CEL distinguishes int from double: numbers become what the schema says they are, as the API server decodes them. */
function toCel(schema: Schema | undefined, value: unknown): unknown {
  if (typeof value === 'number') return schema?.type === 'integer' ? BigInt(Math.trunc(value)) : value;
  if (Array.isArray(value)) return value.map((v) => toCel(schema?.items as Schema | undefined, v));
  if (typeof value === 'object' && value !== null) {
    const properties = schema?.properties as Record<string, Schema> | undefined;
    const additional = schema?.additionalProperties as Schema | undefined;
    // Properties are escaped as the API server escapes them; map keys (additionalProperties) are data, not names.
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [properties?.[k] ? celPropertyName(k) : k, toCel(properties?.[k] ?? (typeof additional === 'object' ? additional : undefined), v)]),
    );
  }
  return value;
}
