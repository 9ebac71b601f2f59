/**
 * What a spec may be made of, whether it comes from YAML or from a caller's object: JSON values only, keys
 * that cannot reach an object's prototype, and nesting no spec needs more than a few levels of.
 * Checked before zod sees the data, because zod copies records by assignment: a `__proto__` key would set the
 * copy's prototype and vanish, turning a header match into a catch-all without a word.
 */
import type { Diagnostic, SpecPath } from './diagnostics';
import { formatPath } from './diagnostics';

/** Keys refused in every mapping: they name or reach an object's prototype, not data. */
export const RESERVED_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);
/** Deepest nesting accepted; the deepest place in a valid spec is about 8 levels down. */
export const MAX_DEPTH = 64;
/** Most values a document may expand to through its aliases (bounds "billion laughs"). */
export const MAX_EXPANDED_NODES = 100_000;
/** Most characters of text aliases may repeat (a long string behind many aliases is a bomb too). */
export const MAX_ALIAS_CHARS = 1024 * 1024;

type Located = Omit<Diagnostic, 'file' | 'position'>;

export function reservedKeyDiagnostic(key: string, path: SpecPath): Located | undefined {
  if (!RESERVED_KEYS.has(key)) return undefined;
  return {
    code: 'GL105',
    severity: 'error',
    message: `The key "${key}" is reserved: ${[...RESERVED_KEYS].map((k) => `"${k}"`).join(', ')} cannot be names or keys in a spec, because JavaScript objects would read them as their prototype.`,
    path,
    hint: 'rename the key',
  };
}

export function tooDeepDiagnostic(path: SpecPath): Located {
  return {
    code: 'GL106',
    severity: 'error',
    message: `${path.length > 0 ? formatPath(path) : 'The document'} is nested more than ${MAX_DEPTH} levels deep; no part of a release spec is.`,
    path,
    hint: 'remove the nesting; see schema/release.schema.json for the shape of a spec',
  };
}

/**
 * Problems of a caller's object (`compile(object)`): cycles, values JSON has no word for (BigInt, functions,
 * symbols), reserved keys, depth. Reading the object may run the caller's getters; their exceptions are the
 * caller's and propagate. Iterative, so a deep object cannot overflow the stack.
 */
export function plainDataDiagnostics(value: unknown): Located[] {
  const out: Located[] = [];
  type Frame = { value: unknown; path: SpecPath; depth: number; exit?: object };
  const onPath = new Set<object>();
  const stack: Frame[] = [{ value, path: [], depth: 0 }];
  while (stack.length > 0 && out.length < 100) {
    const frame = stack.pop()!;
    if (frame.exit) {
      onPath.delete(frame.exit);
      continue;
    }
    const { value: v, path, depth } = frame;
    const kind = typeof v;
    if (kind === 'bigint' || kind === 'function' || kind === 'symbol') {
      out.push({ code: 'GL107', severity: 'error', message: `${where(path)} is a ${kind === 'bigint' ? 'BigInt' : kind}; a spec holds only JSON values (strings, numbers, booleans, null, lists and mappings).`, path, hint: kind === 'bigint' ? 'use a number' : 'remove it' });
      continue;
    }
    if (v === null || kind !== 'object') continue;
    const object = v as object;
    if (onPath.has(object)) {
      out.push({ code: 'GL107', severity: 'error', message: `${where(path)} contains itself (a cycle); a spec is a tree of JSON values.`, path, hint: 'pass a copy without the cycle' });
      continue;
    }
    if (depth > MAX_DEPTH) {
      out.push(tooDeepDiagnostic(path));
      continue;
    }
    if (!Array.isArray(v) && !isPlainObject(object)) {
      out.push({ code: 'GL107', severity: 'error', message: `${where(path)} is not a plain object (it inherits from ${describePrototype(object)}); a spec is made of plain objects, lists and JSON values.`, path, hint: 'pass plain data, e.g. structuredClone() of it, and write keys as own properties' });
      continue;
    }
    onPath.add(object);
    stack.push({ value: v, path, depth, exit: object });
    const entries: [string | number, unknown][] = Array.isArray(v) ? v.map((item, i) => [i, item]) : Object.keys(object).map((k) => [k, (object as Record<string, unknown>)[k]]);
    for (let i = entries.length - 1; i >= 0; i--) {
      const [key, child] = entries[i]!;
      const reserved = typeof key === 'string' ? reservedKeyDiagnostic(key, [...path, key]) : undefined;
      if (reserved) out.push(reserved);
      else stack.push({ value: child, path: [...path, key], depth: depth + 1 });
    }
  }
  return out;
}

/** Inherits directly from a realm's Object.prototype, or from nothing. `{ __proto__: x }` written in code does not. */
function isPlainObject(object: object): boolean {
  const prototype = Object.getPrototypeOf(object) as object | null;
  return prototype === null || Object.getPrototypeOf(prototype) === null;
}

function describePrototype(object: object): string {
  const prototype = Object.getPrototypeOf(object) as { constructor?: { name?: string } } | null;
  const name = prototype && Object.hasOwn(prototype, 'constructor') ? prototype.constructor?.name : undefined;
  return name ? `${name}` : 'another object (a `__proto__` key written in code sets the prototype, it adds no key)';
}

function where(path: SpecPath): string {
  return path.length > 0 ? formatPath(path) : 'The spec';
}
