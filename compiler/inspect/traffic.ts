/**
 * A release's traffic as a table people can compare: for every request class (entry host and match, service ×
 * lane, Traefik rule, Gateway API match — see request-classes.ts) where its requests go ("v1 90% / v2 10%"), read from the object
 * model, so it works on rendered or hand-written YAML as well as on specs. Two sides are compared on the union
 * of their classes: the same requests, before and after.
 */
import type { RoutedDestination } from '../model/istio-route';
import { modelOf, type Model } from '../model/model';
import type { KubeObject } from '../model/object-set';
import { destinationLabel, fmt } from './explain';
import { requestClasses, type ClassContext, type RequestClass } from './request-classes';

export type TrafficContext = ClassContext;

export interface TrafficRow {
  /** Where the class's requests go, in words. */
  readonly text: string;
  /** Destination ("host/subset", with the lane it tags) → percent of the class's requests. */
  readonly shares: ReadonlyMap<string, number>;
  /** The object that decides (the VirtualService or IngressRoute of the matched route). */
  readonly object?: KubeObject;
}

/** Key ("reviews, lane gray", "entry ns/gw host: header x = \"y\"") → where requests go. */
export type Traffic = ReadonlyMap<string, string>;

export function trafficOf(objects: readonly KubeObject[], context: TrafficContext = {}): Traffic {
  const model = modelOf(objects);
  return new Map([...trafficTable(model, requestClasses(model, context), context.laneHeader)].map(([k, row]) => [k, row.text]));
}

/** Every class of `classes` answered by `model`, sorted by key. */
export function trafficTable(model: Model, classes: readonly RequestClass[], laneHeader: string | undefined): Map<string, TrafficRow> {
  const header = laneHeader?.toLowerCase();
  const out = new Map<string, TrafficRow>();
  for (const c of classes) out.set(c.key, c.engine === 'istio' ? istioRow(model, c, header) : c.engine === 'gateway-api' ? gatewayApiRow(model, c, header) : traefikRow(model, c, header));
  return new Map([...out].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

function istioRow(model: Model, c: RequestClass, header: string | undefined): TrafficRow {
  const hop = model.routeIstio(c.request);
  const object = hop.virtualService ? model.istio.byRef.get(hop.virtualService)?.stored.object : undefined;
  const lane = header !== undefined ? c.request.headers?.[header] : undefined;
  const withObject = object ? { object } : {};
  switch (hop.status) {
    case 'not-found':
    case 'no-route':
      return { text: 'no route (404)', shares: new Map([['404', 100]]), ...withObject };
    case 'redirect':
      return { text: `redirect ${hop.redirect!.status} to ${hop.redirect!.location}`, shares: new Map([[`redirect ${hop.redirect!.location}`, 100]]), ...withObject };
    case 'direct-response':
      return { text: `direct response ${hop.directResponse!.status}`, shares: new Map([[`response ${hop.directResponse!.status}`, 100]]), ...withObject };
    default: {
      const abort = hop.fault?.abort?.percent ?? 0;
      const shares = new Map<string, number>();
      const parts: string[] = [];
      if (abort > 0) {
        const key = `abort ${hop.fault!.abort!.httpStatus ?? hop.fault!.abort!.grpcStatus}`;
        shares.set(key, abort);
        parts.push(`${key} ${fmt(abort)}%`);
      }
      for (const d of hop.destinations) {
        const share = (d.weight * (100 - abort)) / 100;
        const carried = header !== undefined ? d.headers[header] : undefined;
        // Shares are keyed by what Envoy sends to (host, subset) and the lane it tags, not by how people name it.
        const key = `${d.host}${d.subset !== undefined ? `/${d.subset}` : ''}${carried !== undefined && carried !== lane ? ` (${header}: ${carried})` : ''}`;
        shares.set(key, (shares.get(key) ?? 0) + share);
        parts.push(`${destName(d, header, lane, hop.host)} ${fmt(share)}%${d.problem ? ' (unresolved)' : ''}`);
      }
      if (hop.fault?.delay && hop.fault.delay.percent > 0) parts.push(`(${fmt(hop.fault.delay.percent)}% delayed ${hop.fault.delay.fixedDelay})`);
      for (const m of hop.mirrors ?? []) parts.push(`(mirrored ${fmt(m.percent)}% to ${m.host.replace(/\.svc\.cluster\.local$/, '')}${m.subset !== undefined ? `/${m.subset}` : ''})`);
      return { text: parts.join(' / ').replace(/ \/ \(/g, ' ('), shares, ...withObject };
    }
  }
}

/** "v1", "{lane: gray} [x-lane: gray]": the destination and the lane header it carries, where that changes. */
function destName(d: RoutedDestination, header: string | undefined, lane: string | undefined, classHost: string): string {
  const carried = header !== undefined ? d.headers[header] : undefined;
  const tag = carried !== undefined && carried !== lane ? ` [${header}: ${carried}]` : '';
  const named = d.subset !== undefined || (d.endpoints !== undefined && d.endpoints.length > 0);
  // The host is worth naming when the route leaves the class's own host (another service, an endpoint lane).
  const host = named && d.host !== classHost ? `${d.host.replace(/\.svc\.cluster\.local$/, '')} ` : '';
  return `${host}${destinationLabel(d)}${tag}`;
}

function traefikRow(model: Model, c: RequestClass, header: string | undefined): TrafficRow {
  const hop = model.routeTraefik(c.request);
  const router = hop.router ? model.traefik.byId.get(hop.router) : undefined;
  const withObject = router ? { object: router.ingressRoute.object } : {};
  if (hop.status === 'no-route') return { text: 'no route (404)', shares: new Map([['404', 100]]), ...withObject };
  if (hop.status === 'redirect') return { text: `redirect ${hop.redirect!.status} to ${hop.redirect!.location}`, shares: new Map([[`redirect ${hop.redirect!.location}`, 100]]), ...withObject };
  const tag = header !== undefined && hop.headers[header] !== undefined ? ` [${header}: ${hop.headers[header]}]` : '';
  const shares = new Map<string, number>();
  const parts: string[] = [];
  for (const b of hop.backends.filter((x) => !x.standby)) {
    const name = `${b.service}${router && b.namespace !== router.ingressRoute.namespace ? `.${b.namespace}` : ''}${tag}`;
    shares.set(name, (shares.get(name) ?? 0) + b.weight);
    parts.push(`${b.service}${router && b.namespace !== router.ingressRoute.namespace ? `.${b.namespace}` : ''} ${fmt(b.weight)}%`);
  }
  for (const m of hop.mirrors) parts.push(`(mirrored ${fmt(m.percent)}% to ${m.service})`);
  return { text: `${parts.join(' / ').replace(/ \/ \(/g, ' (')}${tag}`, shares, ...withObject };
}

/** Gateway API: the Services of the matched rule's backendRefs, each with the lane header it receives. */
function gatewayApiRow(model: Model, c: RequestClass, header: string | undefined): TrafficRow {
  const hop = model.routeGatewayApi(c.request);
  const route = hop.route !== undefined ? model.gatewayApi.routes.find((r) => r.ref === hop.route) : undefined;
  const withObject = route ? { object: route.stored.object } : {};
  const lane = header !== undefined ? c.request.headers?.[header] : undefined;
  switch (hop.status) {
    case 'not-found':
    case 'no-listener':
      return { text: 'no route (404)', shares: new Map([['404', 100]]), ...withObject };
    case 'redirect':
      return { text: `redirect ${hop.redirect!.status} to ${hop.redirect!.location}`, shares: new Map([[`redirect ${hop.redirect!.location}`, 100]]), ...withObject };
    case 'error':
      return { text: `direct response ${hop.httpStatus ?? 500}`, shares: new Map([[`response ${hop.httpStatus ?? 500}`, 100]]), ...withObject };
    default: {
      const shares = new Map<string, number>();
      const parts: string[] = [];
      for (const b of hop.backends) {
        if (b.weight === 0) continue;
        const carried = header !== undefined ? b.headers[header] : undefined;
        const tag = carried !== undefined && carried !== lane ? ` [${header}: ${carried}]` : '';
        const key = `${b.host}${carried !== undefined && carried !== lane ? ` (${header}: ${carried})` : ''}`;
        shares.set(key, (shares.get(key) ?? 0) + b.weight);
        const name = route && b.namespace !== route.namespace ? `${b.name}.${b.namespace}` : b.name;
        parts.push(`${name}${tag} ${fmt(b.weight)}%${b.problem ? ' (unresolved: 500)' : ''}`);
      }
      for (const m of hop.mirrors) parts.push(`(mirrored ${fmt(m.percent)}% to ${m.name})`);
      return { text: parts.join(' / ').replace(/ \/ \(/g, ' ('), shares, ...withObject };
    }
  }
}
