import type { ObjectRule } from '../rule';
import { ISTIO, ref, traefikKinds } from '../rule';

const LANE_LABEL = 'graylane.dev/lane';

/**
 * Only the environment's lanes reach it: in prod no developer lanes (names matching `forbiddenLanes`) and no
 * endpoint lanes (ServiceEntries standing in for services, e.g. mocks).
 */
export const graylaneLanesAllowed: ObjectRule = {
  name: 'graylane-lanes-allowed',
  scope: 'object',
  description: 'No lanes the environment forbids (e.g. dev-* or endpoint lanes in prod).',
  rationale: 'A developer or mock lane in prod serves real users from unreviewed code or fake data.',
  defaultLevel: 'disabled',
  kinds: [`${ISTIO}:DestinationRule`, `${ISTIO}:ServiceEntry`, ...traefikKinds('Middleware')],
  parameters: {
    forbiddenLanes: { type: 'array', items: { type: 'string' }, description: 'Regexes of lane names not allowed.' },
    forbidEndpointLanes: { type: 'boolean', description: 'Lanes backed by fixed endpoints (ServiceEntries) are not allowed.' },
  },
  check(o, context) {
    const patterns = ((context.config.forbiddenLanes as string[] | undefined) ?? []).map((p) => new RegExp(p));
    const lanes = new Set<string>();
    const label = o.metadata?.labels?.[LANE_LABEL];
    if (label) lanes.add(label);
    if (o.kind === 'DestinationRule') for (const s of ((o.spec ?? {}) as { subsets?: { name: string }[] }).subsets ?? []) lanes.add(s.name);
    const out = [...lanes].filter((l) => patterns.some((p) => p.test(l))).map((l) => `${ref(o)} belongs to lane "${l}", which ${context.environment} does not allow.`);
    if (o.kind === 'ServiceEntry' && context.config.forbidEndpointLanes === true && label)
      out.push(`${ref(o)} backs lane "${label}" with fixed endpoints, which ${context.environment} does not allow.`);
    return out;
  },
};
