/**
 * Every generated file of the repository, computed in memory: the JSON Schema and the golden outputs.
 * `npm run regen` writes them; the golden test compares them; CI fails when regenerating changes git.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { compile, formatDiagnostic } from '../compiler';
import { releaseJsonSchema } from '../compiler/spec/json-schema';
import { stackConfigs } from './stack-configs';

export const ROOT = join(__dirname, '..');
export const GOLDEN_DIR = join(ROOT, 'test', 'golden');
export const SCHEMA_FILE = join(ROOT, 'schema', 'release.schema.json');

/** Path relative to ROOT → content. */
export function generatedFiles(): Map<string, string> {
  const files = new Map<string, string>();
  files.set('schema/release.schema.json', `${JSON.stringify(releaseJsonSchema(), null, 2)}\n`);
  for (const file of readdirSync(join(ROOT, 'examples')).filter((f) => f.endsWith('.release.yaml')).sort()) {
    const text = readFileSync(join(ROOT, 'examples', file), 'utf8');
    const stem = file.replace(/\.release\.yaml$/, '');
    const raw = parse(text) as { spec: { entry: { rules: { steps?: unknown[] }[] } } };
    const steps = Math.max(0, ...raw.spec.entry.rules.map((r) => r.steps?.length ?? 0));
    for (const step of steps === 0 ? [undefined] : [...Array(steps).keys()]) {
      const result = compile(text, { file: `examples/${file}`, ...(step !== undefined ? { step } : {}) });
      if (!result.ok) throw new Error(result.diagnostics.map(formatDiagnostic).join('\n'));
      for (const output of result.outputs) {
        files.set(`test/golden/${stem}/${output.target}${step !== undefined ? `.step-${step}` : ''}.yaml`, output.yaml);
      }
    }
  }
  for (const stack of stackConfigs(ROOT)) {
    const result = compile(readFileSync(join(ROOT, stack.specFile), 'utf8'), { ...stack.options, file: stack.specFile });
    if (!result.ok) throw new Error(result.diagnostics.map(formatDiagnostic).join('\n'));
    for (const output of result.outputs) files.set(`test/golden/stacks/${stack.env}.${output.target}.yaml`, output.yaml);
  }
  return files;
}
