import type { K8sObject, StackRule } from '../rule';
import { LANE_HEADER_ANNOTATION, ref, traefikKinds } from '../rule';

/**
 * Every IngressRoute route runs a headers Middleware that removes or sets the lane header, and no route
 * matches on it.
 */
export const traefikLaneHeaderGuarded: StackRule = {
  name: 'traefik-lane-header-guarded',
  scope: 'stack',
  description: 'Traefik routes strip or set the lane header and never match on it.',
  rationale: 'A lane header that passes the edge lets any client route itself into developer or mock lanes.',
  defaultLevel: 'mandatory',
  kinds: [...traefikKinds('IngressRoute'), ...traefikKinds('Middleware')],
  parameters: { laneHeader: { type: 'string', description: 'The lane header (default: the object\'s graylane.dev/lane-header annotation).' } },
  check(objects, context) {
    const out: { object: K8sObject; message: string }[] = [];
    for (const o of objects.filter((x) => x.kind === 'IngressRoute')) {
      const header = ((context.config.laneHeader as string | undefined) ?? context.laneHeader ?? o.metadata?.annotations?.[LANE_HEADER_ANNOTATION])?.toLowerCase();
      if (header === undefined) continue;
      const routes = ((o.spec ?? {}) as { routes?: { match?: string; middlewares?: { name: string; namespace?: string }[] }[] }).routes ?? [];
      const escaped = header.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      routes.forEach((route, i) => {
        if (new RegExp(`Headers?(Regexp)?\\(\\s*[\`"]${escaped}[\`"]`, 'i').test(route.match ?? ''))
          out.push({ object: o, message: `${ref(o)} route #${i} matches on the lane header "${header}", so clients choose their own lane.` });
        const guarded = (route.middlewares ?? []).some((m) => {
          const ns = m.namespace ?? o.metadata?.namespace ?? 'default';
          const mw = objects.find((x) => x.kind === 'Middleware' && x.metadata?.name === m.name && (x.metadata?.namespace ?? 'default') === ns);
          const custom = ((mw?.spec ?? {}) as { headers?: { customRequestHeaders?: Record<string, string> } }).headers?.customRequestHeaders ?? {};
          return Object.keys(custom).some((k) => k.toLowerCase() === header);
        });
        if (!guarded)
          out.push({ object: o, message: `${ref(o)} route #${i} passes the client's "${header}" header on; add a headers Middleware that removes it (customRequestHeaders with an empty value).` });
      });
    }
    return out;
  },
};
