/**
 * The release spec `graylane.dev/v1alpha1` / `Release`: the single source of truth for its shape.
 * Types are inferred from here and `schema/release.schema.json` is generated from here.
 * Cross-field rules (references, sums, baselines) live in `compiler/check`, where they can name every problem.
 */
import { z } from 'zod';

/** RFC 1123 label: lane, service and rule names become object and subset names. */
export const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
/** Istio duration syntax (Go-style, as Istio's webhook accepts it). */
export const DURATION = /^(\d+(\.\d+)?(h|m|s|ms|us|µs|ns))+$/;

const name = z
  .string()
  .max(63)
  .regex(DNS_LABEL, { message: 'must be a lowercase RFC 1123 label (a-z, 0-9, "-", 63 characters at most)' });

const duration = z.string().regex(DURATION, { message: 'must be a duration such as "250ms", "5s" or "1m30s"' });

const stringMatch = z
  .strictObject({
    exact: z.string().optional().describe('The value equals this string.'),
    prefix: z.string().optional().describe('The value starts with this string.'),
    regex: z.string().optional().describe('The whole value matches this RE2 regular expression.'),
  })
  .describe('Exactly one of exact, prefix or regex.');

const pathMatch = z
  .strictObject({
    exact: z.string().optional().describe('The path equals this one, e.g. "/login".'),
    prefix: z
      .string()
      .optional()
      .describe('Path-segment prefix, as Kubernetes Ingress Prefix: "/api" matches "/api" and "/api/x", never "/apix".'),
    regex: z.string().optional().describe('The whole path matches this RE2 regular expression.'),
  })
  .describe('The request path (without the query string): exactly one of exact, prefix or regex.');

const methodMatch = z
  .union([
    z.array(z.string()).min(1).describe('Any of these methods, e.g. [GET, HEAD].'),
    stringMatch,
  ])
  .describe('The request method: a list of methods, or a string match (exact, prefix, regex).');

const match = z
  .strictObject({
    path: pathMatch.optional(),
    method: methodMatch.optional(),
    port: z.number().int().min(1).max(65535).optional().describe('The port the request addresses (Istio `port`).'),
    headers: z.record(z.string(), stringMatch).optional().describe('Request headers; all must match.'),
    queryParams: z.record(z.string(), stringMatch).optional().describe('Query parameters; all must match.'),
  })
  .describe('Conditions of one rule; all of them must hold (AND).');

const weights = z
  .record(z.string(), z.number())
  .describe('Lane name → percentage of requests; integers summing to 100.');

const retries = z.strictObject({
  attempts: z.number().int().min(0).describe('Retries after the first try (Istio counts retries).'),
  perTryTimeout: duration.optional(),
  retryOn: z.string().optional().describe('Envoy retry conditions, e.g. "5xx,connect-failure,reset".'),
});

const rateLimit = z.strictObject({
  average: z.number().int().min(0).describe('Requests per period on average.'),
  burst: z.number().int().min(1).optional().describe('Requests allowed above the average in a burst.'),
  period: duration.optional().describe('Period of `average`; default 1s.'),
  sourceCriterion: z
    .strictObject({
      ipDepth: z.number().int().min(0).optional().describe('Use the client IP found this deep in X-Forwarded-For.'),
      excludedIPs: z.array(z.string()).optional().describe('Proxies skipped when reading X-Forwarded-For.'),
      requestHeaderName: z.string().optional().describe('Group requests by this header instead of the client IP.'),
      requestHost: z.boolean().optional().describe('Group requests by their Host.'),
    })
    .optional()
    .describe('What counts as one client (Traefik): default the client IP.'),
  redis: z
    .strictObject({
      endpoints: z.array(z.string().min(1)).min(1).describe('Redis addresses, host:port (a single address or a seed list).'),
      secret: z.string().optional().describe('Kubernetes Secret (in the release namespace) with the Redis credentials.'),
      db: z.number().int().min(0).optional().describe('Redis database selected after connecting.'),
      dialTimeout: duration.optional(),
      readTimeout: duration.optional(),
      writeTimeout: duration.optional(),
      poolSize: z.number().int().min(0).optional(),
      minIdleConns: z.number().int().min(0).optional(),
      maxActiveConns: z.number().int().min(0).optional(),
    })
    .optional()
    .describe('Traefik: keep the buckets in Redis, shared by every route of the entry (and every Traefik replica), so the limit is the configured one.'),
});

const circuitBreaker = z.strictObject({
  expression: z.string().optional().describe('Traefik circuit-breaker expression, e.g. "NetworkErrorRatio() > 0.3".'),
  consecutiveErrors: z.number().int().min(1).optional().describe('Istio outlier detection: 5xx errors before ejection.'),
  interval: duration.optional().describe('Istio outlier detection: how often hosts are analysed.'),
  baseEjectionTime: duration.optional().describe('Istio outlier detection: minimum ejection time.'),
  maxEjectionPercent: z.number().int().min(0).max(100).optional(),
  maxConnections: z.number().int().min(1).optional().describe('Istio connection pool: TCP connections per host.'),
  maxPendingRequests: z.number().int().min(1).optional().describe('Istio connection pool: queued HTTP requests.'),
  checkPeriod: duration.optional().describe('Traefik: how often the expression is evaluated.'),
  fallbackDuration: duration.optional().describe('Traefik: how long the breaker stays open.'),
  recoveryDuration: duration.optional().describe('Traefik: how long it takes to recover.'),
  responseCode: z.number().int().min(100).max(599).optional().describe('Traefik: status returned while open.'),
});

const resilience = z
  .strictObject({
    timeout: duration.optional().describe('Whole-request timeout.'),
    retries: retries.optional(),
    rateLimit: rateLimit.optional(),
    circuitBreaker: circuitBreaker.optional(),
  })
  .describe('Timeouts, retries, rate limit and circuit breaker; each target emits what it supports.');

const servicePort = z.strictObject({
  number: z.number().int().min(1).max(65535),
  name: z.string().optional().describe('Port name; default "http-<number>".'),
  protocol: z.enum(['HTTP', 'HTTP2', 'GRPC']).optional(),
  targetPort: z
    .number()
    .int()
    .min(1)
    .max(65535)
    .optional()
    .describe('Port of the pods behind this port; default the port number. Target gateway-api writes it into the per-lane Services it emits.'),
});

const service = z
  .strictObject({
    port: z.number().int().min(1).max(65535).optional().describe('The one port of the service.'),
    ports: z.array(servicePort).min(1).optional().describe('Several ports; the first is the default.'),
    host: z.string().optional().describe('Default: <name>.<namespace>.svc.cluster.local.'),
    workloadLabels: z
      .record(z.string(), z.string())
      .optional()
      .describe('Labels of every pod of the service, all lanes (default { app: <name> }): selects sidecars for EnvoyFilters.'),
    resilience: resilience.optional(),
    callers: z
      .array(name)
      .optional()
      .describe('Namespaces whose workloads call this service besides the release\'s own and its lanes\' (with exportTo set, each must see its Istio objects).'),
  })
  .describe('A service of the release: `port` or `ports`.');

const endpoint = z.strictObject({
  address: z.string().describe('IP address (or DNS name) of the endpoint.'),
  port: z.number().int().min(1).max(65535).optional().describe('Target port; default the service port.'),
  labels: z.record(z.string(), z.string()).optional(),
});

const fallbackWhen = z.enum(['noinstances', 'unavailable']);

const fallback = z.union([
  z.array(z.string()).describe('Lanes tried in order, then the baseline.'),
  z.strictObject({
    lanes: z.array(z.string()),
    when: z
      .array(fallbackWhen)
      .optional()
      .describe('noinstances (default): the lane has no copy of the service; unavailable: its copy is unhealthy (ASM only).'),
  }),
]);

const lane = z
  .strictObject({
    baseline: z.boolean().optional().describe('Exactly one lane is the baseline; it runs every service.'),
    selector: z.record(z.string(), z.string()).optional().describe('Pod labels of this lane (DestinationRule subset).'),
    namespace: z.string().optional().describe('This lane runs its copies in another namespace.'),
    serviceName: z.string().optional().describe('Service name of this lane\'s copy; "{service}" is replaced.'),
    endpoints: z.array(endpoint).min(1).optional().describe('Fixed addresses back this lane (ServiceEntry).'),
    host: z.string().optional().describe('Host of an endpoint lane; "{service}" is replaced.'),
    services: z.array(z.string()).optional().describe('Services this lane runs; all if omitted.'),
    fallback: fallback.optional(),
    strict: z.boolean().optional().describe('Must run every service; never falls back.'),
  })
  .describe('A lane: a copy of some services, realised by pod labels, a namespace, a Service name or endpoints.');

const valueSource = z.union([
  z.strictObject({ header: z.string() }),
  z.strictObject({ context: z.string() }),
  z.strictObject({ localLabel: z.string() }),
]);

const trafficLabel = z
  .strictObject({
    header: z.string().describe('Header naming the request\'s lane on every hop; absent = baseline.'),
    labelName: z.string().regex(/^[A-Za-z][A-Za-z0-9_]*$/).optional().describe('ASM: name of the traffic label (default trafficLabel).'),
    scope: z
      .enum(['mesh', 'namespace', 'workload'])
      .optional()
      .describe('ASM: where the TrafficLabel applies: mesh-wide (istio-system/default), the release namespace (default), or workloads.'),
    workloadSelector: z.record(z.string(), z.string()).optional().describe('ASM, scope workload: labels of the workloads.'),
    trusted: z.boolean().optional().describe('The entry may match on the lane header (callers are trusted).'),
    valueFrom: z.array(valueSource).optional().describe('ASM label sources, first non-empty wins.'),
    attachTo: z.array(z.string()).optional().describe('ASM: tracing contexts the label is attached to.'),
    protocols: z.string().optional().describe('ASM: protocols the label applies to ("*" for all).'),
    propagation: z
      .enum(['header', 'baggage'])
      .optional()
      .describe('How the lane travels between hops: the lane header (default; every application copies it), or a member of the W3C baggage header that OpenTelemetry SDKs propagate.'),
    baggageKey: z
      .string()
      .min(1)
      .max(64)
      .optional()
      .describe('propagation baggage: the baggage member key that names the lane (default lane), as in baggage: lane=gray.'),
  })
  .describe('How a request carries its lane from hop to hop.');

const callerSplit = z
  .strictObject({
    lane: z.string().describe('Requests of this lane…'),
    from: z.string().describe('…sent by workloads of this lane…'),
    services: z.array(z.string()).optional().describe('…to these services (default: all)…'),
    weights: weights.describe('…go to these lanes in these shares.'),
  })
  .describe('A caller-aware split: e.g. testing-trunk requests from dev-x workloads go 80% trunk, 20% testing.');

const rule = z
  .strictObject({
    name: name.describe('Stable name of the rule (route name).'),
    service: z.string().optional().describe('The service this rule routes to; default entry.service.'),
    match: match.optional(),
    lane: z.string().optional().describe('Matching requests go to this lane.'),
    weights: weights.optional(),
    steps: z.array(weights).min(1).optional().describe('Progressive weights; the environment picks the step.'),
    sticky: z
      .strictObject({
        cookie: z.strictObject({
          name: z.string().optional(),
          secure: z.boolean().optional(),
          httpOnly: z.boolean().optional(),
          sameSite: z.enum(['none', 'lax', 'strict']).optional(),
          maxAge: z.number().int().optional().describe('Seconds; 0 makes a session cookie.'),
        }),
      })
      .optional()
      .describe('Keep a client on the share it first got: Traefik\'s sticky cookie, or on Istio a Set-Cookie per share and cookie routes first.'),
  })
  .describe('One entry rule: `lane`, `weights` or `steps`, optionally behind `match`. First match wins.');

/** The IngressRoute's `spec.tls`, as Traefik's CRD defines it (secretName, certResolver, options, domains). */
const traefikTls = z
  .strictObject({
    secretName: z.string().optional().describe('Kubernetes Secret (type kubernetes.io/tls) holding the certificate.'),
    certResolver: z.string().optional().describe('Certificate resolver of Traefik\'s static configuration, e.g. an ACME resolver.'),
    options: z
      .strictObject({ name: z.string(), namespace: z.string().optional() })
      .optional()
      .describe('The TLSOption to use; default Traefik\'s `default` TLSOption.'),
    domains: z
      .array(z.strictObject({ main: z.string().optional(), sans: z.array(z.string()).optional() }))
      .optional()
      .describe('Domains the resolver issues certificates for.'),
  })
  .describe('TLS of the Traefik entry: the routes answer on HTTPS with this certificate.');

/** Where the entry's HTTPRoutes attach (target gateway-api): the Gateway is entry.gateway, these pick a listener. */
const gatewayApiEntry = z
  .strictObject({
    sectionName: z
      .string()
      .regex(DNS_LABEL, { message: 'must be the name of a listener of the Gateway (an RFC 1123 label)' })
      .max(253)
      .optional()
      .describe('The listener of the Gateway the routes attach to (parentRefs[].sectionName); default every listener that allows them.'),
    port: z.number().int().min(1).max(65535).optional().describe('Attach to the Gateway\'s listeners on this port only (parentRefs[].port).'),
  })
  .describe('Target gateway-api: which listeners of the Gateway `entry.gateway` the entry\'s HTTPRoutes attach to.');

const entry = z
  .strictObject({
    gateway: z.string().optional().describe('"namespace/name" of the Gateway (an Istio Gateway; for target gateway-api a Gateway API Gateway), or "mesh" (default).'),
    hosts: z.array(z.string()).optional().describe('Hosts the entry answers for (required with a gateway).'),
    service: z
      .string()
      .optional()
      .describe('First-hop service of rules that name none, and of requests no rule matches; optional when every rule names its service.'),
    rules: z.array(rule).min(1),
    resilience: resilience.optional(),
    callers: z
      .array(name)
      .optional()
      .describe('Namespaces of the entry\'s callers inside the mesh (a mesh entry\'s clients; Traefik\'s own namespace in tag mode): with exportTo set, each must see the entry services\' Istio objects.'),
    traefik: z
      .strictObject({
        entryPoints: z.array(z.string()).optional().describe('Traefik entry points, e.g. [web, websecure].'),
        apiGroup: z
          .enum(['traefik.io', 'traefik.containo.us'])
          .optional()
          .describe('traefik.io (default; Traefik v3 rule syntax) or traefik.containo.us (Traefik v2 syntax).'),
        tls: traefikTls.optional(),
        allowCrossNamespace: z
          .boolean()
          .optional()
          .describe('Whether your Traefik runs with providers.kubernetesCRD.allowCrossNamespace=true (Traefik\'s default is false). Routing to lanes in other namespaces needs it.'),
      })
      .optional()
      .describe('Traefik settings of the entry.'),
    gatewayApi: gatewayApiEntry.optional(),
  })
  .describe('Where traffic enters the release and how it is split among lanes.');

export const TARGETS = ['istio', 'asm', 'traefik', 'gateway-api'] as const;

export const releaseSchema = z
  .strictObject({
    apiVersion: z.literal('graylane.dev/v1alpha1'),
    kind: z.literal('Release'),
    metadata: z.strictObject({
      name: name,
      namespace: name.optional().describe('Namespace of the services and generated objects; default "default".'),
      labels: z.record(z.string(), z.string()).optional(),
    }),
    spec: z.strictObject({
      targets: z.array(z.enum(TARGETS)).min(1).describe('Targets to emit.'),
      services: z.record(z.string(), service),
      lanes: z.record(z.string(), lane),
      trafficLabel: trafficLabel.optional(),
      entry: entry.optional().describe('Where requests enter; without it only the mesh objects (lanes, canary) are emitted.'),
      canary: z
        .record(z.string(), weights)
        .optional()
        .describe('Per-service weights for requests that carry no lane.'),
      resilience: resilience.optional().describe('Defaults for every service.'),
      callerSplits: z.array(callerSplit).optional(),
      asm: z
        .strictObject({ version: z.string().regex(/^\d+(\.\d+)*$/).optional().describe('ASM version of the mesh, e.g. 1.22.6.118.') })
        .optional()
        .describe('Alibaba Cloud Service Mesh settings.'),
      exportTo: z
        .array(z.string())
        .optional()
        .describe('Namespaces that see the Istio objects ("." = their own, "*" = all); default: Istio\'s (all).'),
    }),
  })
  .describe('A graylane release: services, lanes and entry rules compiled to traffic configuration.');

export type ReleaseSpec = z.infer<typeof releaseSchema>;
export type Target = (typeof TARGETS)[number];
export type Lane = z.infer<typeof lane>;
export type Service = z.infer<typeof service>;
export type EntryRule = z.infer<typeof rule>;
export type StringMatch = z.infer<typeof stringMatch>;
export type PathMatch = z.infer<typeof pathMatch>;
export type MethodMatch = z.infer<typeof methodMatch>;
export type TraefikTls = z.infer<typeof traefikTls>;
export type Entry = z.infer<typeof entry>;
export type Resilience = z.infer<typeof resilience>;
export type Weights = z.infer<typeof weights>;
