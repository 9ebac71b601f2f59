/**
 * `npm run e2e`: the end-to-end tests of test/e2e/ under the real Pulumi CLI, engine, language host and
 * Kubernetes provider that `npm run tools` built into .tools/bin. Prints how long they took.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { TOOLS_BIN } from './tools-versions';

const ROOT = join(__dirname, '..');
const BINARIES = ['pulumi', 'pulumi-language-nodejs', 'pulumi-resource-kubernetes'];

const missing = BINARIES.filter((b) => !existsSync(join(TOOLS_BIN, b)));
if (missing.length > 0) {
  console.error(`npm run e2e: ${missing.join(', ')} missing from .tools/bin; run \`npm run tools\` first (it needs Go).`);
  process.exit(2);
}
const dir = join(ROOT, 'test', 'e2e');
const files = readdirSync(dir)
  .filter((f) => f.endsWith('.e2e.test.ts'))
  .sort()
  .map((f) => join(dir, f));
const started = Date.now();
const run = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-concurrency=1', '--test-reporter=spec', ...files], {
  cwd: ROOT,
  stdio: 'inherit',
});
console.log(`npm run e2e: ${((Date.now() - started) / 1000).toFixed(1)}s`);
process.exit(run.status ?? 1);
