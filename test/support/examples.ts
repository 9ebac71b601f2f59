/** The bundled example specs and a compile helper that fails loudly on errors. */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { compile, formatDiagnostic, type CompileOptions, type CompileResult, type Manifest } from '../../compiler';

export const ROOT = join(__dirname, '..', '..');
export const EXAMPLES_DIR = join(ROOT, 'examples');

export function exampleFiles(): string[] {
  return readdirSync(EXAMPLES_DIR)
    .filter((f) => f.endsWith('.release.yaml'))
    .sort();
}

export function readExample(name: string): string {
  return readFileSync(join(EXAMPLES_DIR, name), 'utf8');
}

export function compileExample(name: string, options: Omit<CompileOptions, 'file'> = {}): CompileResult {
  return compile(readExample(name), { ...options, file: `examples/${name}` });
}

/** Manifests of one target; throws with the diagnostics when the spec does not compile. */
export function manifestsOf(result: CompileResult, target = 'istio'): Manifest[] {
  if (!result.ok) throw new Error(result.diagnostics.map(formatDiagnostic).join('\n'));
  const output = result.outputs.find((o) => o.target === target);
  if (!output) throw new Error(`no output for target ${target}`);
  return output.manifests;
}
