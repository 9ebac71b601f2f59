/**
 * Phase 2, validate: the zod schema decides the shape; this turns its issues into diagnostics that
 * name the spec path, show the value and suggest the fix.
 */
import type { z } from 'zod';
import type { Diagnostic, SpecPath } from './diagnostics';
import { formatPath } from './diagnostics';
import type { SourceLocator } from './parse';
import { releaseSchema, type ReleaseSpec } from './spec/schema';
import { suggestion, toLabel } from './suggest';

export interface Validated {
  readonly spec?: ReleaseSpec;
  readonly diagnostics: Diagnostic[];
}

type Issue = z.core.$ZodIssue;

export function validateSpec(data: unknown, locator: SourceLocator, file?: string): Validated {
  if (data === null || data === undefined) {
    const position = locator.locate([]);
    return {
      diagnostics: [
        {
          code: 'GL102',
          severity: 'error',
          message: 'The document is empty; a release spec is a mapping with apiVersion, kind, metadata and spec.',
          path: [],
          hint: 'start from an example: examples/bookinfo-lanes.release.yaml',
          ...(file !== undefined ? { file } : {}),
          ...(position ? { position } : {}),
        },
      ],
    };
  }
  const result = releaseSchema.safeParse(data, { reportInput: true });
  if (result.success) return { spec: result.data, diagnostics: [] };
  const diagnostics: Diagnostic[] = [];
  for (const issue of result.error.issues) collect(issue, [], diagnostics);
  const located = diagnostics.map((d) => {
    const position = locator.locate(d.path, d.code === 'GL101');
    return { ...d, ...(file !== undefined ? { file } : {}), ...(position ? { position } : {}) };
  });
  return { diagnostics: dedupe(located) };
}

function collect(issue: Issue, prefix: SpecPath, out: Diagnostic[]): void {
  const path: SpecPath = [...prefix, ...(issue.path as (string | number)[])];
  switch (issue.code) {
    case 'unrecognized_keys': {
      const allowed = keysAt(releaseSchema, path);
      for (const key of issue.keys) {
        out.push({
          code: 'GL101',
          severity: 'error',
          message: `Unknown key "${key}" in ${formatPath(path) || 'the document'}; the schema does not define it.`,
          path: [...path, key],
          hint: suggestion(key, allowed),
        });
      }
      return;
    }
    case 'invalid_union': {
      // Report the branch that came closest (fewest issues), so users see the fix and not every alternative.
      const branches = issue.errors.filter((b) => b.length > 0);
      if (branches.length === 0) break;
      const best = [...branches].sort((a, b) => a.length - b.length)[0]!;
      for (const inner of best) collect(inner, path, out);
      return;
    }
    case 'invalid_value': {
      const allowed = issue.values.map(String);
      const value = (issue as { input?: unknown }).input;
      out.push({
        code: 'GL104',
        severity: 'error',
        message: `${subject(path)} is ${show(value)}; allowed: ${allowed.map((v) => `"${v}"`).join(', ')}.`,
        path,
        hint: typeof value === 'string' ? suggestion(value, allowed) : `use one of the allowed values`,
      });
      return;
    }
    case 'too_small':
    case 'too_big': {
      const value = (issue as { input?: unknown }).input;
      const bound = issue.code === 'too_small' ? issue.minimum : issue.maximum;
      const word = issue.code === 'too_small' ? 'at least' : 'at most';
      const unit = issue.origin === 'array' ? ` item${Number(bound) === 1 ? '' : 's'}` : issue.origin === 'string' ? ' characters' : '';
      const verb = issue.origin === 'array' ? 'have' : issue.origin === 'string' ? 'have' : 'be';
      out.push({
        code: 'GL102',
        severity: 'error',
        message: `${subject(path)} is ${show(value)}, but it must ${verb} ${word} ${String(bound)}${unit}.`,
        path,
        hint: issue.origin === 'array' && issue.code === 'too_small' ? `add ${String(bound)} or more entries` : `use a value ${word} ${String(bound)}`,
      });
      return;
    }
    case 'invalid_type': {
      const value = (issue as { input?: unknown }).input;
      if (issue.expected === 'array' && value !== undefined && typeof value !== 'object') {
        out.push({ code: 'GL102', severity: 'error', message: `${subject(path)} is ${show(value)}, but it must be a list.`, path, hint: `write a list: [${show(value)}]` });
        return;
      }
      out.push({
        code: value === undefined ? 'GL103' : 'GL102',
        severity: 'error',
        message:
          value === undefined
            ? `${subject(path)} is required (${issue.expected}).`
            : `${subject(path)} is ${show(value)}, but it must be ${article(issue.expected)}.`,
        path,
        hint: value === undefined ? `add ${lastKey(path)}` : `write ${article(issue.expected)} here`,
      });
      return;
    }
    default:
      break;
  }
  const value = (issue as { input?: unknown }).input;
  const label = typeof value === 'string' && issue.message.includes('RFC 1123') ? toLabel(value) : undefined;
  out.push({
    code: 'GL102',
    severity: 'error',
    message: `${subject(path)} is ${show(value)}, but it ${issue.message.replace(/^Invalid input: /, '').replace(/^(?!must)/, 'must be valid: ')}.`,
    path,
    hint: label ? `rename it to "${label}"` : 'see schema/release.schema.json for the allowed values',
  });
}

/** Keys the schema allows at a path (for "did you mean"). */
function keysAt(schema: z.ZodType, path: SpecPath): string[] {
  let current: unknown = schema;
  for (const part of path) current = child(unwrap(current), part);
  const def = unwrap(current) as { _zod?: { def?: { type?: string; shape?: Record<string, unknown>; options?: unknown[] } } };
  const d = def?._zod?.def;
  if (d?.type === 'object' && d.shape) return Object.keys(d.shape);
  if (d?.type === 'union' && d.options) return d.options.flatMap((o) => keysAt(o as z.ZodType, []));
  return [];
}

function unwrap(schema: unknown): unknown {
  let s = schema as { _zod?: { def?: { type?: string; innerType?: unknown } } } | undefined;
  while (s?._zod?.def && ['optional', 'default', 'nullable', 'readonly'].includes(s._zod.def.type ?? '')) {
    s = s._zod.def.innerType as typeof s;
  }
  return s;
}

function child(schema: unknown, part: string | number): unknown {
  const d = (schema as { _zod?: { def?: Record<string, unknown> } } | undefined)?._zod?.def;
  if (!d) return undefined;
  switch (d.type) {
    case 'object':
      return (d.shape as Record<string, unknown>)[String(part)];
    case 'record':
      return d.valueType;
    case 'array':
      return d.element;
    case 'union': {
      // Prefer the branch that has this child (object branch for a key, array branch for an index).
      for (const option of d.options as unknown[]) {
        const c = child(unwrap(option), part);
        if (c !== undefined) return c;
      }
      return undefined;
    }
    default:
      return undefined;
  }
}


/** The spec path as the subject of a sentence; the whole document when the path is empty. */
function subject(path: SpecPath): string {
  return path.length > 0 ? formatPath(path) : 'The document';
}

function show(value: unknown): string {
  if (value === undefined) return 'missing';
  // JSON has no word for these and would print "null": YAML's .inf, .nan and numbers beyond a double.
  if (typeof value === 'number' && !Number.isFinite(value)) return `${String(value)} (YAML .inf, .nan or a number too large for a double)`;
  const text = JSON.stringify(value);
  return text !== undefined && text.length > 60 ? `${text.slice(0, 57)}...` : String(text);
}

function article(expected: string): string {
  return /^[aeiou]/.test(expected) ? `an ${expected}` : `a ${expected}`;
}

function lastKey(path: SpecPath): string {
  return `"${String(path[path.length - 1] ?? 'the field')}"`;
}

function dedupe(ds: Diagnostic[]): Diagnostic[] {
  const seen = new Set<string>();
  return ds.filter((d) => {
    const key = `${d.code}|${formatPath(d.path)}|${d.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
