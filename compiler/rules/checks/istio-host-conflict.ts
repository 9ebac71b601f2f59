import { modelOf } from '../../model/model';
import { visibility } from '../../model/istio-model';
import type { K8sObject, StackRule } from '../rule';
import { ISTIO_MODEL_KINDS, ref } from '../rule';

/**
 * No two VirtualServices bind the same host for the mesh where a namespace sees both (Istio's IST0109): a
 * sidecar uses only the first and ignores the other. At a gateway Istio merges the routes of every
 * VirtualService bound to it for a host (gateway.go buildGatewayHTTPRouteConfig), so that is no conflict; two
 * definitions of one identity are one object (the later replaces the earlier), not a conflict either.
 */
export const istioHostConflict: StackRule = {
  name: 'istio-host-conflict',
  scope: 'stack',
  description: 'No two VirtualServices claim one host for the mesh.',
  rationale: 'A sidecar keeps one of two mesh VirtualServices for a host and silently ignores the other (IST0109).',
  defaultLevel: 'mandatory',
  kinds: ISTIO_MODEL_KINDS,
  check(objects) {
    const model = modelOf(objects).istio;
    const owners = new Map<string, (typeof model.virtualServices)[number]>();
    const out: { object: K8sObject; message: string }[] = [];
    // istiod's order: the first one (by creation, then name) is the one sidecars use.
    for (const vs of model.virtualServices) {
      if (vs.isDelegate || !vs.gateways.includes('mesh')) continue;
      for (const host of new Set(vs.hosts)) {
        const first = owners.get(host);
        if (!first) {
          owners.set(host, vs);
          continue;
        }
        const shared = sharedViewer(first, vs);
        if (shared !== undefined)
          out.push({ object: vs.stored.object, message: `${ref(vs.stored.object)} binds host ${host} for the mesh, which ${ref(first.stored.object)} already binds (IST0109); sidecars${shared === '*' ? '' : ` in namespace ${shared}`} use only ${ref(first.stored.object)}.` });
      }
    }
    return out;
  },
};

/** A namespace that sees both VirtualServices ("*" when every namespace may), or undefined. */
function sharedViewer(a: { exportTo?: readonly string[]; namespace: string }, b: { exportTo?: readonly string[]; namespace: string }): string | undefined {
  const candidates = new Set(['*', a.namespace, b.namespace, ...(a.exportTo ?? []), ...(b.exportTo ?? [])]);
  for (const ns of candidates) {
    if (ns === '.' || ns === '~') continue;
    if (ns === '*') {
      if (visibility(a.exportTo, a.namespace, '\u0000any') === 2 && visibility(b.exportTo, b.namespace, '\u0000any') === 2) return '*';
      continue;
    }
    if (visibility(a.exportTo, a.namespace, ns) !== undefined && visibility(b.exportTo, b.namespace, ns) !== undefined) return ns;
  }
  return undefined;
}
