/** What every emitter returns: Kubernetes objects plus the diagnostics of what a target could not express. */
import type { Diagnostic } from '../diagnostics';
import type { Plan } from '../plan';

export interface Manifest {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: {
    readonly name: string;
    readonly namespace: string;
    readonly labels: Readonly<Record<string, string>>;
    readonly annotations?: Readonly<Record<string, string>>;
  };
  readonly spec: Record<string, unknown>;
}

export interface Emitted {
  readonly manifests: Manifest[];
  readonly diagnostics: Diagnostic[];
}

export type Emitter = (plan: Plan) => Emitted;

export const MANAGED_BY = 'app.kubernetes.io/managed-by';
export const RELEASE_LABEL = 'graylane.dev/release';
export const SERVICE_LABEL = 'graylane.dev/service';
export const LANE_LABEL = 'graylane.dev/lane';
/** On an IngressRoute whose spec says Traefik runs with allowCrossNamespace; the object model honours it. */
export const TRAEFIK_CROSS_NAMESPACE_ANNOTATION = 'graylane.dev/traefik-allow-cross-namespace';

/** Labels every object carries: who manages it and which release owns it, plus optional service/lane. */
export function objectMetadata(
  plan: Plan,
  name: string,
  extra: { service?: string; lane?: string } = {},
): Manifest['metadata'] {
  // Assignments rather than spreads of optional parts: the same keys in the same order (a key the spec's
  // labels already hold keeps its place and takes the new value, as with a spread), and much less code for the
  // optimising compiler, which compiles this once per emitter that inlines it.
  const labels: Record<string, string> = { ...plan.labels };
  labels[MANAGED_BY] = 'graylane';
  labels[RELEASE_LABEL] = plan.release;
  if (extra.service !== undefined) labels[SERVICE_LABEL] = extra.service;
  if (extra.lane !== undefined) labels[LANE_LABEL] = extra.lane;
  return { name, namespace: plan.namespace, labels };
}

/**
 * Make-before-break: objects of phase 0 (hosts and subsets) are applied before the routes of phase 1 that
 * name them, and routes stop naming an object before it is deleted. Shells (Pulumi components, CI jobs)
 * order their work by this.
 */
export function applyPhase(manifest: Pick<Manifest, 'kind'>): 0 | 1 {
  return ROUTE_KINDS.has(manifest.kind) ? 1 : 0;
}

const ROUTE_KINDS = new Set(['VirtualService', 'IngressRoute', 'HTTPRoute']);

/** Stable object order: the order they can be applied in (hosts and subsets before routes), then name. */
export function sortManifests(manifests: readonly Manifest[], kindOrder: readonly string[]): Manifest[] {
  // Each kind's place looked up once per kind, not twice per comparison.
  const ranks = new Map<string, number>();
  kindOrder.forEach((kind, i) => {
    if (!ranks.has(kind)) ranks.set(kind, i);
  });
  const rank = (m: Manifest) => ranks.get(m.kind) ?? kindOrder.length;
  return [...manifests].sort(
    (a, b) => rank(a) - rank(b) || (a.metadata.name < b.metadata.name ? -1 : a.metadata.name > b.metadata.name ? 1 : 0),
  );
}
