import type { ObjectRule } from '../rule';
import { ISTIO, ref } from '../rule';

/** Istio objects say where they are visible (exportTo), instead of defaulting to every namespace. */
export const istioExportToSet: ObjectRule = {
  name: 'istio-exportto-set',
  scope: 'object',
  description: 'VirtualServices, DestinationRules and ServiceEntries set exportTo.',
  rationale: 'Without exportTo an object applies in every namespace of the mesh, where it can shadow other teams\' routes.',
  defaultLevel: 'disabled',
  kinds: [`${ISTIO}:VirtualService`, `${ISTIO}:DestinationRule`, `${ISTIO}:ServiceEntry`],
  check(o) {
    const exportTo = ((o.spec ?? {}) as { exportTo?: string[] }).exportTo;
    return exportTo && exportTo.length > 0 ? [] : [`${ref(o)} does not set exportTo, so it applies in every namespace; set it, e.g. [".", "istio-system"].`];
  },
};
