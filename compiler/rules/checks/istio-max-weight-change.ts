import { ISTIO_MODEL_KINDS } from '../rule';
import { maxWeightChangeRule } from './weight-changes';

/** A change moves no Istio request class's share by more than `maxChange` points (e.g. a prod canary jumping 5% → 100%). */
export const istioMaxWeightChange = maxWeightChangeRule(
  'istio-max-weight-change',
  ISTIO_MODEL_KINDS,
  'VirtualService',
  'istio',
);
