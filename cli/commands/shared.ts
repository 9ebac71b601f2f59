/** Option parsers and printing shared by the commands. */
import { InvalidArgumentError, Option } from 'commander';
import { formatDiagnostic, TARGETS, type CompileOptions, type CompileResult, type Target } from '../../compiler';
import type { CliIo } from '../io';

export interface CompileFlags {
  target?: Target[];
  step?: number;
  namespace?: string;
}

export function compileOptions(opts: CompileFlags): Omit<CompileOptions, 'file'> {
  return {
    ...(opts.step !== undefined ? { step: opts.step } : {}),
    ...(opts.target ? { targets: opts.target } : {}),
    ...(opts.namespace !== undefined ? { namespace: opts.namespace } : {}),
  };
}

export function targetOption(): Option {
  return new Option('-t, --target <target...>', "targets to emit (default: the spec's targets)").choices(TARGETS);
}

export function parseStep(value: string): number {
  if (!/^\d+$/.test(value)) throw new InvalidArgumentError('the step must be a whole number (0-based).');
  return Number(value);
}

/** `k=v` → [k, v], for --header and --query. */
export function parsePair(value: string, previous: [string, string][] = []): [string, string][] {
  const at = value.indexOf('=');
  if (at <= 0) throw new InvalidArgumentError(`"${value}" is not name=value.`);
  return [...previous, [value.slice(0, at), value.slice(at + 1)]];
}

/** Prints diagnostics to stderr; true when there is no error. */
export function report(result: CompileResult, io: CliIo): boolean {
  for (const d of result.diagnostics) io.stderr(`${formatDiagnostic(d)}\n`);
  return result.ok;
}

export function summary(spec: string, result: CompileResult): string {
  const counts = result.outputs.map((o) => `${o.target}: ${plural(o.manifests.length, 'object')}`).join(', ') || 'no implemented target';
  const warnings = result.diagnostics.filter((d) => d.severity === 'warning').length;
  const plan = result.plan;
  const shape = plan ? `${plural(plan.services.length, 'service')} × ${plural(plan.lanes.length, 'lane')}` : '';
  return `${spec}: ${shape}; ${counts}${warnings > 0 ? `; ${plural(warnings, 'warning')}` : ''}`;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}
