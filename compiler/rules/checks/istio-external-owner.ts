import type { K8sObject, StackRule } from '../rule';
import { ISTIO, ref } from '../rule';
import { destinationHost, namespaceOf, vsSpec } from './istio-helpers';

/**
 * graylane leaves alone the hosts that Flagger or Argo Rollouts manage: they rewrite their own
 * VirtualService's weights, and a second VirtualService for the host fights them.
 */
export const istioExternalOwner: StackRule = {
  name: 'istio-external-owner',
  scope: 'stack',
  description: 'No graylane VirtualService for a host that Flagger or Argo Rollouts manages.',
  rationale: 'Two controllers writing routes for one host undo each other; the canary controller\'s analysis then measures the wrong traffic.',
  defaultLevel: 'mandatory',
  kinds: [`${ISTIO}:VirtualService`, 'flagger.app:Canary', 'argoproj.io:Rollout'],
  parameters: { externallyManagedHosts: { type: 'array', items: { type: 'string' }, description: 'Hosts another controller owns.' } },
  check(objects, context) {
    const owned = new Map<string, string>();
    for (const h of (context.config.externallyManagedHosts as string[] | undefined) ?? []) owned.set(h, 'the externallyManagedHosts setting');
    for (const o of objects) {
      if (o.kind === 'Canary') {
        const target = ((o.spec ?? {}) as { targetRef?: { name?: string }; service?: { name?: string } });
        const name = target.service?.name ?? target.targetRef?.name;
        if (name) owned.set(destinationHost(name, namespaceOf(o)), `Flagger Canary ${namespaceOf(o)}/${o.metadata?.name}`);
      }
      if (o.kind === 'Rollout') {
        const istio = ((o.spec ?? {}) as { strategy?: { canary?: { trafficRouting?: { istio?: { virtualService?: { name: string }; virtualServices?: { name: string }[] } } } } }).strategy?.canary?.trafficRouting?.istio;
        for (const vs of [...(istio?.virtualService ? [istio.virtualService] : []), ...(istio?.virtualServices ?? [])]) owned.set(`vs:${namespaceOf(o)}/${vs.name}`, `Argo Rollout ${namespaceOf(o)}/${o.metadata?.name}`);
      }
    }
    const out: { object: K8sObject; message: string }[] = [];
    for (const vs of objects.filter((o) => o.kind === 'VirtualService' && o.metadata?.labels?.['app.kubernetes.io/managed-by'] === 'graylane')) {
      const byName = owned.get(`vs:${namespaceOf(vs)}/${vs.metadata?.name}`);
      if (byName) out.push({ object: vs, message: `${ref(vs)} is managed by ${byName}; graylane must not write it.` });
      for (const host of vsSpec(vs).hosts) {
        const owner = owned.get(destinationHost(host, namespaceOf(vs))) ?? owned.get(host);
        if (owner) out.push({ object: vs, message: `${ref(vs)} routes host ${host}, which ${owner} manages; leave that service out of the release.` });
      }
    }
    return out;
  },
};
