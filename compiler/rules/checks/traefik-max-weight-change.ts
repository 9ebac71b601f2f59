import { TRAEFIK_MODEL_KINDS } from '../rule';
import { maxWeightChangeRule } from './weight-changes';

/** A change moves no Traefik request class's share by more than `maxChange` points. */
export const traefikMaxWeightChange = maxWeightChangeRule(
  'traefik-max-weight-change',
  TRAEFIK_MODEL_KINDS,
  'Traefik',
  'traefik',
);
