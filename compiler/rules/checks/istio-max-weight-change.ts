import { ISTIO } from '../rule';
import { istioShares, maxWeightChangeRule } from './weight-changes';

/** A change moves no VirtualService share by more than `maxChange` points (e.g. a prod canary jumping 5% → 100%). */
export const istioMaxWeightChange = maxWeightChangeRule('istio-max-weight-change', [`${ISTIO}:VirtualService`], 'VirtualService', istioShares);
