/**
 * Policy rules: pure predicates over Kubernetes objects — graylane's or hand-written — shared by the
 * compiler's check of its own output, `graylane check`, and the CrossGuard policy pack.
 */

import type { KubeObject } from '../model/object-set';

export type EnforcementLevel = 'mandatory' | 'advisory' | 'disabled';

/** Any Kubernetes object, graylane's or hand-written: the object model's type. */
export type K8sObject = KubeObject;

/** A rule's settings: its enforcement level and its parameters. */
export type RuleConfig = { readonly enforcementLevel?: EnforcementLevel } & Readonly<Record<string, unknown>>;

export interface RuleContext {
  readonly environment: string;
  readonly config: RuleConfig;
  /** The lane header, when known from elsewhere than the objects (their annotation says it too). */
  readonly laneHeader?: string;
  /** Objects as they were before this change (for rules that compare). */
  readonly baseline?: readonly K8sObject[];
}

interface RuleBase {
  /** kebab-case, prefixed by target: istio-…, traefik-…, kubernetes-…, graylane-…. */
  readonly name: string;
  readonly description: string;
  /** Why the rule exists: the outage it prevents. */
  readonly rationale: string;
  /** Level when neither the environment nor the user says otherwise. */
  readonly defaultLevel: EnforcementLevel;
  /** "group:Kind" of the objects it looks at, e.g. "networking.istio.io:VirtualService". */
  readonly kinds: readonly string[];
  /** Parameters and their JSON Schema, for the policy pack's config. */
  readonly parameters?: Readonly<Record<string, Record<string, unknown>>>;
}

export interface ObjectRule extends RuleBase {
  readonly scope: 'object';
  /** Full-sentence violation messages; empty when the object complies. */
  check(object: K8sObject, context: RuleContext): string[];
}

export interface StackRule extends RuleBase {
  readonly scope: 'stack';
  check(objects: readonly K8sObject[], context: RuleContext): { object: K8sObject; message: string }[];
}

export type Rule = ObjectRule | StackRule;

/** "group:Kind" of an object. */
export function kindKey(o: K8sObject): string {
  const apiVersion = o.apiVersion ?? '';
  const slash = apiVersion.indexOf('/');
  return `${slash < 0 ? apiVersion : apiVersion.slice(0, slash)}:${o.kind}`;
}

export function appliesTo(rule: Rule, o: K8sObject): boolean {
  return rule.kinds.includes(kindKey(o));
}

/** "VirtualService bookinfo/reviews". */
export function ref(o: K8sObject): string {
  return `${o.kind} ${o.metadata?.namespace ?? 'default'}/${o.metadata?.name ?? '?'}`;
}

export const ISTIO = 'networking.istio.io';
export const TRAEFIK_GROUPS = ['traefik.io', 'traefik.containo.us'] as const;
export const traefikKinds = (kind: string) => TRAEFIK_GROUPS.map((g) => `${g}:${kind}`);

/** The annotation graylane puts on entry objects: which header names the lane. */
export const LANE_HEADER_ANNOTATION = 'graylane.dev/lane-header';

/** What the object model reads for Istio routing; rules over the model share it, so it is built once per run. */
export const ISTIO_MODEL_KINDS: readonly string[] = ['VirtualService', 'DestinationRule', 'ServiceEntry', 'Gateway'].map((k) => `${ISTIO}:${k}`).concat('v1:Service');
/** What the object model reads for Traefik routing. */
export const TRAEFIK_MODEL_KINDS: readonly string[] = [...traefikKinds('IngressRoute'), ...traefikKinds('TraefikService'), ...traefikKinds('Middleware'), 'v1:Service'];
export const GATEWAY_API = 'gateway.networking.k8s.io';
/** What the object model reads for Gateway API routing. */
export const GATEWAY_API_MODEL_KINDS: readonly string[] = ['HTTPRoute', 'Gateway', 'ReferenceGrant'].map((k) => `${GATEWAY_API}:${k}`).concat('v1:Service', 'v1:Namespace');
