/**
 * What a cluster holds besides graylane's gateway-api output, for the Gateway API simulator: the Gateway the
 * entry names (one HTTP listener on port 80 admitting routes from every namespace) and the application's own
 * Services — each service's Service and the Services of its `serviceName` and `namespace` lanes — with the
 * spec's ports. graylane emits none of these.
 */
import type { Manifest, Plan } from '../../compiler';
import { laneService } from '../../compiler/emit/gateway-api/backends';

export function gatewayApiCluster(plan: Plan, listener: { port?: number; hostname?: string } = {}): Manifest[] {
  const out: Manifest[] = [];
  const gateway = plan.entry.gateway;
  if (gateway)
    out.push({
      apiVersion: 'gateway.networking.k8s.io/v1',
      kind: 'Gateway',
      metadata: { name: gateway.name, namespace: gateway.namespace, labels: {} },
      spec: {
        gatewayClassName: 'test',
        listeners: [{ name: 'http', protocol: 'HTTP', port: listener.port ?? 80, ...(listener.hostname ? { hostname: listener.hostname } : {}), allowedRoutes: { namespaces: { from: 'All' } } }],
      },
    });
  const seen = new Set<string>();
  for (const service of plan.services) {
    const own = /^([^.]+)\.([^.]+)\.svc\.cluster\.local$/.exec(service.host);
    const refs = [
      ...(own ? [{ name: own[1]!, namespace: own[2]! }] : []),
      ...plan.lanes.filter((l) => l.runs.includes(service.name)).flatMap((l) => {
        const ref = laneService(plan, service, l);
        return 'problem' in ref || ref.emitted ? [] : [ref];
      }),
    ];
    for (const ref of refs) {
      const key = `${ref.namespace}/${ref.name}`;
      if (seen.has(key)) continue;
      seen.add(key);
      out.push({
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name: ref.name, namespace: ref.namespace, labels: {} },
        spec: { ports: service.ports.map((p) => ({ name: p.name, port: p.number, protocol: 'TCP' })) },
      });
    }
  }
  return out;
}
