/**
 * The product's CRD validator (compiler/crd/crd-validator.ts) over CRD files as upstream publishes them, for
 * tests that validate emitted objects against the full upstream CRDs (descriptions and all).
 */
import { readFileSync } from 'node:fs';
import { parseAllDocuments } from 'yaml';
import { crdValidator, type CrdValidator, type CrdVersionSchema } from '../../compiler/crd/crd-validator';

export type { CrdValidator } from '../../compiler/crd/crd-validator';
export { celJsCompatible, celPropertyName } from '../../compiler/crd/crd-validator';

interface CrdDocument {
  kind?: string;
  spec?: { group: string; names: { kind: string }; versions: { name: string; served: boolean; schema?: { openAPIV3Schema: unknown } }[] };
}

export function loadCrdValidator(...files: string[]): CrdValidator {
  const schemas: CrdVersionSchema[] = [];
  for (const file of files) {
    for (const doc of parseAllDocuments(readFileSync(file, 'utf8'))) {
      const crd = doc.toJS() as CrdDocument | null;
      if (crd?.kind !== 'CustomResourceDefinition' || !crd.spec) continue;
      for (const version of crd.spec.versions) {
        if (!version.served || !version.schema) continue;
        schemas.push({ group: crd.spec.group, kind: crd.spec.names.kind, versions: [version.name], release: file, schema: version.schema.openAPIV3Schema });
      }
    }
  }
  return crdValidator(schemas);
}
