/**
 * exportTo must cover every namespace that must see the release's Istio objects. istiod hands a proxy only the
 * VirtualServices, DestinationRules and ServiceEntries exported to the proxy's namespace (pilot/pkg/model
 * push_context.go: IsVisibleToNamespace over exportTo), so a namespace the list leaves out gets no lane routes
 * and no subsets: its calls take Istio's default route to any pod of the host, and a gateway there answers 404.
 *
 * Who must see them, from the spec alone:
 * - each namespace lane's namespace: the lane's copies run there and call the release's next services;
 * - the entry Gateway's namespace: the gateway proxy reads the entry VirtualService and the entry services'
 *   DestinationRules (subsets) from there;
 * - the callers the spec names: `entry.callers` (a mesh entry's clients, or Traefik's namespace in tag mode) and
 *   `services.<name>.callers`.
 * An explicit exportTo that leaves one out is refused (GL270) rather than emitted.
 */
import type { Diagnostic } from './diagnostics';
import type { Plan } from './plan';

type Finding = Omit<Diagnostic, 'file' | 'position'>;

interface Viewer {
  readonly reason: string;
  readonly objects: string;
  readonly consequence: string;
}

export function checkExportTo(plan: Plan): Finding[] {
  const list = plan.exportTo;
  if (list === undefined || !plan.targets.some((t) => t === 'istio' || t === 'asm')) return [];
  const out: Finding[] = [];
  const covered = (ns: string) => list.includes('*') || list.includes(ns) || (ns === plan.namespace && list.includes('.'));
  const viewers = new Map<string, Viewer[]>();
  const need = (ns: string, viewer: Viewer) => {
    if (!covered(ns)) viewers.set(ns, [...(viewers.get(ns) ?? []), viewer]);
  };
  for (const lane of plan.lanes) {
    if (lane.kind !== 'namespace' || lane.namespace === undefined) continue;
    need(lane.namespace, {
      reason: `lane "${lane.name}" runs its copies`,
      objects: 'the release\'s VirtualServices and DestinationRules',
      consequence: 'their calls to the next service would skip the lane routes and reach any pod of it',
    });
  }
  const gateway = plan.entry.gateway;
  if (plan.entry.declared && gateway)
    need(gateway.namespace, {
      reason: `the entry's Gateway ${gateway.namespace}/${gateway.name} runs`,
      objects: 'the entry VirtualService and the entry services\' DestinationRules',
      consequence: 'the gateway would not see the entry routes and answer 404',
    });
  for (const ns of plan.entry.declared ? plan.entry.callers : [])
    need(ns, { reason: 'entry.callers names it', objects: `the VirtualServices and DestinationRules of ${plan.entry.services.join(', ')}`, consequence: 'its calls would skip the entry rules and lane routes' });
  for (const service of plan.services)
    for (const ns of service.callers)
      need(ns, { reason: `services.${service.name}.callers names it`, objects: `the VirtualService and DestinationRules of ${service.name}`, consequence: 'its calls would skip the lane routes' });
  for (const [ns, needs] of [...viewers].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const first = needs[0]!;
    out.push({
      code: 'GL270',
      severity: 'error',
      path: ['spec', 'exportTo'],
      message: `exportTo ${JSON.stringify(list)} hides ${first.objects} from namespace "${ns}", where ${needs.map((v) => v.reason).join(' and ')}: ${first.consequence}.`,
      hint: `add "${ns}" to exportTo`,
    });
  }
  out.push(...traefikSidecarCallers(plan));
  return out;
}

/**
 * Traefik in tag mode hands requests to its own sidecar, which applies the entry service's VirtualService (see
 * emit/traefik/mesh-handover.ts); with exportTo set, Traefik's namespace must see it, and only the spec's
 * entry.callers can say where Traefik runs.
 */
function traefikSidecarCallers(plan: Plan): Finding[] {
  const list = plan.exportTo;
  if (!list || list.includes('*') || !plan.targets.includes('traefik') || !plan.entry.declared || plan.entry.callers.length > 0) return [];
  const tagged = plan.entry.rules.some((r) => r.split.some((w) => plan.services.find((s) => s.name === r.service)?.resolution[w.lane]?.subset !== undefined));
  if (!tagged) return [];
  return [
    {
      code: 'GL271',
      severity: 'warning',
      path: ['spec', 'entry'],
      message: `Traefik reaches pod-label lanes through its own Istio sidecar, which must see the entry services' VirtualServices and DestinationRules; exportTo ${JSON.stringify(list)} hides them from every namespace it does not list, and the spec does not say where Traefik runs.`,
      hint: 'list Traefik\'s namespace in entry.callers and in exportTo',
    },
  ];
}
