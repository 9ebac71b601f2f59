import { modelOf } from '../../model/model';
import type { RuleNode } from '../../simulate/traefik-rule';
import type { K8sObject, StackRule } from '../rule';
import { LANE_HEADER_ANNOTATION, ref, TRAEFIK_MODEL_KINDS } from '../rule';

/**
 * Every IngressRoute route runs a headers Middleware (directly or through a chain) that removes or sets the lane
 * header, and no route matches on it.
 */
export const traefikLaneHeaderGuarded: StackRule = {
  name: 'traefik-lane-header-guarded',
  scope: 'stack',
  description: 'Traefik routes strip or set the lane header and never match on it.',
  rationale: 'A lane header that passes the edge lets any client route itself into developer or mock lanes.',
  defaultLevel: 'mandatory',
  kinds: TRAEFIK_MODEL_KINDS,
  parameters: { laneHeader: { type: 'string', description: 'The lane header (default: the object\'s graylane.dev/lane-header annotation).' } },
  check(objects, context) {
    const out: { object: K8sObject; message: string }[] = [];
    const traefik = modelOf(objects).traefik;
    for (const router of traefik.routers) {
      const o = router.ingressRoute.object;
      const header = ((context.config.laneHeader as string | undefined) ?? context.laneHeader ?? o.metadata?.annotations?.[LANE_HEADER_ANNOTATION])?.toLowerCase();
      if (header === undefined) continue;
      if (router.rule && matchesHeader(router.rule, header))
        out.push({ object: o, message: `${ref(o)} route #${router.index} matches on the lane header "${header}", so clients choose their own lane.` });
      const guarded = traefik.middlewareChain(router).some((m) => {
        const custom = ((m.object.spec ?? {}) as { headers?: { customRequestHeaders?: Record<string, string> } }).headers?.customRequestHeaders ?? {};
        return Object.keys(custom).some((k) => k.toLowerCase() === header);
      });
      if (!guarded)
        out.push({ object: o, message: `${ref(o)} route #${router.index} passes the client's "${header}" header on; add a headers Middleware that removes it (customRequestHeaders with an empty value).` });
    }
    return out;
  },
};

function matchesHeader(node: RuleNode, header: string): boolean {
  switch (node.op) {
    case 'and':
    case 'or':
      return matchesHeader(node.left, header) || matchesHeader(node.right, header);
    case 'not':
      return matchesHeader(node.operand, header);
    case 'call':
      return /^Headers?(Regexp)?$/.test(node.name) && node.args[0]?.toLowerCase() === header;
  }
}
