/** Whole outputs, reviewed as diffs: regenerate with `npm run regen`. */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { compile } from '../compiler';
import { generatedFilePaths, generatedFiles, ROOT } from '../scripts/generated-files';
import { readExample } from './support/examples';

describe('generated files are up to date (npm run regen)', () => {
  let files: Promise<Map<string, string>> | undefined;
  for (const path of generatedFilePaths()) {
    it(path, async () => {
      files ??= generatedFiles();
      const content = (await files).get(path)!;
      const file = join(ROOT, path);
      assert.ok(existsSync(file), `${path} is missing: run npm run regen`);
      assert.equal(readFileSync(file, 'utf8'), content, `${path} differs: run npm run regen and review the diff`);
    });
  }
});

describe('output is deterministic and idempotent', () => {
  it('compiles the same spec to the same bytes twice, and a re-ordered spec to the same bytes', () => {
    const text = readExample('bookinfo-lanes.release.yaml');
    const first = compile(text).outputs.map((o) => o.yaml);
    assert.deepEqual(compile(text).outputs.map((o) => o.yaml), first);
    // Moving the mock lane before the base lane changes nothing in the output.
    const mock = text.slice(text.indexOf('    mock:'), text.indexOf('\n  trafficLabel:'));
    const reordered = text.replace(mock, '').replace('  lanes:\n', `  lanes:\n${mock.replace(/\n*$/, '\n')}`);
    assert.notEqual(reordered, text);
    assert.deepEqual(compile(reordered).outputs.map((o) => o.yaml), first);
  });
});
