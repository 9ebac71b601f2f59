/**
 * The release spec as plain, hand-written interfaces, so Pulumi can read the component's argument types
 * (and other languages can consume it). `test/release-spec-args.test.ts` proves, at type level, that these
 * are exactly the zod schema's input type: change one, and the type check fails until the other follows.
 */

export interface StringMatchArgs {
  exact?: string;
  prefix?: string;
  regex?: string;
}

/** `prefix` is a path-segment prefix: "/api" matches "/api" and "/api/x", never "/apix". */
export interface PathMatchArgs {
  exact?: string;
  prefix?: string;
  regex?: string;
}

export interface MatchArgs {
  path?: PathMatchArgs;
  /** A list of methods, or a string match. */
  method?: string[] | StringMatchArgs;
  port?: number;
  headers?: { [name: string]: StringMatchArgs };
  queryParams?: { [name: string]: StringMatchArgs };
}

export interface RetriesArgs {
  attempts: number;
  perTryTimeout?: string;
  retryOn?: string;
}

export interface RateLimitArgs {
  average: number;
  burst?: number;
  period?: string;
  sourceCriterion?: { ipDepth?: number; excludedIPs?: string[]; requestHeaderName?: string; requestHost?: boolean };
  redis?: RateLimitRedisArgs;
}

export interface RateLimitRedisArgs {
  endpoints: string[];
  secret?: string;
  db?: number;
  dialTimeout?: string;
  readTimeout?: string;
  writeTimeout?: string;
  poolSize?: number;
  minIdleConns?: number;
  maxActiveConns?: number;
}

export interface CircuitBreakerArgs {
  expression?: string;
  consecutiveErrors?: number;
  interval?: string;
  baseEjectionTime?: string;
  maxEjectionPercent?: number;
  maxConnections?: number;
  maxPendingRequests?: number;
  checkPeriod?: string;
  fallbackDuration?: string;
  recoveryDuration?: string;
  responseCode?: number;
}

export interface ResilienceArgs {
  timeout?: string;
  retries?: RetriesArgs;
  rateLimit?: RateLimitArgs;
  circuitBreaker?: CircuitBreakerArgs;
}

export interface ServicePortArgs {
  number: number;
  name?: string;
  protocol?: 'HTTP' | 'HTTP2' | 'GRPC';
  /** Port of the pods behind this port (target gateway-api's per-lane Services). @default the port number */
  targetPort?: number;
}

export interface ServiceArgs {
  port?: number;
  ports?: ServicePortArgs[];
  host?: string;
  workloadLabels?: { [key: string]: string };
  resilience?: ResilienceArgs;
  callers?: string[];
}

export interface EndpointArgs {
  address: string;
  port?: number;
  labels?: { [key: string]: string };
}

export interface FallbackArgs {
  lanes: string[];
  when?: ('noinstances' | 'unavailable')[];
}

export interface LaneArgs {
  baseline?: boolean;
  selector?: { [key: string]: string };
  namespace?: string;
  serviceName?: string;
  endpoints?: EndpointArgs[];
  host?: string;
  services?: string[];
  /** Lanes tried in order (a list), or `{ lanes, when }`. */
  fallback?: string[] | FallbackArgs;
  strict?: boolean;
}

export type LabelSourceArgs = { header: string } | { context: string } | { localLabel: string };

export interface TrafficLabelArgs {
  header: string;
  labelName?: string;
  scope?: 'mesh' | 'namespace' | 'workload';
  workloadSelector?: { [key: string]: string };
  trusted?: boolean;
  valueFrom?: LabelSourceArgs[];
  attachTo?: string[];
  protocols?: string;
  propagation?: 'header' | 'baggage';
  baggageKey?: string;
}

export interface CallerSplitArgs {
  lane: string;
  from: string;
  services?: string[];
  weights: { [lane: string]: number };
}

export interface EntryRuleArgs {
  name: string;
  /** The service this rule routes to; default entry.service. */
  service?: string;
  match?: MatchArgs;
  lane?: string;
  weights?: { [lane: string]: number };
  steps?: { [lane: string]: number }[];
  sticky?: { cookie: { name?: string; secure?: boolean; httpOnly?: boolean; sameSite?: 'none' | 'lax' | 'strict'; maxAge?: number } };
}

export interface EntryArgs {
  gateway?: string;
  hosts?: string[];
  service?: string;
  rules: EntryRuleArgs[];
  resilience?: ResilienceArgs;
  callers?: string[];
  traefik?: { entryPoints?: string[]; apiGroup?: 'traefik.io' | 'traefik.containo.us'; tls?: TraefikTlsArgs; /** Your Traefik runs with providers.kubernetesCRD.allowCrossNamespace (lanes in other namespaces need it). @default false */ allowCrossNamespace?: boolean };
  /** Target gateway-api: the listener (`sectionName`) and/or `port` of the Gateway `gateway` the HTTPRoutes attach to. */
  gatewayApi?: { sectionName?: string; port?: number };
}

export interface TraefikTlsArgs {
  secretName?: string;
  certResolver?: string;
  options?: { name: string; namespace?: string };
  domains?: { main?: string; sans?: string[] }[];
}

export interface ReleaseSpecArgs {
  apiVersion: 'graylane.dev/v1alpha1';
  kind: 'Release';
  metadata: { name: string; namespace?: string; labels?: { [key: string]: string } };
  spec: {
    targets: ('istio' | 'asm' | 'traefik' | 'gateway-api')[];
    services: { [name: string]: ServiceArgs };
    lanes: { [name: string]: LaneArgs };
    trafficLabel?: TrafficLabelArgs;
    entry?: EntryArgs;
    canary?: { [service: string]: { [lane: string]: number } };
    resilience?: ResilienceArgs;
    callerSplits?: CallerSplitArgs[];
    asm?: { version?: string };
    exportTo?: string[];
  };
}
