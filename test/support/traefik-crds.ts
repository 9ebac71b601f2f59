/** The upstream Traefik CRDs (test/fixtures/crds, see SOURCES.md there), loaded once per major version. */
import { join } from 'node:path';
import { loadCrdValidator, type CrdValidator } from './crd-validator';
import { CRD_DIR } from './istio-crds';

const loaded = new Map<string, CrdValidator>();

/** v3: traefik.io (v3.7); v2: traefik.io and traefik.containo.us (v2.11). */
export function traefikCrds(version: 'v2' | 'v3'): CrdValidator {
  let v = loaded.get(version);
  if (!v) {
    v = loadCrdValidator(join(CRD_DIR, `traefik-${version}-crds.yaml`));
    loaded.set(version, v);
  }
  return v;
}
