/** The emitter factory: one emitter per target behind one interface. */
import { emitAsm } from './emit/asm';
import { emitGatewayApi } from './emit/gateway-api';
import { emitIstio } from './emit/istio';
import { emitTraefik } from './emit/traefik';
import type { Emitter } from './emit/manifest';
import type { Target } from './spec/schema';

const EMITTERS: Partial<Record<Target, Emitter>> = {
  istio: emitIstio,
  asm: emitAsm,
  traefik: emitTraefik,
  'gateway-api': emitGatewayApi,
};

export function emitterFor(target: Target): Emitter | undefined {
  return EMITTERS[target];
}

export function implementedTargets(): Target[] {
  return Object.keys(EMITTERS) as Target[];
}
