/**
 * A set of Kubernetes objects as the API server would hold them after `kubectl apply` of the inputs in order
 * (files in lexical order, documents in file order): one object per identity — API group (not version), kind,
 * namespace, name — the later document replacing the earlier, with a note saying so.
 */

export interface KubeObject {
  readonly apiVersion?: string;
  readonly kind?: string;
  readonly metadata?: {
    readonly name?: string;
    readonly namespace?: string;
    readonly labels?: Readonly<Record<string, string>>;
    readonly annotations?: Readonly<Record<string, string>>;
    readonly ownerReferences?: readonly { kind?: string; name?: string }[];
  };
  readonly spec?: unknown;
}

/** An object with the identity and apply order the model reads. */
export interface Stored<T extends KubeObject = KubeObject> {
  readonly object: T;
  readonly group: string;
  readonly kind: string;
  readonly namespace: string;
  readonly name: string;
  /** Position in apply order of the document that defined it last. */
  readonly order: number;
}

/** The API groups (and kinds) the model reads; anything else is counted, never silently passed. */
export const ISTIO_GROUP = 'networking.istio.io';
export const TRAEFIK_GROUPS: readonly string[] = ['traefik.io', 'traefik.containo.us'];
const MODELLED: Readonly<Record<string, readonly string[]>> = {
  [ISTIO_GROUP]: ['VirtualService', 'DestinationRule', 'ServiceEntry', 'Gateway', 'EnvoyFilter'],
  'traefik.io': ['IngressRoute', 'TraefikService', 'Middleware'],
  'traefik.containo.us': ['IngressRoute', 'TraefikService', 'Middleware'],
  '': ['Service', 'Namespace'],
  'gateway.networking.k8s.io': ['Gateway', 'HTTPRoute', 'ReferenceGrant'],
  'istio.alibabacloud.com': ['TrafficLabel'],
};

/** Groups of the kinds the model reads, for test doubles written without apiVersion (real YAML always has it). */
const USUAL_GROUP: Readonly<Record<string, string>> = {
  VirtualService: ISTIO_GROUP,
  DestinationRule: ISTIO_GROUP,
  ServiceEntry: ISTIO_GROUP,
  Gateway: ISTIO_GROUP,
  EnvoyFilter: ISTIO_GROUP,
  IngressRoute: 'traefik.io',
  TraefikService: 'traefik.io',
  Middleware: 'traefik.io',
};

export function groupOf(apiVersion: string | undefined, kind?: string): string {
  if (apiVersion === undefined) return USUAL_GROUP[kind ?? ''] ?? '';
  return apiVersion.includes('/') ? apiVersion.slice(0, apiVersion.indexOf('/')) : '';
}

export function identityOf(o: KubeObject, defaultNamespace = 'default'): string {
  return `${groupOf(o.apiVersion, o.kind)}/${o.kind ?? ''}/${o.metadata?.namespace ?? defaultNamespace}/${o.metadata?.name ?? ''}`;
}

export class ObjectSet {
  /** Every stored object, in apply order of its last definition. */
  readonly all: readonly Stored[];
  /** Notes for people: replaced identities, kinds the model does not read. */
  readonly notes: readonly string[];
  private readonly byKind = new Map<string, Stored[]>();
  private readonly byIdentity = new Map<string, Stored>();

  constructor(objects: readonly KubeObject[], defaultNamespace = 'default') {
    const notes: string[] = [];
    // identity → the last definition (a Map keeps the first definition's place, as the sort below expects); the
    // identity is the one identityOf gives. Counts are kept only for identities defined more than once.
    const byIdentity = this.byIdentity;
    let counts: Map<string, number> | undefined;
    // Objects come in runs of one apiVersion: its group is split out once per run, not once per object.
    let lastApiVersion: string | undefined;
    let lastGroup = '';
    for (let order = 0; order < objects.length; order++) {
      const object = objects[order]!;
      // A hole of a hand-written array is no object (forEach skipped it too).
      if (object === undefined && !(order in objects)) continue;
      const apiVersion = object.apiVersion;
      let group: string;
      if (apiVersion !== undefined && apiVersion === lastApiVersion) group = lastGroup;
      else {
        group = groupOf(apiVersion, object.kind);
        if (apiVersion !== undefined) {
          lastApiVersion = apiVersion;
          lastGroup = group;
        }
      }
      const stored: Stored = {
        object,
        group,
        kind: object.kind ?? '',
        namespace: object.metadata?.namespace ?? defaultNamespace,
        name: object.metadata?.name ?? '',
        order,
      };
      const id = `${group}/${stored.kind}/${stored.namespace}/${stored.name}`;
      if (byIdentity.has(id)) {
        counts ??= new Map();
        counts.set(id, (counts.get(id) ?? 1) + 1);
      }
      byIdentity.set(id, stored);
    }
    // Without replacements, insertion order is apply order already.
    const all = [...byIdentity.values()];
    if (counts !== undefined) {
      all.sort((a, b) => a.order - b.order);
      for (const s of all) {
        const n = counts.get(`${s.group}/${s.kind}/${s.namespace}/${s.name}`);
        if (n !== undefined) notes.push(`${s.kind} ${s.namespace}/${s.name} is defined ${n} times; the last definition replaces the others, as kubectl apply does.`);
      }
    }
    this.all = all;
    const unmodelled = new Map<string, number>();
    for (const s of all) {
      if (!(MODELLED[s.group] ?? []).includes(s.kind)) {
        const key = `${s.kind} (${s.group || 'core'})`;
        unmodelled.set(key, (unmodelled.get(key) ?? 0) + 1);
        continue;
      }
      const list = this.byKind.get(s.kind);
      if (list === undefined) this.byKind.set(s.kind, [s]);
      else list.push(s);
    }
    for (const [key, n] of [...unmodelled].sort(([a], [b]) => (a < b ? -1 : 1)))
      notes.push(`${n} object${n === 1 ? '' : 's'} of kind ${key} ${n === 1 ? 'is' : 'are'} not modelled: their effect on traffic is not shown or checked.`);
    this.notes = notes;
  }

  /** Objects of one kind (of a modelled group), in apply order. */
  kind(kind: string): readonly Stored[] {
    return this.byKind.get(kind) ?? [];
  }

  find(group: string | readonly string[], kind: string, namespace: string, name: string): Stored | undefined {
    for (const g of typeof group === 'string' ? [group] : group) {
      const s = this.byIdentity.get(`${g}/${kind}/${namespace}/${name}`);
      if (s) return s;
    }
    return undefined;
  }
}
