/** ServiceEntries for endpoint lanes: fixed addresses on a host of their own (never a Kubernetes Service's). */
import type { Plan } from '../../plan';
import { runsService } from '../../plan';
import { LANE_LABEL, objectMetadata, type Manifest } from '../manifest';
import { laneObjectName } from '../object-names';
import { ENDPOINT_HOST_SUFFIX } from '../../normalize';
import { ISTIO_API } from './destination-rules';

export function serviceEntries(plan: Plan): Manifest[] {
  const out: Manifest[] = [];
  for (const service of plan.services) {
    for (const lane of plan.lanes) {
      if (lane.kind !== 'endpoints' || !runsService(lane, service.name)) continue;
      const host = service.resolution[lane.name]!.host;
      const defaultHost = `${service.name}.${lane.name}.${plan.namespace}.${ENDPOINT_HOST_SUFFIX}`;
      out.push({
        apiVersion: ISTIO_API,
        kind: 'ServiceEntry',
        metadata: objectMetadata(plan, laneObjectName(service.name, lane.name, host, defaultHost), { service: service.name, lane: lane.name }),
        spec: {
          hosts: [host],
          location: 'MESH_INTERNAL',
          resolution: 'STATIC',
          ports: service.ports.map((p) => ({ number: p.number, name: p.name, protocol: p.protocol })),
          endpoints: (lane.endpoints ?? []).map((e) => ({
            address: e.address,
            ...(e.port !== undefined ? { ports: Object.fromEntries(service.ports.map((p) => [p.name, e.port!])) } : {}),
            labels: { ...e.labels, [LANE_LABEL]: lane.name },
          })),
        },
      });
    }
  }
  return out;
}
