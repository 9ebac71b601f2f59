/**
 * The upstream CRD schemas graylane ships (schema/crds/crd-schemas.json, see SOURCES.md there), loaded on
 * first use: only commands that read hand-written objects need them.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { crdValidator, type CrdSchemaFile, type CrdValidator } from '../compiler/crd/crd-validator';

const FILE = join('schema', 'crds', 'crd-schemas.json');

let validator: CrdValidator | undefined;

/** The validator of the kinds the object model reads, against the CRDs of the releases in SOURCES.md. */
export function objectSchemas(): CrdValidator {
  validator ??= crdValidator(readSchemaFile().kinds);
  return validator;
}

function readSchemaFile(): CrdSchemaFile {
  // From the sources (cli), the build (dist/cli) or the CLI bundle (dist/bundle).
  for (const up of ['..', '../..']) {
    let text: string;
    try {
      text = readFileSync(join(__dirname, up, FILE), 'utf8');
    } catch {
      continue;
    }
    return JSON.parse(text) as CrdSchemaFile;
  }
  throw new Error(`graylane's installation has no ${FILE}: reinstall the package`);
}
