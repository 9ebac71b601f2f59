import { Option, type Command } from 'commander';
import { addBaggageMember, BAGGAGE_HEADER, baggageMember, DEFAULT_BAGGAGE_KEY } from '../../compiler/baggage';
import { explain, explainText } from '../../compiler/inspect/explain';
import { UsageError, type CliIo } from '../io';
import { loadInput, printObjectWarnings, type LoadedInput } from '../inputs';
import { inspectReadable } from '../unreadable-object';
import { parsePair, parseStep } from './shared';

interface ExplainFlags {
  step?: number;
  gateway?: string;
  mesh?: boolean;
  entryPoint?: string;
  host: string;
  path?: string;
  method?: string;
  port?: number;
  scheme?: 'http' | 'https';
  protocol?: 'http' | 'tcp' | 'tls';
  sourceNamespace?: string;
  header?: [string, string][];
  baggage?: [string, string][];
  sourceLabel?: [string, string][];
  query?: [string, string][];
  hops?: string;
  laneHeader?: string;
  namespace?: string;
  format: 'text' | 'json';
}

export function explainCommand(program: Command, io: CliIo): void {
  program
    .command('explain')
    .description('Follow one request hop by hop: which object and rule match and why, where it goes, which lane it carries.')
    .argument('<input>', 'release spec, rendered YAML file or directory, or git:REV:path')
    .option('--step <n>', 'progressive step, when the input is a spec', parseStep)
    .option('--gateway <ns/name>', 'the request enters through this Istio or Gateway API gateway')
    .option('--mesh', 'the request comes from a workload inside the mesh')
    .option('--entry-point <name>', 'the request enters through this Traefik entry point')
    .requiredOption('--host <host>', 'host the request is for (a service name is enough inside the mesh)')
    .option('--path <path>', 'request path, with an optional ?query (default /)')
    .option('--method <method>', 'request method (default GET)')
    .option('--port <port>', 'destination port (default: the authority\'s, the gateway server\'s or the service\'s only port)', parsePort)
    .addOption(new Option('--scheme <scheme>', 'http or https (Traefik: https reaches the IngressRoutes with tls)').choices(['http', 'https']))
    .addOption(new Option('--protocol <protocol>', 'http, or tcp / tls for the tcp and tls routes').choices(['http', 'tcp', 'tls']).default('http'))
    .option('--source-namespace <ns>', 'namespace of the calling workload (mesh) or of the gateway\'s proxy')
    .option('--header <name=value>', 'request header (repeatable)', parsePair)
    .option('--baggage <key=value>', 'add the member key=value to the request\'s baggage header (repeatable; e.g. --baggage lane=gray)', parsePair)
    .option('--query <name=value>', 'query parameter (repeatable)', parsePair)
    .option('--source-label <name=value>', 'label of the calling workload, for caller-aware routes (repeatable)', parsePair)
    .option('--hops <services>', 'services the request visits next, comma-separated (e.g. reviews,ratings)')
    .option('--lane-header <name>', 'the lane header (default: the spec\'s trafficLabel.header)')
    .option('-n, --namespace <ns>', 'namespace for short service names (default: the spec\'s)')
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'json']).default('text'))
    .action((ref: string, opts: ExplainFlags) => {
      const ways = [opts.gateway !== undefined, opts.mesh === true, opts.entryPoint !== undefined].filter(Boolean).length;
      if (ways !== 1) throw new UsageError('say where the request enters: exactly one of --gateway ns/name, --mesh, --entry-point name');
      const input = loadInput(ref, io.cwd, opts.step !== undefined ? { step: opts.step } : {});
      printObjectWarnings(input, io);
      const laneHeader = opts.laneHeader ?? input.plan?.laneHeader;
      // A baggage lane header is read as a W3C list: the key from the spec, else OpenTelemetry-style "lane".
      const baggageKey = laneHeader?.toLowerCase() === BAGGAGE_HEADER ? input.plan?.baggage?.key ?? DEFAULT_BAGGAGE_KEY : undefined;
      const gateway = opts.mesh ? 'mesh' : opts.entryPoint !== undefined ? `traefik:${opts.entryPoint}` : opts.gateway!;
      const host = opts.mesh ? serviceHost(opts.host, input, opts.namespace) : opts.host;
      const hops = (opts.hops ?? '').split(',').filter(Boolean).map((s) => serviceHost(s.trim(), input, opts.namespace));
      if (opts.path !== undefined && !opts.path.startsWith('/')) throw new UsageError(`--path "${opts.path}" must start with "/"`);
      const namespace = opts.sourceNamespace ?? (opts.mesh ? opts.namespace ?? input.plan?.namespace ?? /^[^.]+\.([^.]+)\.svc\.cluster\.local$/.exec(host)?.[1] : undefined);
      const inspect = (objects: LoadedInput['objects']) => explain(
        objects,
        {
          gateway,
          host,
          headers: withBaggage(Object.fromEntries(opts.header ?? []), opts.baggage ?? []),
          query: Object.fromEntries(opts.query ?? []),
          hops,
          ...(opts.path !== undefined ? { path: opts.path } : {}),
          ...(opts.method !== undefined ? { method: opts.method } : {}),
          ...(opts.port !== undefined ? { port: opts.port } : {}),
          ...(opts.scheme !== undefined ? { scheme: opts.scheme } : {}),
          ...(opts.protocol !== 'http' ? { protocol: opts.protocol } : {}),
          ...(namespace !== undefined ? { sourceNamespace: namespace } : {}),
          ...(opts.sourceLabel ? { sourceLabels: Object.fromEntries(opts.sourceLabel) } : {}),
        },
        laneHeader,
        baggageKey,
      );
      const result = inspectReadable(() => inspect(input.objects), { inputs: () => [input], run: ([i], without) => inspect(i!.objects.filter((o) => !without.has(o))) });
      io.stdout(opts.format === 'json' ? `${JSON.stringify(result, null, 2)}\n` : explainText(result, laneHeader, baggageKey));
    });
}

/** `--baggage k=v`: each pair is a member appended to the request's baggage header (a --header baggage=… first). */
function withBaggage(headers: Record<string, string>, members: readonly [string, string][]): Record<string, string> {
  if (members.length === 0) return headers;
  const name = Object.keys(headers).find((h) => h.toLowerCase() === BAGGAGE_HEADER) ?? BAGGAGE_HEADER;
  let value = headers[name];
  for (const [key, v] of members) value = addBaggageMember(value, baggageMember(key, v));
  return { ...headers, [name]: value! };
}

/** "reviews" → the spec's host for it, or reviews.<namespace>.svc.cluster.local; a dotted host stays. */
function serviceHost(name: string, input: LoadedInput, namespace: string | undefined): string {
  if (name.includes('.')) return name;
  const fromPlan = input.plan?.services.find((s) => s.name === name)?.host;
  if (fromPlan) return fromPlan;
  const ns = namespace ?? input.plan?.namespace ?? input.objects.find((o) => o.kind === 'VirtualService' || o.kind === 'HTTPRoute')?.metadata.namespace ?? 'default';
  return `${name}.${ns}.svc.cluster.local`;
}

function parsePort(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 65535) throw new UsageError(`--port "${value}" is not a port number (1-65535)`);
  return n;
}
