/** The parts of networking.istio.io objects (v1, v1beta1, v1alpha3 share them) the model reads. */
import type { AnyStringMatch } from '../simulate/string-match';

export type StringMatch = AnyStringMatch;

export interface HeaderOps {
  readonly set?: Readonly<Record<string, string>>;
  readonly add?: Readonly<Record<string, string>>;
  readonly remove?: readonly string[];
}

export interface Destination {
  readonly host: string;
  readonly subset?: string;
  readonly port?: { readonly number?: number };
}

export interface RouteDestination {
  readonly destination: Destination;
  readonly weight?: number;
  readonly headers?: { readonly request?: HeaderOps; readonly response?: HeaderOps };
  /** ASM: where to go when this destination's subset has no (available) instances. */
  readonly fallback?: { readonly case: 'noinstances' | 'noavailabled'; readonly target: string };
}

export interface HttpMatch {
  readonly name?: string;
  readonly uri?: StringMatch;
  readonly scheme?: StringMatch;
  readonly method?: StringMatch;
  readonly authority?: StringMatch;
  readonly headers?: Readonly<Record<string, StringMatch>>;
  readonly withoutHeaders?: Readonly<Record<string, StringMatch>>;
  readonly queryParams?: Readonly<Record<string, StringMatch>>;
  readonly port?: number;
  /** Istio: a label map; ASM also writes string matches on the caller's own label (a list). */
  readonly sourceLabels?: Readonly<Record<string, string>> | readonly StringMatch[];
  readonly sourceNamespace?: string;
  readonly gateways?: readonly string[];
  readonly ignoreUriCase?: boolean;
  /** ASM: string matches on the request's traffic label (any may hold). */
  readonly trafficLabel?: readonly StringMatch[];
}

export interface Percent {
  readonly value?: number;
}

export interface HttpRoute {
  readonly name?: string;
  readonly match?: readonly HttpMatch[];
  readonly route?: readonly RouteDestination[];
  readonly redirect?: {
    readonly uri?: string;
    readonly authority?: string;
    readonly port?: number;
    readonly scheme?: string;
    readonly redirectCode?: number;
  };
  readonly directResponse?: { readonly status: number; readonly body?: { readonly string?: string; readonly bytes?: string } };
  readonly delegate?: { readonly name: string; readonly namespace?: string };
  readonly rewrite?: { readonly uri?: string; readonly authority?: string; readonly uriRegexRewrite?: { readonly match: string; readonly rewrite: string } };
  readonly timeout?: string;
  readonly retries?: { readonly attempts?: number; readonly perTryTimeout?: string; readonly retryOn?: string };
  readonly fault?: {
    readonly delay?: { readonly fixedDelay?: string; readonly percentage?: Percent; readonly percent?: number };
    readonly abort?: { readonly httpStatus?: number; readonly grpcStatus?: string; readonly percentage?: Percent };
  };
  readonly mirror?: Destination;
  readonly mirrorPercentage?: Percent;
  readonly mirrorPercent?: number;
  readonly mirrors?: readonly { readonly destination: Destination; readonly percentage?: Percent }[];
  readonly headers?: { readonly request?: HeaderOps; readonly response?: HeaderOps };
}

export interface L4Match {
  readonly port?: number;
  readonly destinationSubnets?: readonly string[];
  readonly sourceLabels?: Readonly<Record<string, string>>;
  readonly sourceNamespace?: string;
  readonly gateways?: readonly string[];
  /** tls routes only. */
  readonly sniHosts?: readonly string[];
}

export interface L4Route {
  readonly match?: readonly L4Match[];
  readonly route?: readonly RouteDestination[];
}

export interface VirtualServiceSpec {
  readonly hosts?: readonly string[];
  readonly gateways?: readonly string[];
  readonly exportTo?: readonly string[];
  readonly http?: readonly HttpRoute[];
  readonly tcp?: readonly L4Route[];
  readonly tls?: readonly L4Route[];
}

export interface Subset {
  readonly name: string;
  readonly labels?: Readonly<Record<string, string>>;
  readonly trafficPolicy?: unknown;
}

export interface DestinationRuleSpec {
  readonly host?: string;
  readonly subsets?: readonly Subset[];
  readonly trafficPolicy?: unknown;
  readonly exportTo?: readonly string[];
  readonly workloadSelector?: unknown;
}

export interface ServiceEntrySpec {
  readonly hosts?: readonly string[];
  readonly ports?: readonly { readonly number: number; readonly name?: string; readonly protocol?: string; readonly targetPort?: number }[];
  readonly resolution?: 'NONE' | 'STATIC' | 'DNS' | 'DNS_ROUND_ROBIN';
  readonly location?: 'MESH_EXTERNAL' | 'MESH_INTERNAL';
  readonly endpoints?: readonly { readonly address?: string; readonly ports?: Readonly<Record<string, number>>; readonly labels?: Readonly<Record<string, string>> }[];
  readonly exportTo?: readonly string[];
  readonly workloadSelector?: unknown;
}

export interface GatewayServer {
  readonly port?: { readonly number?: number; readonly protocol?: string; readonly name?: string };
  readonly hosts?: readonly string[];
  readonly tls?: { readonly httpsRedirect?: boolean; readonly mode?: string; readonly credentialName?: string };
}

export interface GatewaySpec {
  readonly servers?: readonly GatewayServer[];
  readonly selector?: Readonly<Record<string, string>>;
}

export interface ServiceSpec {
  readonly ports?: readonly { readonly port: number; readonly name?: string; readonly protocol?: string; readonly appProtocol?: string; readonly targetPort?: number | string }[];
  readonly selector?: Readonly<Record<string, string>>;
  readonly type?: string;
  readonly externalName?: string;
}
