import type { ObjectRule } from '../rule';
import { ISTIO, ref, traefikKinds } from '../rule';

const DEFAULT_MAX_BYTES = 512 * 1024;

/** Objects stay well under etcd's request limit; huge VirtualServices also slow every proxy's config push. */
export const kubernetesObjectSize: ObjectRule = {
  name: 'kubernetes-object-size',
  scope: 'object',
  description: 'Each object is at most 512 KiB as JSON.',
  rationale: 'The API server refuses requests over about 1.5 MiB, and large routing objects slow every Envoy config push.',
  defaultLevel: 'mandatory',
  kinds: [`${ISTIO}:VirtualService`, `${ISTIO}:DestinationRule`, `${ISTIO}:ServiceEntry`, ...traefikKinds('IngressRoute'), ...traefikKinds('TraefikService'), ...traefikKinds('Middleware')],
  parameters: { maxBytes: { type: 'integer', minimum: 1, description: 'Largest size allowed, in bytes of JSON.' } },
  check(o, context) {
    const max = (context.config.maxBytes as number | undefined) ?? DEFAULT_MAX_BYTES;
    const json = JSON.stringify(o);
    // A UTF-16 code unit is at most 3 bytes of UTF-8: far below the limit, counting the bytes cannot change the answer.
    if (json.length * 3 <= max) return [];
    const size = Buffer.byteLength(json, 'utf8');
    return size > max ? [`${ref(o)} is ${size} bytes of JSON, over the ${max}-byte limit; split it (e.g. one VirtualService per host).`] : [];
  },
};
