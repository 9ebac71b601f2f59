/**
 * Validates objects the way the Kubernetes API server validates custom resources: the CRD's structural
 * OpenAPI schema, with unknown fields rejected (kubectl's default `--validate=strict`), and the CEL
 * `x-kubernetes-validations` rules, evaluated with @marcbachmann/cel-js. The schema keywords follow
 * https://kubernetes.io/docs/tasks/extend-kubernetes/custom-resources/custom-resource-definitions/#validation
 * (nullable, x-kubernetes-int-or-string, x-kubernetes-preserve-unknown-fields, list types, CEL escaping).
 *
 * One implementation for the tests (every emitted object against the upstream CRDs) and for `check`, `diff`
 * and `explain` (hand-written objects, refused with GL112 before any rule or simulator reads them).
 */
import type { default as AjvClass, ErrorObject, ValidateFunction } from 'ajv';
import type { SpecPath } from '../diagnostics';
import { closest } from '../suggest';

type Schema = Record<string, unknown>;

/** One served version's schema of one kind (versions with the same schema share an entry). */
export interface CrdVersionSchema {
  readonly group: string;
  readonly kind: string;
  readonly versions: readonly string[];
  /** The upstream release the schema comes from, named in messages. */
  readonly release: string;
  readonly schema: unknown;
}

/** The content of schema/crd-schemas.json (written by scripts/crd-schemas.ts). */
export interface CrdSchemaFile {
  readonly generatedBy: string;
  readonly kinds: readonly CrdVersionSchema[];
}

export interface SchemaProblem {
  /** Where in the object, e.g. ['spec', 'http', 0, 'match']. */
  readonly path: SpecPath;
  readonly message: string;
  /** The problem is the key at `path` (an unknown field), not its value. */
  readonly atKey?: boolean;
}

/** What the API server makes of an object it is sent (apiextensions-apiserver's decoding of a custom resource). */
export interface Admission {
  /** Why the API server would refuse the object; empty when it accepts it. */
  readonly problems: SchemaProblem[];
  /**
   * The object as it is stored, before defaulting: without the nulls the API server drops (a null where the
   * schema neither allows null nor has a default). The input object itself when nothing was dropped.
   */
  readonly stored: unknown;
  /** Where nulls were dropped. */
  readonly droppedNulls: SpecPath[];
}

export interface CrdValidator {
  /** What the API server does with the object, or undefined when no CRD here defines its group and kind. */
  admit(object: unknown): Admission | undefined;
  /**
   * The object's problems (empty when the API server would accept it), or undefined when no CRD here defines
   * its group and kind. A version of a known kind that no CRD serves is a problem, as the API server says.
   */
  problems(object: unknown): SchemaProblem[] | undefined;
  /** The CRD schema that serves the object's apiVersion and kind, if any. */
  schemaOf(object: unknown): CrdVersionSchema | undefined;
  /** The problems as `/json/pointer: message` lines; throws for a kind no CRD here defines. */
  validate(object: unknown): string[];
}

interface CelRule {
  readonly rule: string;
  readonly message?: string;
}

/**
 * ajv and cel-js are loaded by the first validator made, not with the compiler: only commands that read
 * hand-written objects need them, and render's start-up stays as it was. cel-js is an ES module; Node 20.19+
 * (package.json engines) can require it from CommonJS.
 */
function libraries(): { Ajv: typeof AjvClass; Environment: new () => CelEnvironment } {
  /* eslint-disable @typescript-eslint/no-require-imports */
  const ajv = require('ajv') as { default: typeof AjvClass };
  const cel = require('@marcbachmann/cel-js') as { Environment: new () => CelEnvironment };
  /* eslint-enable @typescript-eslint/no-require-imports */
  return { Ajv: ajv.default, Environment: cel.Environment };
}
interface CelEnvironment {
  registerVariable(name: string, type: string): CelEnvironment;
  parse(expression: string): (context: Record<string, unknown>) => unknown;
}

interface Compiled {
  readonly entry: CrdVersionSchema;
  readonly validate: ValidateFunction;
}

export function crdValidator(schemas: readonly CrdVersionSchema[]): CrdValidator {
  const { Ajv, Environment } = libraries();
  // optimize: false — ajv's code optimisation passes cost more when compiling Istio's large schemas (~200 of
  // 400 ms, measured) than they save validating a directory of thousands of objects.
  const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false, verbose: true, code: { optimize: false } });
  const byKey = new Map<string, CrdVersionSchema>();
  const versionsOf = new Map<string, string[]>();
  for (const entry of schemas) {
    for (const version of entry.versions) byKey.set(`${entry.group}/${version}|${entry.kind}`, entry);
    const kindKey = `${entry.group}|${entry.kind}`;
    versionsOf.set(kindKey, [...(versionsOf.get(kindKey) ?? []), ...entry.versions]);
  }
  // Compiled on first use: a command reads a few kinds, and compiling a large schema costs milliseconds.
  const compiled = new Map<CrdVersionSchema, Compiled>();
  const compiledFor = (entry: CrdVersionSchema): Compiled => {
    let c = compiled.get(entry);
    if (!c) {
      const root = structural(entry.schema) as Schema;
      // The API server validates these itself; the CRD schemas leave them out.
      root.properties = { ...(root.properties as Schema), ...OBJECT_ROOT };
      c = { entry, validate: ajv.compile(root) };
      compiled.set(entry, c);
    }
    return c;
  };
  let env: CelEnvironment | undefined;
  const programs = new Map<string, (context: Record<string, unknown>) => unknown>();
  const program = (rule: string) => {
    let p = programs.get(rule);
    if (!p) {
      env ??= new Environment().registerVariable('self', 'dyn');
      p = env.parse(celJsCompatible(rule));
      programs.set(rule, p);
    }
    return p;
  };

  const admit = (object: unknown): Admission | undefined => {
    if (typeof object !== 'object' || object === null || Array.isArray(object)) return undefined;
    const { apiVersion, kind } = object as { apiVersion?: unknown; kind?: unknown };
    if (typeof apiVersion !== 'string' || typeof kind !== 'string') return undefined;
    const slash = apiVersion.indexOf('/');
    const group = slash < 0 ? '' : apiVersion.slice(0, slash);
    const entry = byKey.get(`${apiVersion}|${kind}`);
    if (!entry) {
      const served = versionsOf.get(`${group}|${kind}`);
      if (!served) return undefined;
      const problem = { path: ['apiVersion'], message: `${group}/${apiVersion.slice(slash + 1)} is not a version the CRD of ${kind} serves; it serves ${served.map((v) => `${group}/${v}`).join(', ')}` };
      return { problems: [problem], stored: object, droppedNulls: [] };
    }
    const { validate } = compiledFor(entry);
    // The API server's order: nulls it cannot keep are dropped, defaults filled in, then the result validated.
    const droppedNulls: SpecPath[] = [];
    const stored = withoutNulls(object, entry.schema as Schema, [], droppedNulls);
    const defaulted = withDefaults(stored, entry.schema as Schema);
    const out: SchemaProblem[] = [];
    if (!validate(defaulted)) out.push(...readable(validate.errors ?? [], defaulted));
    celRules(entry.schema as Schema, defaulted, [], (path, rule, self) => {
      let ok: unknown;
      try {
        ok = program(rule.rule)({ self });
      } catch (e) {
        out.push({ path, message: `CEL rule \`${rule.rule}\` cannot be evaluated on this value: ${(e as Error).message}` });
        return;
      }
      if (ok !== true) out.push({ path, message: rule.message ?? `fails the CEL rule \`${rule.rule}\`` });
    });
    return { problems: out, stored, droppedNulls };
  };

  return {
    admit,
    problems: (object) => admit(object)?.problems,
    schemaOf(object) {
      const { apiVersion, kind } = (typeof object === 'object' && object !== null ? object : {}) as { apiVersion?: unknown; kind?: unknown };
      return byKey.get(`${String(apiVersion)}|${String(kind)}`);
    },
    validate(object) {
      const found = admit(object)?.problems;
      if (found === undefined) {
        const o = object as { apiVersion?: string; kind?: string };
        throw new Error(`no CRD serves ${o.apiVersion} ${o.kind}`);
      }
      return found.map((p) => `${pointer(p.path)}: ${p.message}`);
    },
  };
}

/**
 * The value without the nulls apiextensions-apiserver drops before defaulting (defaulting/prunenulls.go: in a
 * mapping, a null whose schema is not nullable and has no default is deleted; list items are kept). A copy only
 * along the paths that change: the same value when nothing is dropped.
 */
function withoutNulls(value: unknown, schema: Schema | undefined, path: (string | number)[], dropped: SpecPath[]): unknown {
  if (typeof value !== 'object' || value === null) return value;
  // `path` is one stack for the whole walk, copied only for a dropped null.
  if (Array.isArray(value)) {
    const items = schema?.items as Schema | undefined;
    let copy: unknown[] | undefined;
    for (let i = 0; i < value.length; i++) {
      const v: unknown = value[i];
      if (typeof v !== 'object' || v === null) continue;
      path.push(i);
      const w = withoutNulls(v, items, path, dropped);
      path.pop();
      if (w !== v) (copy ??= [...value])[i] = w;
    }
    return copy ?? value;
  }
  let copy: Record<string, unknown> | undefined;
  for (const key of Object.keys(value)) {
    const v = (value as Record<string, unknown>)[key];
    if (typeof v !== 'object') continue;
    const sub = fieldSchema(schema, key);
    if (v === null) {
      if (sub !== undefined && sub.nullable !== true && sub.default === undefined) {
        copy ??= { ...value };
        delete copy[key];
        dropped.push([...path, key]);
      }
      continue;
    }
    path.push(key);
    const w = withoutNulls(v, sub, path, dropped);
    path.pop();
    if (w !== v) (copy ??= { ...value })[key] = w;
  }
  return copy ?? value;
}

/** The schema of a mapping's field: its property, else the schema of its other keys. */
function fieldSchema(schema: Schema | undefined, key: string): Schema | undefined {
  const properties = schema?.properties as Record<string, Schema> | undefined;
  if (properties && Object.hasOwn(properties, key)) return properties[key];
  const additional = schema?.additionalProperties;
  return typeof additional === 'object' && additional !== null ? (additional as Schema) : undefined;
}

/**
 * The value with the schema's defaults filled in, as apiextensions-apiserver fills them (defaulting/algorithm.go):
 * a field that is missing, or null where null is not allowed, gets a copy of its default, and then every field
 * is defaulted in turn by its own schema. Copies only what changes (most objects have no default to fill), and
 * skips subtrees whose schema has no default anywhere.
 */
function withDefaults(value: unknown, schema: Schema | undefined): unknown {
  if (schema === undefined || !hasBelow(schema, 'default') || typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) {
    const items = schema.items as Schema | undefined;
    let copy: unknown[] | undefined;
    value.forEach((v, i) => {
      const w = withDefaults(v, items);
      if (w !== v) (copy ??= [...value])[i] = w;
    });
    return copy ?? value;
  }
  const o = value as Record<string, unknown>;
  let copy: Record<string, unknown> | undefined;
  const properties = (schema.properties as Record<string, Schema> | undefined) ?? {};
  for (const [key, property] of Object.entries(properties)) {
    if (property.default === undefined) continue;
    if (!Object.hasOwn(o, key) || (o[key] === null && property.nullable !== true)) (copy ??= { ...o })[key] = structuredClone(property.default);
  }
  const current = copy ?? o;
  for (const [key, v] of Object.entries(current)) {
    const w = withDefaults(v, fieldSchema(schema, key));
    if (w !== v) (copy ??= { ...o })[key] = w;
  }
  return copy ?? value;
}

/**
 * Whether the schema or any schema below it has the keyword (`default`, CEL rules, list types): walks that find
 * none below a node skip the node's value. Cached per schema node.
 */
const below = new Map<string, WeakMap<Schema, boolean>>();
function hasBelow(schema: Schema, keyword: string): boolean {
  let cache = below.get(keyword);
  if (!cache) below.set(keyword, (cache = new WeakMap()));
  let known = cache.get(schema);
  if (known === undefined) {
    cache.set(schema, false);
    const children = [...Object.values((schema.properties as Record<string, Schema> | undefined) ?? {}), schema.items, schema.additionalProperties].filter((c): c is Schema => typeof c === 'object' && c !== null);
    known = schema[keyword] !== undefined || children.some((c) => hasBelow(c, keyword));
    cache.set(schema, known);
  }
  return known;
}

/** The JSON pointer of a path (`/spec/http/0`), `/` for the object itself. */
export function pointer(path: SpecPath): string {
  return path.length === 0 ? '/' : path.map((p) => `/${String(p).replaceAll('~', '~0').replaceAll('/', '~1')}`).join('');
}

/**
 * ajv's errors as problems people can act on. Inside a `oneOf`/`anyOf` that failed, each branch's own errors
 * are noise (which of the alternatives was meant is unknown): only the failed alternative is reported, and for
 * Istio's "at most one of" pattern (branches that each require one field) it names the fields.
 */
function readable(errors: readonly ErrorObject[], object: unknown): SchemaProblem[] {
  const alternatives = errors.filter((e) => e.keyword === 'oneOf' || e.keyword === 'anyOf').map((e) => `${e.schemaPath}/`);
  const out: SchemaProblem[] = [];
  const seen = new Set<string>();
  for (const e of errors) {
    if (alternatives.some((a) => e.schemaPath.startsWith(a))) continue;
    const path = fromPointer(e.instancePath);
    let problem: SchemaProblem;
    switch (e.keyword) {
      case 'additionalProperties': {
        const field = (e.params as { additionalProperty: string }).additionalProperty;
        const known = Object.keys(((e.parentSchema as Schema | undefined)?.properties as Schema | undefined) ?? {});
        problem = { path: [...path, field], atKey: true, message: `unknown field "${field}"${known.length > 0 ? `; ${fieldSuggestion(field, known)}` : ''}` };
        break;
      }
      case 'required':
        problem = { path, message: `misses the required field "${(e.params as { missingProperty: string }).missingProperty}"` };
        break;
      case 'type':
        problem = { path, message: `is ${describe(valueAt(object, path))}; it must be ${articled(String((e.params as { type: string | string[] }).type).split(',').join(' or '))}` };
        break;
      case 'enum':
        problem = { path, message: `is ${describe(valueAt(object, path))}; it must be one of ${((e.params as { allowedValues: unknown[] }).allowedValues).map((v) => JSON.stringify(v)).join(', ')}` };
        break;
      case 'oneOf': {
        const fields = exclusiveFields(e.schema);
        const set = fields.filter((f) => Object.hasOwn((valueAt(object, path) as object) ?? {}, f));
        problem = fields.length > 0 && set.length > 1 ? { path, message: `sets ${set.map((f) => `"${f}"`).join(' and ')}; at most one of ${fields.map((f) => `"${f}"`).join(', ')} may be set` } : { path, message: `matches none or several of the alternatives its schema allows (${e.message ?? 'oneOf'})` };
        break;
      }
      default:
        problem = { path, message: `${e.message ?? e.keyword} (${describe(valueAt(object, path))})` };
    }
    const key = `${pointer(problem.path)}|${problem.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(problem);
  }
  return out;
}

/** The fields of `oneOf: [{not: {anyOf: [{required: [a]}, …]}}, {required: [a]}, …]`, Istio's "at most one of". */
function exclusiveFields(branches: unknown): string[] {
  if (!Array.isArray(branches)) return [];
  const fields: string[] = [];
  for (const b of branches as Schema[]) {
    if (b.not !== undefined) continue;
    const required = b.required as unknown;
    if (!Array.isArray(required) || required.length !== 1 || Object.keys(b).length !== 1) return [];
    fields.push(String(required[0]));
  }
  return fields;
}

function fieldSuggestion(field: string, known: readonly string[]): string {
  const sorted = [...known].sort();
  const near = closest(field, sorted);
  return near !== undefined ? `did you mean "${near}"?` : `the fields here are ${sorted.map((k) => `"${k}"`).join(', ')}`;
}

/** JSON Schema's type names as YAML writers say them. */
const TYPE_WORDS: Readonly<Record<string, string>> = { object: 'a mapping', array: 'a list', integer: 'an integer', string: 'a string', number: 'a number', boolean: 'a boolean', null: 'null' };
function articled(types: string): string {
  return types
    .split(' or ')
    .map((t) => TYPE_WORDS[t] ?? t)
    .join(' or ');
}

/** A value as a message shows it: its type, and short scalars themselves. */
function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  const text = JSON.stringify(value);
  return `${typeof value === 'string' ? 'the string' : `the ${typeof value}`} ${text.length > 60 ? `${text.slice(0, 57)}…` : text}`;
}

function valueAt(object: unknown, path: SpecPath): unknown {
  let v = object;
  for (const part of path) {
    if (typeof v !== 'object' || v === null) return undefined;
    if (!Object.hasOwn(v, part)) return undefined;
    v = (v as Record<string | number, unknown>)[part];
  }
  return v;
}

function fromPointer(instancePath: string): SpecPath {
  if (instancePath === '') return [];
  return instancePath
    .slice(1)
    .split('/')
    .map((p) => p.replaceAll('~1', '/').replaceAll('~0', '~'))
    .map((p) => (/^(?:0|[1-9]\d*)$/.test(p) ? Number(p) : p));
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
  if (s['x-kubernetes-int-or-string'] === true) out.type = ['integer', 'string'];
  if (s.properties && s['x-kubernetes-preserve-unknown-fields'] !== true && s.additionalProperties === undefined) {
    out.additionalProperties = false;
  }
  if (s.nullable === true && typeof out.type === 'string') out.type = [out.type, 'null'];
  return out;
}

/** Walks the value along the schema and evaluates every CEL rule on the node that carries it. */
function celRules(schema: Schema, value: unknown, path: SpecPath, visit: (path: SpecPath, rule: CelRule, self: unknown) => void): void {
  if (value === undefined || value === null) return;
  if (!hasBelow(schema, 'x-kubernetes-validations') && !hasBelow(schema, 'x-kubernetes-list-type')) return;
  for (const rule of (schema['x-kubernetes-validations'] as CelRule[] | undefined) ?? []) visit(path, rule, toCel(schema, value));
  const properties = schema.properties as Record<string, Schema> | undefined;
  const isMapping = typeof value === 'object' && !Array.isArray(value);
  if (properties && isMapping) {
    for (const [name, sub] of Object.entries(properties)) if (Object.hasOwn(value, name)) celRules(sub, (value as Record<string, unknown>)[name], [...path, name], visit);
  }
  const additional = schema.additionalProperties as Schema | undefined;
  if (additional && typeof additional === 'object' && isMapping) {
    for (const [name, v] of Object.entries(value as Record<string, unknown>)) celRules(additional, v, [...path, name], visit);
  }
  const items = schema.items as Schema | undefined;
  if (items && Array.isArray(value)) value.forEach((v, i) => celRules(items, v, [...path, i], visit));
  if (Array.isArray(value) && (schema['x-kubernetes-list-type'] === 'map' || schema['x-kubernetes-list-type'] === 'set')) {
    // list-type map: items unique by their keys; set: items unique. The API server answers "Duplicate value".
    const keys = schema['x-kubernetes-list-map-keys'] as string[] | undefined;
    const seen = new Set<string>();
    value.forEach((item, i) => {
      const identity = JSON.stringify(keys ? keys.map((k) => (item as Record<string, unknown>)?.[k]) : item);
      if (seen.has(identity)) visit([...path, i], { rule: 'false', message: `Duplicate value: ${identity}` }, item);
      seen.add(identity);
    });
  }
}

/** CEL distinguishes int from double: numbers become what the schema says they are, as the API server decodes them. */
function toCel(schema: Schema | undefined, value: unknown): unknown {
  // A non-integer where the schema wants one is already a schema problem; it stays a number for CEL.
  if (typeof value === 'number') return schema?.type === 'integer' && Number.isSafeInteger(value) ? BigInt(value) : value;
  if (Array.isArray(value)) return value.map((v) => toCel(schema?.items as Schema | undefined, v));
  if (typeof value === 'object' && value !== null) {
    const properties = schema?.properties as Record<string, Schema> | undefined;
    const additional = schema?.additionalProperties as Schema | undefined;
    // Properties are escaped as the API server escapes them; map keys (additionalProperties) are data, not names.
    // Unknown fields are pruned before CEL runs (and refused by the schema check): CEL sees only known ones.
    const keepsUnknown = properties === undefined || additional !== undefined || schema?.['x-kubernetes-preserve-unknown-fields'] === true;
    const out: [string, unknown][] = [];
    for (const [k, v] of Object.entries(value)) {
      // Own properties only: a field named `constructor` must not find Object.prototype's.
      const property = properties !== undefined && Object.hasOwn(properties, k) ? properties[k] : undefined;
      if (property === undefined && !keepsUnknown) continue;
      out.push([property ? celPropertyName(k) : k, toCel(property ?? (typeof additional === 'object' ? additional : undefined), v)]);
    }
    return Object.fromEntries(out);
  }
  return value;
}
