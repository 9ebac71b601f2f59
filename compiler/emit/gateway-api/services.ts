/**
 * The Services graylane emits for target gateway-api: one per service × lane of pod labels (selector =
 * workloadLabels + the lane's selector, the service's ports), and for an endpoint lane a Service without
 * selector plus EndpointSlices holding the lane's addresses (core/v1 Service, discovery.k8s.io/v1
 * EndpointSlice). The EndpointSlice controller leaves slices of selector-less Services alone when their
 * `endpointslice.kubernetes.io/managed-by` label names another manager, so graylane's slices are not rewritten.
 */
import type { Plan, PlanLane, PlanService, ServicePort } from '../../plan';
import { lanesByService, lanesRunning, runsService } from '../../plan';
import { isIPv6 } from '../../kubernetes-syntax';
import type { Diagnostic } from '../../diagnostics';
import { LANE_LABEL, objectMetadata, SERVICE_LABEL, type Manifest } from '../manifest';
import { laneService } from './backends';

export const SERVICE_NAME_LABEL = 'kubernetes.io/service-name';
export const ENDPOINT_SLICE_MANAGER_LABEL = 'endpointslice.kubernetes.io/managed-by';
export const ENDPOINT_SLICE_MANAGER = 'graylane.dev';

/** Services and EndpointSlices of every lane that runs a service and needs a Service of graylane's. */
export function laneServices(plan: Plan): Manifest[] {
  const out: Manifest[] = [];
  const running = lanesByService(plan.lanes);
  for (const service of plan.services) {
    for (const lane of lanesRunning(running, service.name)) {
      const ref = laneService(plan, service, lane);
      if ('problem' in ref || !ref.emitted) continue;
      const metadata = { ...objectMetadata(plan, ref.name, { service: service.name, lane: lane.name }), namespace: ref.namespace };
      const selector = lane.kind === 'endpoints' ? undefined : { ...service.workloadLabels, ...lane.selector };
      out.push({
        apiVersion: 'v1',
        kind: 'Service',
        metadata,
        spec: {
          ...(selector ? { selector } : {}),
          ports: service.ports.map((p) => servicePort(p, lane)),
        },
      });
      if (lane.kind === 'endpoints') out.push(...endpointSlices(service, lane, metadata));
    }
  }
  return out;
}

/**
 * HTTP/2 and gRPC ports say so with `appProtocol: kubernetes.io/h2c` (Gateway API's GEP-1911 protocol
 * selection), so implementations speak cleartext HTTP/2 to them as Istio does for the spec's protocol.
 */
function servicePort(p: ServicePort, lane: PlanLane): Record<string, unknown> {
  return {
    name: p.name,
    port: p.number,
    // Without a selector the EndpointSlice's port is the one used; targetPort would be ignored.
    ...(lane.kind === 'endpoints' ? {} : { targetPort: p.targetPort }),
    protocol: 'TCP',
    ...(p.protocol !== 'HTTP' ? { appProtocol: 'kubernetes.io/h2c' } : {}),
  };
}

/**
 * One EndpointSlice per address type and target port (a slice has one address type and one port list).
 * EndpointSlice has no `spec`: its fields are top-level. The manifest's `spec` is a non-enumerable view of
 * them, so code that reads manifests generically works, and printing (enumerable fields only) writes the
 * object as Kubernetes defines it.
 */
function endpointSlices(service: PlanService, lane: PlanLane, serviceMetadata: Manifest['metadata']): Manifest[] {
  const groups = new Map<string, { addressType: 'IPv4' | 'IPv6'; port?: number; addresses: string[] }>();
  for (const e of lane.endpoints ?? []) {
    const addressType = isIPv6(e.address) ? 'IPv6' : 'IPv4';
    const key = `${addressType}|${e.port ?? ''}`;
    const group = groups.get(key) ?? { addressType, ...(e.port !== undefined ? { port: e.port } : {}), addresses: [] };
    group.addresses.push(e.address);
    groups.set(key, group);
  }
  const sorted = [...groups.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return sorted.map(([, g], i) => {
    const fields = {
      addressType: g.addressType,
      endpoints: g.addresses.map((address) => ({ addresses: [address], conditions: { ready: true } })),
      ports: service.ports.map((p) => ({ name: p.name, port: g.port ?? p.number, protocol: 'TCP', ...(p.protocol !== 'HTTP' ? { appProtocol: 'kubernetes.io/h2c' } : {}) })),
    };
    const slice = {
      apiVersion: 'discovery.k8s.io/v1',
      kind: 'EndpointSlice',
      metadata: {
        ...serviceMetadata,
        name: sorted.length === 1 ? serviceMetadata.name : `${serviceMetadata.name}-${i + 1}`,
        labels: { ...serviceMetadata.labels, [SERVICE_NAME_LABEL]: serviceMetadata.name, [ENDPOINT_SLICE_MANAGER_LABEL]: ENDPOINT_SLICE_MANAGER },
      },
      ...fields,
    };
    Object.defineProperty(slice, 'spec', { value: fields, enumerable: false });
    return slice as unknown as Manifest;
  });
}

/** The top-level fields of a manifest that are not apiVersion, kind, metadata or spec (EndpointSlice's). */
export function topLevelFields(m: Manifest): Record<string, unknown> {
  const { apiVersion: _a, kind: _k, metadata: _m, spec: _s, ...rest } = m as Manifest & Record<string, unknown>;
  return rest;
}

const DNS_1035 = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
/** IANA_SVC_NAME, as Kubernetes validates a Service port's name. */
const PORT_NAME = /^(?=.*[a-z])(?!.*--)[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/**
 * What the API server or the application would refuse about the Services graylane emits: a name that is not a
 * DNS-1035 label of at most 63 characters, a port name that is not an IANA service name (GL252), and a name the
 * application's own Services already have — a `serviceName` or `namespace` lane's, or a service's own (GL253):
 * graylane would overwrite it, and deleting graylane's would delete the application's.
 */
export function serviceProblems(plan: Plan, services: readonly Manifest[]): Diagnostic[] {
  const out: Diagnostic[] = [];
  const theirs = new Map<string, string>();
  for (const service of plan.services) {
    const own = /^([^.]+)\.([^.]+)\.svc\.cluster\.local$/.exec(service.host);
    if (own) theirs.set(`${own[2]}/${own[1]}`, `service "${service.name}"`);
    for (const lane of plan.lanes) {
      // laneService is pure: asking only for the lanes that run the service changes nothing but the work.
      if (!runsService(lane, service.name)) continue;
      const ref = laneService(plan, service, lane);
      if (!('problem' in ref) && !ref.emitted) theirs.set(`${ref.namespace}/${ref.name}`, `lane "${lane.name}" of service "${service.name}"`);
    }
  }
  for (const m of services.filter((s) => s.kind === 'Service')) {
    const at = ['spec', 'lanes', m.metadata.labels[LANE_LABEL] ?? ''];
    const what = `the Service ${m.metadata.namespace}/${m.metadata.name} that target gateway-api emits for service "${m.metadata.labels[SERVICE_LABEL]}" in lane "${m.metadata.labels[LANE_LABEL]}"`;
    if (m.metadata.name.length > 63 || !DNS_1035.test(m.metadata.name))
      out.push({ code: 'GL252', severity: 'error', path: at, message: `The name of ${what} is not a DNS-1035 label (a letter first, at most 63 characters), which a Service name must be.`, hint: 'shorten or rename the service or lane' });
    for (const p of (m.spec.ports as { name: string }[]))
      if (p.name.length > 15 || !PORT_NAME.test(p.name))
        out.push({ code: 'GL252', severity: 'error', path: ['spec', 'services', m.metadata.labels[SERVICE_LABEL] ?? '', 'ports'], message: `Port name "${p.name}" of ${what} is not an IANA service name (at most 15 lower-case letters, digits and single "-", a letter among them), which a Service port name must be.`, hint: 'name the port e.g. "http" or "grpc-web"' });
    const owner = theirs.get(`${m.metadata.namespace}/${m.metadata.name}`);
    if (owner !== undefined)
      out.push({ code: 'GL253', severity: 'error', path: at, message: `${what[0]!.toUpperCase()}${what.slice(1)} has the name of the application's Service for ${owner}; graylane would overwrite that Service, and deleting its own would delete the application's.`, hint: 'rename the lane, or the serviceName template of the other lane' });
  }
  return out;
}
