import type { K8sObject, StackRule } from '../rule';
import { ISTIO, ref, traefikKinds } from '../rule';

/** Two objects that would be one in the cluster: the second apply replaces the first. */
export interface IdentityCollision {
  readonly first: K8sObject;
  readonly second: K8sObject;
  /** What they share, in words: `DestinationRule shop/a-b-c`, or `subset "gray" of host …`. */
  readonly what: string;
  readonly subset: boolean;
}

/**
 * Objects that share API group, kind, namespace and name (Kubernetes keeps one: the last applied), and
 * DestinationRules of one host that define the same subset name (Istio merges them, one subset wins).
 * Either way a route loses its destination without an error anywhere.
 */
export function identityCollisions(objects: readonly K8sObject[]): IdentityCollision[] {
  const out: IdentityCollision[] = [];
  const byIdentity = new Map<string, K8sObject>();
  const bySubset = new Map<string, K8sObject>();
  // Objects come in runs of one apiVersion: its group is split out once per run.
  let lastApiVersion: string | undefined;
  let group = '';
  for (const o of objects) {
    const apiVersion = o.apiVersion ?? '';
    if (apiVersion !== lastApiVersion) {
      const slash = apiVersion.indexOf('/');
      group = slash < 0 ? apiVersion : apiVersion.slice(0, slash);
      lastApiVersion = apiVersion;
    }
    const identity = `${group}|${o.kind}|${o.metadata?.namespace ?? 'default'}|${o.metadata?.name}`;
    const first = byIdentity.get(identity);
    if (first) out.push({ first, second: o, what: ref(o), subset: false });
    else byIdentity.set(identity, o);
    if (o.kind !== 'DestinationRule') continue;
    const spec = o.spec as { host?: string; subsets?: { name?: string }[] } | undefined;
    const subsets = spec?.subsets ?? [];
    // Keys this object defined so far (an object listed twice is one identity collision, not a subset one);
    // most rules define one subset, and a first subset has none before it.
    let seenHere: Set<string> | undefined;
    for (const subset of subsets) {
      const key = `${o.metadata?.namespace ?? 'default'}|${spec?.host}|${subset.name}`;
      const owner = bySubset.get(key);
      if (owner && (owner !== o || seenHere?.has(key) === true)) out.push({ first: owner, second: o, what: `subset "${subset.name}" of host ${spec?.host}`, subset: true });
      else bySubset.set(key, o);
      if (subsets.length > 1) (seenHere ??= new Set()).add(key);
    }
  }
  return out;
}

export const kubernetesUniqueIdentities: StackRule = {
  name: 'kubernetes-unique-identities',
  scope: 'stack',
  description: 'No two objects share group, kind, namespace and name, and no host has two subsets of one name.',
  rationale: 'The second of two objects with one identity replaces the first when applied, and duplicate subsets of a host are merged by Istio: either way routes lose their destination (503s) with no error.',
  defaultLevel: 'mandatory',
  kinds: [
    ...['VirtualService', 'DestinationRule', 'ServiceEntry', 'EnvoyFilter', 'Gateway', 'Sidecar'].map((k) => `${ISTIO}:${k}`),
    'istio.alibabacloud.com:TrafficLabel',
    'gateway.networking.k8s.io:HTTPRoute',
    'networking.k8s.io:Ingress',
    ...traefikKinds('IngressRoute'),
    ...traefikKinds('TraefikService'),
    ...traefikKinds('Middleware'),
  ],
  check(objects) {
    return identityCollisions(objects).map((c) => ({
      object: c.second,
      message: !c.subset
        ? `${c.what} is defined twice; applying them keeps only the last one.`
        : c.first === c.second
          ? `${ref(c.second)} defines ${c.what} twice; Istio keeps one of them.`
          : `${ref(c.second)} and ${ref(c.first)} both define ${c.what}; Istio keeps one of them.`,
    }));
  },
};
