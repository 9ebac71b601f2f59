/**
 * The Traefik side: routers as Traefik's Kubernetes CRD provider makes them from IngressRoutes (one router per
 * route; rule = match, priority = priority, syntax = the route's or the API group's default), and the backends
 * a chosen router's services reach with their shares (weighted TraefikServices nest; mirroring serves from
 * its main service only).
 */
import type { K8sObject } from './judges-cases';
import type { Share } from './judges-compare';

export interface TraefikRouter {
  readonly name: string;
  readonly rule: string;
  readonly priority: number;
  readonly syntax: 'v2' | 'v3';
  readonly entryPoints: readonly string[];
  readonly namespace: string;
  readonly services: readonly ServiceRef[];
}

interface ServiceRef {
  name: string;
  namespace?: string;
  kind?: string;
  port?: number | string;
  weight?: number;
}

interface IngressRouteSpec {
  entryPoints?: string[];
  routes?: { match: string; priority?: number; syntax?: string; services?: ServiceRef[] }[];
}

/** traefik.containo.us is Traefik v2's API group: its rules are v2 syntax. */
function defaultSyntax(apiVersion: string): 'v2' | 'v3' {
  return apiVersion.startsWith('traefik.containo.us/') ? 'v2' : 'v3';
}

export function routersOf(objects: readonly K8sObject[]): TraefikRouter[] {
  return objects
    .filter((o) => o.kind === 'IngressRoute')
    .flatMap((o) => {
      const spec = o.spec as IngressRouteSpec;
      return (spec.routes ?? []).map((r, i) => ({
        name: `${o.metadata.namespace ?? 'default'}/${o.metadata.name}#${i}`,
        rule: r.match,
        priority: r.priority ?? 0,
        syntax: r.syntax === 'v2' || r.syntax === 'v3' ? r.syntax : defaultSyntax(o.apiVersion),
        entryPoints: spec.entryPoints ?? [],
        namespace: o.metadata.namespace ?? 'default',
        services: r.services ?? [],
      }));
    });
}

export function circuitBreakerExpressions(objects: readonly K8sObject[]): string[] {
  return objects
    .filter((o) => o.kind === 'Middleware')
    .map((o) => (o.spec as { circuitBreaker?: { expression?: string } }).circuitBreaker?.expression)
    .filter((e): e is string => e !== undefined);
}

/** Backends and their percent of all requests for a router's services; a string names what cannot be followed. */
export function backendShares(router: TraefikRouter, objects: readonly K8sObject[]): Share[] | string {
  const visit = (refs: readonly ServiceRef[], namespace: string, share: number, depth: number): Share[] | string => {
    if (depth > 10) return 'TraefikService references loop';
    const total = refs.reduce((s, r) => s + (r.weight ?? 1), 0);
    const out: Share[] = [];
    for (const r of refs) {
      const ns = r.namespace ?? namespace;
      const part = refs.length === 1 ? share : (share * (r.weight ?? 1)) / total;
      if (r.kind === 'TraefikService') {
        const ts = objects.find((o) => o.kind === 'TraefikService' && o.metadata.name === r.name && (o.metadata.namespace ?? 'default') === ns);
        if (!ts) return `TraefikService ${ns}/${r.name} is not in the object set`;
        const spec = ts.spec as { weighted?: { services?: ServiceRef[] }; mirroring?: ServiceRef };
        const inner = spec.weighted ? visit(spec.weighted.services ?? [], ns, part, depth + 1) : spec.mirroring ? visit([spec.mirroring], ns, part, depth + 1) : `TraefikService ${ns}/${r.name} is neither weighted nor mirroring`;
        if (typeof inner === 'string') return inner;
        out.push(...inner);
      } else {
        out.push({ host: `${r.name}.${ns}.svc.cluster.local`, ...(typeof r.port === 'number' ? { port: r.port } : {}), share: part });
      }
    }
    return out;
  };
  return visit(router.services, router.namespace, 100, 0);
}
