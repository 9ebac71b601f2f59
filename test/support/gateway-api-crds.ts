/** The upstream Gateway API v1.6.1 standard-channel CRDs (test/fixtures/crds, see SOURCES.md there), loaded once. */
import { join } from 'node:path';
import { loadCrdValidator, type CrdValidator } from './crd-validator';
import { CRD_DIR } from './istio-crds';

let gatewayApi: CrdValidator | undefined;

export const GATEWAY_API_CRD_DIR = join(CRD_DIR, 'gateway-api-v1.6.1');

export function gatewayApiCrds(): CrdValidator {
  gatewayApi ??= loadCrdValidator(
    ...['httproutes', 'referencegrants', 'gateways'].map((k) => join(GATEWAY_API_CRD_DIR, `gateway.networking.k8s.io_${k}.yaml`)),
  );
  return gatewayApi;
}
