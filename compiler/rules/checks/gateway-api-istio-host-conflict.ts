import { modelOf } from '../../model/model';
import { resolveShortname } from '../../model/istio-model';
import type { K8sObject, StackRule } from '../rule';
import { GATEWAY_API_MODEL_KINDS, ISTIO_MODEL_KINDS, ref } from '../rule';

/**
 * No host is routed for the mesh by both a VirtualService and a GAMMA HTTPRoute (parentRef: the Service). Istio
 * converts HTTPRoutes into internal VirtualServices; with a user VirtualService for the same host a sidecar or
 * waypoint keeps one of them, and which one is undefined (Istio's documentation on Gateway API in the mesh: do
 * not mix the two APIs for one service).
 */
export const gatewayApiIstioHostConflict: StackRule = {
  name: 'gateway-api-istio-host-conflict',
  scope: 'stack',
  description: 'No Service is routed inside the mesh by both a VirtualService and an HTTPRoute.',
  rationale: 'Istio keeps either the VirtualService or the HTTPRoute for the host, undefined which: half the routing silently disappears.',
  defaultLevel: 'mandatory',
  kinds: [...new Set([...ISTIO_MODEL_KINDS, ...GATEWAY_API_MODEL_KINDS])],
  check(objects) {
    // Every finding starts from an HTTPRoute's attachment: without one there is none, and no model to build
    // for this rule's wider set of kinds.
    if (!objects.some((o) => o.kind === 'HTTPRoute')) return [];
    const model = modelOf(objects);
    const byHost = new Map<string, string[]>();
    for (const vs of model.istio.virtualServices) {
      if (vs.isDelegate || !vs.gateways.includes('mesh')) continue;
      for (const h of vs.hosts) {
        const host = resolveShortname(h, vs.namespace).toLowerCase();
        byHost.set(host, [...(byHost.get(host) ?? []), ref(vs.stored.object)]);
      }
    }
    const out: { object: K8sObject; message: string }[] = [];
    const seen = new Set<string>();
    for (const a of model.gatewayApi.attachments) {
      if (a.service === undefined) continue;
      const [namespace, name] = a.service.split('/');
      const host = `${name}.${namespace}.svc.cluster.local`;
      const key = `${a.route.ref}|${host}`;
      const owners = byHost.get(host);
      if (!owners || seen.has(key)) continue;
      seen.add(key);
      const object = a.route.stored.object;
      out.push({ object, message: `${ref(object)} routes Service ${a.service} in the mesh, which ${owners.join(' and ')} also route${owners.length === 1 ? 's' : ''} (host ${host}); Istio uses one of them, undefined which: route a service with one API.` });
    }
    return out;
  },
};
