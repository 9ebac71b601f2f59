import { modelOf } from '../../model/model';
import { resolveShortname, type IstioModel, type ModelVirtualService } from '../../model/istio-model';
import type { Destination } from '../../model/istio-types';
import type { K8sObject, StackRule } from '../rule';
import { ISTIO_MODEL_KINDS, ref } from '../rule';

/**
 * Every VirtualService destination — HTTP, TCP and TLS routes, mirrors, delegates — names a host that exists and
 * a subset that a DestinationRule of that host defines (Istio's IST0101). Otherwise Envoy has no cluster for it
 * and answers 503 NC; a missing delegate drops the root's route.
 */
export const istioDestinationResolves: StackRule = {
  name: 'istio-destination-resolves',
  scope: 'stack',
  description: 'Every VirtualService destination resolves: its subset is defined, its host exists, its delegate exists.',
  rationale: 'A route to an undefined subset or unknown host fails with 503 (NC) for every request it takes.',
  defaultLevel: 'mandatory',
  kinds: ISTIO_MODEL_KINDS,
  check(objects) {
    const model = modelOf(objects).istio;
    const out: { object: K8sObject; message: string }[] = [];
    for (const vs of model.virtualServices) destinationProblems(model, vs, out);
    return out;
  },
};

/**
 * One VirtualService's unresolved destinations, in a function of its own: the optimising compiler compiles this
 * body, not the whole check on stack replacement (the loop runs once per VirtualService).
 */
function destinationProblems(model: IstioModel, vs: ModelVirtualService, out: { object: K8sObject; message: string }[]): void {
  const object = vs.stored.object;
  for (const p of vs.problems) out.push({ object, message: `${ref(object)} ${p}` });
  const seen = new Set<string>();
  const visit = (d: Destination | undefined, where: string) => {
    if (!d) return;
    const host = resolveShortname(d.host, vs.namespace).toLowerCase();
    const key = `${host}|${d.subset ?? ''}`;
    if (seen.has(key)) return;
    seen.add(key);
    const entry = model.serviceEntryFor(vs.namespace, host);
    const known = entry !== undefined || (model.hasServices ? model.serviceFor(host) !== undefined : host.endsWith('.svc.cluster.local'));
    if (!known)
      out.push({ object, message: `${ref(object)} ${where} sends requests to host ${d.host}, which is neither a Kubernetes Service${model.hasServices ? ' in the input' : ''} nor in a ServiceEntry visible in namespace ${vs.namespace}; Envoy has no cluster for it (IST0101).` });
    else if (d.subset !== undefined && !model.allDestinationRules(host).some((dr) => dr.subsets.has(d.subset!)))
      out.push({ object, message: `${ref(object)} ${where} sends requests to subset "${d.subset}" of ${host}, which no DestinationRule defines (IST0101); they fail with 503 NC.` });
  };
  // Delegates are checked through their roots (their short hosts resolve in the delegate's namespace either way).
  for (const r of vs.http) {
    const name = `route ${r.route.name ?? `#${r.index}`}`;
    for (const d of r.route.route ?? []) visit(d.destination, name);
    // The mirror's words are written only for a route that mirrors (visit ignores a missing destination).
    if (r.route.mirror) visit(r.route.mirror, `${name} mirror`);
    if (r.route.mirrors != null) for (const m of r.route.mirrors) visit(m.destination, `${name} mirror`);
  }
  vs.tcp.forEach((route, i) => (route.route ?? []).forEach((d) => visit(d.destination, `tcp route #${i}`)));
  vs.tls.forEach((route, i) => (route.route ?? []).forEach((d) => visit(d.destination, `tls route #${i}`)));
}
