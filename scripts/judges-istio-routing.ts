/**
 * Istio's own routing: the Envoy routes istiod generates for a sidecar (tools/judges/istio/routes.go) choose the
 * weighted clusters for each request; they must equal the root hop of `graylane explain --mesh`. Requests: every
 * host of every mesh-bound VirtualService, with no header and with each exact header value its matches name.
 */
import { manifestsToYaml, type Manifest } from '../compiler';
import type { K8sObject, ObjectSet } from './judges-cases';
import type { Share } from './judges-compare';
import { clusterWorld } from './judges-world';

export interface RouteRequest {
  port: number;
  authority: string;
  path: string;
  headers: Record<string, string>;
}

export interface IstioRoutingCase {
  name: string;
  config: string;
  namespace: string;
  /** The ingress gateway's routes rather than a sidecar's. */
  gateway: boolean;
  requests: RouteRequest[];
}

export interface IstioRoutingVerdict {
  name: string;
  error?: string;
  choices: { virtualHost: string; route: string; clusters: { cluster: string; weight: number }[]; problem?: string }[];
}

type VirtualService = { hosts?: string[]; gateways?: string[]; http?: { match?: { headers?: Record<string, { exact?: string }> }[] }[] };

/** The Kubernetes Services the set assumes, as ServiceEntries: the harness's registry takes Istio objects only. */
function serviceEntries(objects: readonly K8sObject[]): K8sObject[] {
  return clusterWorld(objects)
    .filter((o) => o.kind === 'Service' && o.metadata.namespace !== 'istio-system')
    .map((s, i) => ({
      apiVersion: 'networking.istio.io/v1',
      kind: 'ServiceEntry',
      metadata: { name: `svc-${s.metadata.name}`, namespace: s.metadata.namespace! },
      spec: {
        hosts: [`${s.metadata.name}.${s.metadata.namespace}.svc.cluster.local`],
        location: 'MESH_INTERNAL',
        resolution: 'STATIC',
        ports: ((s.spec?.ports as { port: number }[]) ?? []).map((p) => ({ number: p.port, name: `http-${p.port}`, protocol: 'HTTP' })),
        endpoints: [{ address: `10.99.${Math.floor(i / 250)}.${(i % 250) + 1}` }],
      },
    }));
}

function portOf(host: string, entries: readonly K8sObject[]): number {
  const se = entries.find((e) => (e.spec?.hosts as string[]).includes(host));
  return ((se?.spec?.ports as { number: number }[] | undefined) ?? [])[0]?.number ?? 80;
}

function headerVariants(spec: VirtualService): Record<string, string>[] {
  const variants: Record<string, string>[] = [{}];
  for (const r of spec.http ?? []) for (const m of r.match ?? []) for (const [name, sm] of Object.entries(m.headers ?? {})) if (sm.exact !== undefined && !variants.some((v) => v[name] === sm.exact)) variants.push({ [name]: sm.exact });
  return variants;
}

function describe(host: string, headers: Record<string, string>): string {
  return `${host}${Object.keys(headers).length ? ` with ${Object.entries(headers).map(([k, v]) => `${k}: ${v}`).join(', ')}` : ' without headers'}`;
}

/**
 * One case for the sidecar (the mesh VirtualServices, called from the release's namespace) and, when a
 * VirtualService binds `gateway` ("namespace/name"), one for that ingress gateway.
 */
export function istioRoutingCases(set: ObjectSet, istioObjects: readonly K8sObject[]): { routing: IstioRoutingCase; labels: string[]; gateway?: string }[] {
  const entries = serviceEntries(set.objects);
  const gateways = clusterWorld(set.objects).filter((o) => o.kind === 'Gateway');
  const config = manifestsToYaml([...istioObjects, ...entries, ...gateways] as unknown as Manifest[]);
  const services = istioObjects.filter((o) => o.kind === 'VirtualService');
  const bound = (vs: K8sObject) => (vs.spec as VirtualService).gateways ?? [];
  const out: { routing: IstioRoutingCase; labels: string[]; gateway?: string }[] = [];
  const mesh = services.filter((vs) => bound(vs).length === 0 || bound(vs).includes('mesh'));
  const namespace = mesh[0]?.metadata.namespace ?? services[0]?.metadata.namespace ?? 'default';
  const sidecar: IstioRoutingCase = { name: set.name, config, namespace, gateway: false, requests: [] };
  const sidecarLabels: string[] = [];
  for (const vs of mesh) {
    for (const host of (vs.spec as VirtualService).hosts ?? []) {
      for (const headers of headerVariants(vs.spec as VirtualService)) {
        sidecar.requests.push({ port: portOf(host, entries), authority: host, path: '/', headers });
        sidecarLabels.push(`sidecar in ${namespace} calling ${describe(host, headers)}`);
      }
    }
  }
  if (sidecar.requests.length > 0) out.push({ routing: sidecar, labels: sidecarLabels });
  const gatewayRefs = [...new Set(services.flatMap((vs) => bound(vs).filter((g) => g !== 'mesh').map((g) => (g.includes('/') ? g : `${vs.metadata.namespace}/${g}`))))].sort();
  for (const ref of gatewayRefs) {
    const routing: IstioRoutingCase = { name: `${set.name} gateway ${ref}`, config, namespace: 'istio-system', gateway: true, requests: [] };
    const labels: string[] = [];
    for (const vs of services.filter((v) => bound(v).some((g) => (g.includes('/') ? g : `${v.metadata.namespace}/${g}`) === ref))) {
      for (const host of (vs.spec as VirtualService).hosts ?? []) {
        for (const headers of headerVariants(vs.spec as VirtualService)) {
          routing.requests.push({ port: 80, authority: host, path: '/', headers });
          labels.push(`gateway ${ref} for ${describe(host, headers)}`);
        }
      }
    }
    if (routing.requests.length > 0) out.push({ routing, labels, gateway: ref });
  }
  return out;
}

/** "host|subset" shares of the weighted clusters Envoy would use (cluster names are outbound|port|subset|host). */
export function clusterShares(clusters: readonly { cluster: string; weight: number }[]): Share[] | string {
  const total = clusters.reduce((s, c) => s + c.weight, 0);
  const out: Share[] = [];
  for (const c of clusters) {
    const parts = c.cluster.split('|');
    if (parts.length !== 4 || parts[0] !== 'outbound') return `Envoy routes to cluster ${c.cluster}, which is no outbound service cluster`;
    out.push({ host: `${parts[3]}|${parts[2]}`, share: (100 * c.weight) / total });
  }
  return out;
}

/** The root hop of `graylane explain --format json`, as "host|subset" shares. */
export function explainedRootShares(explained: unknown): Share[] {
  const ds = (explained as { destinations?: { host: string; subset?: string; share: number }[] }).destinations ?? [];
  return ds.map((d) => ({ host: `${d.host}|${d.subset ?? ''}`, share: d.share }));
}
