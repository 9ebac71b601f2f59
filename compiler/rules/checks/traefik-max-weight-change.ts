import { traefikKinds } from '../rule';
import { maxWeightChangeRule, traefikShares } from './weight-changes';

/** A change moves no TraefikService share by more than `maxChange` points. */
export const traefikMaxWeightChange = maxWeightChangeRule('traefik-max-weight-change', traefikKinds('TraefikService'), 'TraefikService', traefikShares);
