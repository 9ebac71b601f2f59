/**
 * Routing assertions over gateway-api output, through the Gateway API simulator (compiler/simulate/gateway-api.ts):
 * graylane's objects plus what the cluster holds besides them (./gateway-api-cluster.ts).
 */
import type { CompileResult, Manifest } from '../../compiler';
import { simulateGatewayApi, type GatewayApiHop, type Request } from '../../compiler/simulate/gateway-api';
import { gatewayApiCluster } from './gateway-api-cluster';
import { manifestsOf } from './examples';

export function gatewayApiObjects(result: CompileResult): Manifest[] {
  return [...gatewayApiCluster(result.plan!), ...manifestsOf(result, 'gateway-api')];
}

/**
 * One line per request: "404", or each backend as "<weight>% <namespace>/<service> <header>=<value or (none)>",
 * sorted, joined with " / "; a backend the simulator marks invalid says "(500: …)".
 */
export function routedTo(objects: readonly Manifest[], request: Request, header: string): string {
  const hop: GatewayApiHop = simulateGatewayApi(objects, request);
  if (hop.status === 'not-found') return '404';
  if (hop.status !== 'routed') return `${hop.status}: ${hop.notes.join('; ')}`;
  return hop.backends
    .map((b) => `${b.weight}% ${b.namespace}/${b.name} ${header}=${b.headers[header] ?? '(none)'}${b.problem ? ` (500: ${b.problem})` : ''}`)
    .sort()
    .join(' / ');
}
