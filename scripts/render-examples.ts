/**
 * `npm start`: renders every bundled example into out/<example>/<target>/ and every stack environment into
 * out/<env>/<target>/, with no cluster and no Pulumi; warns about targets this version does not implement,
 * and prints one summary line per spec.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { formatDiagnostic } from '../compiler';
import { summary } from '../cli/commands/shared';
import { writeOutputDir } from '../cli/output-dir';
import { compileFile } from '../cli/spec-file';
import { stackConfigs } from './stack-configs';

const root = join(__dirname, '..');
let failed = false;
for (const file of readdirSync(join(root, 'examples')).filter((f) => f.endsWith('.release.yaml')).sort()) {
  const spec = join('examples', file);
  const result = compileFile(spec, root);
  for (const d of result.diagnostics) process.stderr.write(`${formatDiagnostic(d)}\n`);
  if (!result.ok) {
    failed = true;
    continue;
  }
  const dir = join('out', file.replace(/\.release\.yaml$/, ''));
  const files = writeOutputDir(join(root, dir), result.outputs);
  console.log(`${summary(spec, result)} → ${dir}/ (${files} files)`);
}
// Each environment of stacks/, as `pulumi up` would apply it (same spec, step and namespace).
for (const stack of stackConfigs(root)) {
  const result = compileFile(stack.specFile, root, stack.options);
  for (const d of result.diagnostics) process.stderr.write(`${formatDiagnostic(d)}\n`);
  if (!result.ok) {
    failed = true;
    continue;
  }
  const dir = join('out', stack.env);
  const files = writeOutputDir(join(root, dir), result.outputs);
  console.log(`stack ${stack.env}: ${summary(stack.specFile, result)} at step ${result.plan!.step} → ${dir}/ (${files} files)`);
}
process.exitCode = failed ? 2 : 0;
