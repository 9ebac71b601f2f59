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

export function istioRoutingCase(set: ObjectSet, istioObjects: readonly K8sObject[]): { routing: IstioRoutingCase; labels: string[] } {
  const entries = serviceEntries(set.objects);
  const meshServices = istioObjects.filter((o) => o.kind === 'VirtualService' && (!(o.spec as VirtualService).gateways?.length || (o.spec as VirtualService).gateways!.includes('mesh')));
  const namespace = meshServices[0]?.metadata.namespace ?? 'default';
  const requests: RouteRequest[] = [];
  const labels: string[] = [];
  for (const vs of meshServices) {
    const spec = vs.spec as VirtualService;
    const variants: Record<string, string>[] = [{}];
    for (const r of spec.http ?? []) for (const m of r.match ?? []) for (const [name, sm] of Object.entries(m.headers ?? {})) if (sm.exact !== undefined && !variants.some((v) => v[name] === sm.exact)) variants.push({ [name]: sm.exact });
    for (const host of spec.hosts ?? []) {
      for (const headers of variants) {
        requests.push({ port: portOf(host, entries), authority: host, path: '/', headers });
        labels.push(`${host}${Object.keys(headers).length ? ` with ${Object.entries(headers).map(([k, v]) => `${k}: ${v}`).join(', ')}` : ' without headers'}`);
      }
    }
  }
  const config = manifestsToYaml([...istioObjects, ...entries] as unknown as Manifest[]);
  return { routing: { name: set.name, config, namespace, requests }, labels };
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
