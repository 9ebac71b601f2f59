import type { ObjectRule } from '../rule';
import { ISTIO, LANE_HEADER_ANNOTATION, ref } from '../rule';
import { vsSpec, type HeaderOperations } from './istio-helpers';

/**
 * At a gateway, every route removes or overwrites the lane header on every destination, and no route
 * matches on it: otherwise a client picks its own lane (a dev copy, a mock) by sending the header.
 */
export const istioLaneHeaderGuarded: ObjectRule = {
  name: 'istio-lane-header-guarded',
  scope: 'object',
  description: 'Gateway routes remove or overwrite the lane header, and never match on it.',
  rationale: 'A lane header that passes the edge lets any client route itself into developer or mock lanes.',
  defaultLevel: 'mandatory',
  kinds: [`${ISTIO}:VirtualService`],
  parameters: { laneHeader: { type: 'string', description: 'The lane header (default: the object\'s graylane.dev/lane-header annotation).' } },
  check(vs, context) {
    const header = ((context.config.laneHeader as string | undefined) ?? context.laneHeader ?? vs.metadata?.annotations?.[LANE_HEADER_ANNOTATION])?.toLowerCase();
    const spec = vsSpec(vs);
    if (header === undefined || spec.gateways.every((g) => g === 'mesh')) return [];
    const out: string[] = [];
    const guards = (h: HeaderOperations | undefined) =>
      Object.keys(h?.request?.set ?? {}).some((k) => k.toLowerCase() === header) || (h?.request?.remove ?? []).some((k) => k.toLowerCase() === header);
    spec.http.forEach((route, r) => {
      const name = route.name ?? `#${r}`;
      if ((route.match ?? []).some((m) => Object.keys(m.headers ?? {}).some((k) => k.toLowerCase() === header)))
        out.push(`${ref(vs)} route ${name} matches on the lane header "${header}" at a gateway, so clients choose their own lane.`);
      for (const d of route.route ?? []) {
        if (!guards(d.headers) && !guards(route.headers))
          out.push(`${ref(vs)} route ${name} forwards the client's "${header}" header to ${d.destination.host}${d.destination.subset !== undefined ? `/${d.destination.subset}` : ''}; remove or overwrite it on the destination.`);
      }
    });
    return out;
  },
};
