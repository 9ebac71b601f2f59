/** Rewrites the generated files (JSON Schema, goldens). Review the diff: it is the change in output. */
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { generatedFiles, GOLDEN_DIR, ROOT } from './generated-files';

async function main(): Promise<void> {
const files = await generatedFiles();
// Goldens of examples that no longer exist must go too.
for (const dir of readdirSync(GOLDEN_DIR, { withFileTypes: true }).filter((d) => d.isDirectory())) {
  rmSync(join(GOLDEN_DIR, dir.name), { recursive: true, force: true });
}
for (const [path, content] of files) {
  mkdirSync(dirname(join(ROOT, path)), { recursive: true });
  writeFileSync(join(ROOT, path), content);
}
console.log(`wrote ${files.size} generated files`);
}

void main();
