import type { StackRule } from '../rule';
import { traefikKinds } from '../rule';
import { bigMoves, traefikShares } from './weight-changes';

/** A change moves no TraefikService share by more than `maxChange` points. */
export const traefikMaxWeightChange: StackRule = {
  name: 'traefik-max-weight-change',
  scope: 'stack',
  description: 'No TraefikService share moves by more than maxChange points in one update.',
  rationale: 'Progressive delivery moves in steps; a jump from 5% to 100% skips every check the steps exist for.',
  defaultLevel: 'disabled',
  kinds: traefikKinds('TraefikService'),
  parameters: {
    maxChange: { type: 'number', minimum: 0, maximum: 100, description: 'Largest move of one share, in percentage points.' },
    baseline: { type: 'string', description: 'Policy pack: path of the previous release\'s rendered YAML (file or directory).' },
  },
  check(objects, context) {
    if (!context.baseline) return [];
    const max = (context.config.maxChange as number | undefined) ?? 25;
    return bigMoves(traefikShares(context.baseline), traefikShares(objects), max).map(({ share, from, to }) => ({
      object: share.object,
      message: `${share.where} moves ${share.destination} from ${fmt(from)}% to ${fmt(to)}%, more than the ${max} points one update may move.`,
    }));
  },
};

function fmt(n: number): string {
  return Number.isInteger(n) ? String(n) : n.toFixed(1);
}
