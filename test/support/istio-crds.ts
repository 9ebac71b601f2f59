/** The upstream Istio CRDs (test/fixtures/crds, see SOURCES.md there), loaded once. */
import { join } from 'node:path';
import { loadCrdValidator, type CrdValidator } from './crd-validator';

export const CRD_DIR = join(__dirname, '..', 'fixtures', 'crds');

let istio: CrdValidator | undefined;

export function istioCrds(): CrdValidator {
  istio ??= loadCrdValidator(join(CRD_DIR, 'istio-crd-all.gen.yaml'));
  return istio;
}
