import { modelOf } from '../../model/model';
import { resolveShortname, visibility, type IstioModel, type ModelVirtualService } from '../../model/istio-model';
import type { K8sObject, StackRule } from '../rule';
import { ISTIO_MODEL_KINDS, ref } from '../rule';

const SERVICE_HOST = /^([^.]+)\.([^.]+)\.svc\.cluster\.local$/;

/**
 * The namespaces that call through a VirtualService see it, and see the DestinationRules of the subsets it names.
 * istiod gives each proxy only the objects exported to the proxy's namespace (pilot/pkg/model push_context.go,
 * IsVisibleToNamespace; DestinationRules looked up from the caller's namespace, then the host's), so:
 * - a VirtualService bound to a Gateway must be exported to the Gateway's namespace, or the gateway answers 404;
 * - a mesh VirtualService that routes to a copy of its own host in another namespace (a namespace lane:
 *   `cart.shop` → `cart.shop-gray`) has callers there — the lane's own workloads, calling the next service — and
 *   must be exported to that namespace, or their calls skip its routes and reach any pod;
 * - from each namespace that sees a route, the subsets it names must be defined by a DestinationRule visible
 *   there, or those requests fail with 503 NC.
 */
export const istioExportToCoversCallers: StackRule = {
  name: 'istio-exportto-covers-callers',
  scope: 'stack',
  description: 'exportTo of VirtualServices and DestinationRules covers the namespaces that call through them: the gateway\'s, the lanes\' own.',
  rationale: 'A proxy sees only the objects exported to its namespace: a gateway that does not see its VirtualService answers 404, and lane workloads that do not see the routes call any pod of the next service.',
  defaultLevel: 'mandatory',
  kinds: ISTIO_MODEL_KINDS,
  check(objects) {
    const model = modelOf(objects).istio;
    const out: { object: K8sObject; message: string }[] = [];
    const roots = model.virtualServices.filter((vs) => !vs.isDelegate);
    // Namespaces that run copies of a namespace's services, with the route that shows it.
    const copies = new Map<string, Map<string, string>>();
    for (const vs of roots.filter((v) => v.gateways.includes('mesh'))) {
      for (const host of destinationHosts(vs)) {
        const m = SERVICE_HOST.exec(host);
        if (!m || m[2] === vs.namespace || !vs.hosts.includes(`${m[1]}.${vs.namespace}.svc.cluster.local`)) continue;
        const byNs = copies.get(vs.namespace) ?? new Map<string, string>();
        if (!byNs.has(m[2]!)) byNs.set(m[2]!, `${ref(vs.stored.object)} routes to ${host}`);
        copies.set(vs.namespace, byNs);
      }
    }
    for (const vs of roots) exportProblems(model, vs, copies, out);
    return out;
  },
};

/**
 * One root VirtualService's findings, in a function of its own: the optimising compiler compiles this body, not
 * the whole check on stack replacement (the loop runs once per VirtualService).
 */
function exportProblems(model: IstioModel, vs: ModelVirtualService, copies: ReadonlyMap<string, ReadonlyMap<string, string>>, out: { object: K8sObject; message: string }[]): void {
  const object = vs.stored.object;
  const viewers = new Set<string>();
  for (const gateway of vs.gateways) {
    if (gateway === 'mesh') continue;
    const ns = gateway.split('/')[0]!;
    if (visibility(vs.exportTo, vs.namespace, ns) === undefined)
      out.push({ object, message: `${ref(object)} is bound to Gateway ${gateway} but exported to ${JSON.stringify(vs.exportTo ?? ['*'])} only, not to its namespace ${ns}: the gateway does not see it and answers 404 for ${vs.hosts.join(', ')}.` });
    else viewers.add(ns);
  }
  if (vs.gateways.includes('mesh')) {
    viewers.add(vs.namespace);
    for (const ns of vs.exportTo ?? []) if (ns !== '.' && ns !== '*' && ns !== '~') viewers.add(ns);
    for (const [ns, evidence] of copies.get(vs.namespace) ?? []) {
      if (visibility(vs.exportTo, vs.namespace, ns) === undefined)
        out.push({ object, message: `${ref(object)} is exported to ${JSON.stringify(vs.exportTo ?? ['*'])} only, but namespace ${ns} runs copies of this namespace's services (${evidence}): their calls to ${vs.hosts.join(', ')} skip these routes and reach any pod.` });
      else viewers.add(ns);
    }
  }
  const subsets = subsetDestinations(vs);
  for (const ns of [...viewers].sort()) {
    for (const [host, subset] of subsets) {
      if (model.destinationRuleFor(ns, host)?.subsets.has(subset)) continue;
      // A subset no DestinationRule defines anywhere is istio-destination-resolves' finding.
      if (!model.allDestinationRules(host).some((dr) => dr.subsets.has(subset))) continue;
      out.push({ object, message: `${ref(object)} sends requests from namespace ${ns} to subset "${subset}" of ${host}, but no DestinationRule exported to ${ns} defines it: they fail with 503 NC.` });
    }
  }
}

function destinationHosts(vs: ModelVirtualService): string[] {
  const hosts = new Set<string>();
  for (const r of vs.http) for (const d of r.route.route ?? []) hosts.add(resolveShortname(d.destination.host, vs.namespace).toLowerCase());
  return [...hosts];
}

/** [host, subset] of every HTTP destination that names a subset (ASM's `$trafficLabel` is resolved per request). */
function subsetDestinations(vs: ModelVirtualService): [string, string][] {
  const seen = new Map<string, [string, string]>();
  for (const r of vs.http)
    for (const d of r.route.route ?? []) {
      const subset = d.destination.subset;
      if (subset === undefined || subset.startsWith('$')) continue;
      const host = resolveShortname(d.destination.host, vs.namespace).toLowerCase();
      seen.set(`${host}|${subset}`, [host, subset]);
    }
  return [...seen.values()];
}
