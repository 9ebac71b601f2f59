/**
 * Diagnostics: every problem the compiler finds, with a stable code, collected rather than thrown.
 * The CLI, the Pulumi components and the policy pack all print them with `formatDiagnostic`.
 */

export type Severity = 'error' | 'warning';
export type SpecPath = readonly (string | number)[];

export interface SourcePosition {
  readonly line: number;
  readonly column: number;
}

export interface Diagnostic {
  /** Stable code, e.g. GL201; documented in the README's table. */
  readonly code: string;
  readonly severity: Severity;
  /** Full sentence that names the bad value and the rule it breaks. */
  readonly message: string;
  /** Where in the spec: ['spec', 'lanes', 'gray', 'fallback', 0]. */
  readonly path: SpecPath;
  /** How to fix it, e.g. 'did you mean "gray"?'. */
  readonly hint?: string;
  readonly file?: string;
  readonly position?: SourcePosition;
}

/** Thrown only at the shell boundary (CLI, components) to carry collected diagnostics. */
export class CompileError extends Error {
  constructor(readonly diagnostics: readonly Diagnostic[]) {
    super(diagnostics.filter(isError).map(formatDiagnostic).join('\n'));
    this.name = 'CompileError';
  }
}

export function isError(d: Diagnostic): boolean {
  return d.severity === 'error';
}

export function hasErrors(ds: readonly Diagnostic[]): boolean {
  return ds.some(isError);
}

/** `spec.lanes.gray.fallback[0]` */
export function formatPath(path: SpecPath): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else if (/^[A-Za-z_][\w]*$/.test(part)) out += out === '' ? part : `.${part}`;
    else out += `[${JSON.stringify(part)}]`;
  }
  return out;
}

/** `file:line:col: error GL201 spec.lanes.gray.fallback[0]: message (hint)` — one line, grep-friendly. */
export function formatDiagnostic(d: Diagnostic): string {
  const where = [d.file ?? '<spec>', d.position ? `${d.position.line}:${d.position.column}` : undefined]
    .filter((x) => x !== undefined)
    .join(':');
  const at = d.path.length > 0 ? ` ${formatPath(d.path)}` : '';
  const hint = d.hint ? `\n  hint: ${d.hint}` : '';
  return `${where}: ${d.severity} ${d.code}${at}: ${d.message}${hint}`;
}

/** Orders diagnostics by position then code, so output is stable. */
export function sortDiagnostics(ds: readonly Diagnostic[]): Diagnostic[] {
  return [...ds].sort(
    (a, b) =>
      (a.position?.line ?? 0) - (b.position?.line ?? 0) ||
      (a.position?.column ?? 0) - (b.position?.column ?? 0) ||
      a.code.localeCompare(b.code) ||
      formatPath(a.path).localeCompare(formatPath(b.path)),
  );
}
