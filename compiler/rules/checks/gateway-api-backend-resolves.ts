import { modelOf } from '../../model/model';
import type { K8sObject, StackRule } from '../rule';
import { GATEWAY_API_MODEL_KINDS, ref } from '../rule';

/**
 * Every backendRef and mirror of an HTTPRoute resolves (apis/v1/httproute_types.go HTTPBackendRef): a core
 * Service, with a port, that exists, and — in another namespace — a ReferenceGrant there allowing HTTPRoutes of
 * the route's namespace (referencegrant_types.go) — not needed for the Services of the namespace of a route's
 * Service parents (GEP-1426, conformance test mesh-consumer-route). Otherwise ResolvedRefs is False and the backend's share of
 * requests gets 500. A Service absent from the input counts as missing only where the input describes its
 * namespace (holds a Service of it that graylane did not emit), so graylane's own output is not judged by the
 * application Services it never contains.
 */
export const gatewayApiBackendResolves: StackRule = {
  name: 'gateway-api-backend-resolves',
  scope: 'stack',
  description: 'Every HTTPRoute backendRef names an existing Service, with a port, and a ReferenceGrant when it is in another namespace.',
  rationale: 'An unresolved backendRef answers 500 for its whole share of requests (ResolvedRefs: False).',
  defaultLevel: 'mandatory',
  kinds: GATEWAY_API_MODEL_KINDS,
  check(objects) {
    const model = modelOf(objects).gatewayApi;
    const out: { object: K8sObject; message: string }[] = [];
    for (const route of model.routes) {
      const object = route.stored.object;
      // Only Service parents of one namespace (GAMMA): that namespace's Services need no ReferenceGrant (GEP-1426).
      const parents = route.spec.parentRefs ?? [];
      const namespaces = new Set(parents.map((p) => (p.kind === 'Service' && (p.group === '' || p.group === 'core') ? p.namespace ?? route.namespace : '\u0000gateway')));
      const mesh = namespaces.size === 1 && !namespaces.has('\u0000gateway') ? [...namespaces][0] : undefined;
      route.rules.forEach((rule, i) => {
        const where = `rule ${rule.name ?? `#${i}`}`;
        for (const b of rule.backendRefs ?? []) {
          const r = model.resolveBackend(route, b, {}, mesh);
          if (r.problem !== undefined) out.push({ object, message: `${ref(object)} ${where}: ${r.problem}; its share of requests gets 500.` });
        }
        for (const f of rule.filters ?? []) {
          if (f.type !== 'RequestMirror' || !f.requestMirror) continue;
          const r = model.resolveBackend(route, f.requestMirror.backendRef, {}, mesh);
          if (r.problem !== undefined) out.push({ object, message: `${ref(object)} ${where} mirror: ${r.problem}; the rule is not served as written.` });
        }
      });
    }
    return out;
  },
};
