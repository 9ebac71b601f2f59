import type { StackRule } from '../rule';
import { ISTIO } from '../rule';
import { bigMoves, istioShares } from './weight-changes';

/** A change moves no route share by more than `maxChange` points (e.g. a prod canary jumping 5% → 100%). */
export const istioMaxWeightChange: StackRule = {
  name: 'istio-max-weight-change',
  scope: 'stack',
  description: 'No VirtualService share moves by more than maxChange points in one update.',
  rationale: 'Progressive delivery moves in steps; a jump from 5% to 100% skips every check the steps exist for.',
  defaultLevel: 'disabled',
  kinds: [`${ISTIO}:VirtualService`],
  parameters: {
    maxChange: { type: 'number', minimum: 0, maximum: 100, description: 'Largest move of one share, in percentage points.' },
    baseline: { type: 'string', description: 'Policy pack: path of the previous release\'s rendered YAML (file or directory).' },
  },
  check(objects, context) {
    if (!context.baseline) return [];
    const max = (context.config.maxChange as number | undefined) ?? 25;
    return bigMoves(istioShares(context.baseline), istioShares(objects), max).map(({ share, from, to }) => ({
      object: share.object,
      message: `${share.where} moves ${share.destination} from ${from}% to ${to}%, more than the ${max} points one update may move.`,
    }));
  },
};
