/**
 * core/v1 Service and discovery.k8s.io/v1 EndpointSlice as the API server validates them (kubernetes/kubernetes
 * `pkg/apis/core/validation` ValidateService, `pkg/apis/discovery/validation` ValidateEndpointSlice): the
 * fields graylane writes, names and limits included. No CRD covers built-in kinds, so their shapes are here.
 */
import { z } from 'zod';

/** DNS-1035 label: a Service name must start with a letter. */
const dns1035 = z.string().max(63).regex(/^[a-z]([-a-z0-9]*[a-z0-9])?$/);
const dns1123 = z.string().max(63).regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/);
/** IANA_SVC_NAME: ≤ 15 characters, lower-case letters, digits and single inner "-", at least one letter. */
const portName = z.string().max(15).regex(/^[a-z0-9]([a-z0-9]|-(?!-))*[a-z0-9]$|^[a-z]$/).refine((n) => /[a-z]/.test(n), 'must contain a letter');
const labels = z.record(z.string().max(317).regex(/^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/), z.string().max(63).regex(/^([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)?$/));
const metadata = z.object({ name: z.string(), namespace: dns1123, labels, annotations: z.record(z.string(), z.string()).optional() });
const appProtocol = z.string().optional();
const protocol = z.enum(['TCP', 'UDP', 'SCTP']);
const port = z.number().int().min(1).max(65535);

export const serviceShape = z.strictObject({
  apiVersion: z.literal('v1'),
  kind: z.literal('Service'),
  metadata: metadata.extend({ name: dns1035 }),
  spec: z
    .strictObject({
      selector: labels.optional(),
      ports: z.array(z.strictObject({ name: portName, port, targetPort: z.union([port, portName]).optional(), protocol, appProtocol })).min(1),
    })
    .refine((s) => new Set(s.ports.map((p) => p.name)).size === s.ports.length, 'port names must be unique')
    .refine((s) => new Set(s.ports.map((p) => `${p.port}/${p.protocol}`)).size === s.ports.length, 'ports must be unique'),
});

export const endpointSliceShape = z.strictObject({
  apiVersion: z.literal('discovery.k8s.io/v1'),
  kind: z.literal('EndpointSlice'),
  metadata: metadata.extend({ name: z.string().max(253).regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/) }),
  addressType: z.enum(['IPv4', 'IPv6', 'FQDN']),
  endpoints: z.array(z.strictObject({ addresses: z.array(z.string()).min(1).max(100), conditions: z.strictObject({ ready: z.boolean().optional() }).optional() })).max(1000),
  ports: z.array(z.strictObject({ name: portName.optional(), port, protocol, appProtocol })).max(100),
});
