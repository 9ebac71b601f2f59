/**
 * `npm start`: renders every bundled example into out/<example>/<target>/ with no cluster and no Pulumi,
 * warns about targets this version does not implement, and prints one summary line per spec.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { formatDiagnostic } from '../compiler';
import { summary } from '../cli/main';
import { writeOutputDir } from '../cli/output-dir';
import { compileFile } from '../cli/spec-file';

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
process.exitCode = failed ? 2 : 0;
