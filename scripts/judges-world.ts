/**
 * The cluster an object set assumes but does not contain, for Istio's analyzers: the release's Kubernetes
 * Services (graylane routes to them, it does not create them), their namespaces with sidecar injection, and the
 * platform's ingress Gateway with its workload. Without them every analyzer message would be "not found".
 */
import type { K8sObject } from './judges-cases';

interface Dest {
  host?: string;
  port?: { number?: number };
}

function serviceOf(host: string, namespace: string): { name: string; namespace: string } | undefined {
  const m = /^([a-z0-9-]+)\.([a-z0-9-]+)\.svc\.cluster\.local$/.exec(host);
  if (m) return { name: m[1]!, namespace: m[2]! };
  if (/^[a-z0-9-]+$/.test(host)) return { name: host, namespace };
  const short = /^([a-z0-9-]+)\.([a-z0-9-]+)$/.exec(host);
  if (short) return { name: short[1]!, namespace: short[2]! };
  return undefined;
}

export function clusterWorld(objects: readonly K8sObject[]): K8sObject[] {
  const namespaces = new Set<string>(['istio-system']);
  const services = new Map<string, { name: string; namespace: string; ports: Set<number> }>();
  const gateways = new Map<string, { name: string; namespace: string }>();
  const entryHosts = new Set(objects.filter((o) => o.kind === 'ServiceEntry').flatMap((o) => (o.spec?.hosts as string[] | undefined) ?? []));
  const existing = new Set(objects.map((o) => `${o.kind} ${o.metadata.namespace ?? ''}/${o.metadata.name}`));
  const addService = (host: string | undefined, namespace: string, port?: number) => {
    if (!host || entryHosts.has(host)) return;
    const s = serviceOf(host, namespace);
    if (!s) return;
    const key = `${s.namespace}/${s.name}`;
    const entry = services.get(key) ?? { ...s, ports: new Set<number>() };
    if (port) entry.ports.add(port);
    services.set(key, entry);
    namespaces.add(s.namespace);
  };
  for (const o of objects) {
    const ns = o.metadata.namespace ?? 'default';
    namespaces.add(ns);
    if (o.kind === 'VirtualService') {
      const spec = o.spec as { hosts?: string[]; gateways?: string[]; http?: { route?: { destination?: Dest }[]; mirror?: Dest }[] };
      for (const g of spec.gateways ?? []) {
        if (g === 'mesh') continue;
        const [gns, gname] = g.includes('/') ? g.split('/') : [ns, g];
        gateways.set(`${gns}/${gname}`, { name: gname!, namespace: gns! });
        namespaces.add(gns!);
      }
      if (!spec.gateways || spec.gateways.includes('mesh')) for (const h of spec.hosts ?? []) addService(h, ns);
      for (const r of spec.http ?? []) {
        for (const d of r.route ?? []) addService(d.destination?.host, ns, d.destination?.port?.number);
        if (r.mirror) addService(r.mirror.host, ns, r.mirror.port?.number);
      }
    }
    if (o.kind === 'DestinationRule') addService((o.spec as { host?: string }).host, ns);
  }
  const world: K8sObject[] = [...namespaces].sort().map((name) => ({
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name, labels: name === 'istio-system' ? {} : ({ 'istio-injection': 'enabled' } as Record<string, string>) },
  }));
  for (const s of [...services.values()].sort((a, b) => `${a.namespace}/${a.name}`.localeCompare(`${b.namespace}/${b.name}`))) {
    const ports = s.ports.size > 0 ? [...s.ports].sort((a, b) => a - b) : [80];
    world.push({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: s.name, namespace: s.namespace },
      spec: { selector: { app: s.name }, ports: ports.map((p) => ({ name: `http-${p}`, port: p, protocol: 'TCP' })) },
    });
  }
  if (gateways.size > 0) {
    world.push(
      {
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name: 'istio-ingressgateway', namespace: 'istio-system' },
        spec: { selector: { istio: 'ingressgateway' }, ports: [{ name: 'http2', port: 80, targetPort: 8080, protocol: 'TCP' }] },
      },
      {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: 'istio-ingressgateway-0', namespace: 'istio-system', labels: { istio: 'ingressgateway' } },
        spec: { containers: [{ name: 'istio-proxy', image: 'docker.io/istio/proxyv2:1.30.3', ports: [{ containerPort: 8080 }] }] },
      },
    );
  }
  for (const g of [...gateways.values()]) {
    if (existing.has(`Gateway ${g.namespace}/${g.name}`)) continue;
    world.push({
      apiVersion: 'networking.istio.io/v1',
      kind: 'Gateway',
      metadata: { name: g.name, namespace: g.namespace },
      spec: { selector: { istio: 'ingressgateway' }, servers: [{ port: { number: 80, name: 'http', protocol: 'HTTP' }, hosts: ['*/*'] }] },
    });
  }
  return world;
}
