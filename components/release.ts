/**
 * `graylane:index:Release`: a release spec, compiled by the same compiler as `graylane render`, registered as
 * Kubernetes custom resources. A thin shell: it decides nothing about routing.
 */
import * as k8s from '@pulumi/kubernetes';
import * as pulumi from '@pulumi/pulumi';
import { readFileSync } from 'node:fs';
import {
  applyPhase,
  compileManifests,
  referenceIndex,
  formatDiagnostic,
  routingSummary,
  topLevelFields,
  type Manifest,
  type RoutingSummary,
} from '../compiler';
import type { ReleaseSpecArgs } from './release-spec-args';

/** How long routes wait after the hosts and subsets they name were applied. */
export interface SettleArgs {
  /**
   * Wait until Istio reports each DestinationRule and ServiceEntry `Reconciled` (needs Istio's config
   * distribution tracking, `PILOT_ENABLE_STATUS`), via the `pulumi.com/waitFor` annotation.
   * @default false
   */
  waitForReconciled?: boolean;
  /**
   * Seconds to wait after the hosts and subsets were applied and before any route changes, so proxies receive
   * the new subsets first. Skipped during previews.
   * @default 0
   */
  delaySeconds?: number;
}

export interface ReleaseArgs {
  /** The release spec as an object. Give exactly one of `spec`, `specYaml`, `specFile`. */
  spec?: ReleaseSpecArgs;
  /** The release spec as YAML text. */
  specYaml?: string;
  /** Path of a release spec YAML file. */
  specFile?: string;
  /**
   * Targets to emit.
   * @default the spec's `targets`
   */
  targets?: ('istio' | 'asm' | 'traefik' | 'gateway-api')[];
  /**
   * Progressive step of `steps` rules (0-based).
   * @default 0
   */
  step?: number;
  /**
   * Namespace of the services and of every object, overriding the spec's `metadata.namespace`.
   * @default the spec's namespace
   */
  namespace?: string;
  /** Optional settle step between applying hosts/subsets and applying routes. */
  settle?: SettleArgs;
}

export const RELEASE_TYPE = 'graylane:index:Release';

const MESH_TARGETS: readonly string[] = ['istio', 'asm', 'gateway-api'];

export class Release extends pulumi.ComponentResource {
  /** Object names per kind, e.g. `{ VirtualService: ['bookinfo/reviews', …] }` (namespace/name). */
  public readonly objectNames: pulumi.Output<Record<string, string[]>>;
  /** Per entry rule and per service: lane → destination and weight. */
  public readonly routing: pulumi.Output<RoutingSummary>;
  /** The registered objects, keyed by their child resource name. */
  public readonly resources: Readonly<Record<string, k8s.apiextensions.CustomResource>>;

  constructor(name: string, args: ReleaseArgs, opts?: pulumi.ComponentResourceOptions) {
    super(RELEASE_TYPE, name, {}, opts);
    // Which resources exist is decided here from plain values: never from an Output.
    let source: { spec: ReleaseSpecArgs | string; file?: string };
    try {
      source = releaseSource(args);
    } catch (e) {
      throw new pulumi.ResourceError((e as Error).message, this);
    }
    // Manifests only: the component never needs the YAML text.
    const result = compileManifests(source.spec, {
      ...(source.file !== undefined ? { file: source.file } : {}),
      ...(args.step !== undefined ? { step: args.step } : {}),
      ...(args.targets ? { targets: args.targets } : {}),
      ...(args.namespace !== undefined ? { namespace: args.namespace } : {}),
    });
    if (!result.ok) throw new pulumi.ResourceError(result.diagnostics.map(formatDiagnostic).join('\n'), this);
    // istio, asm and gateway-api configure one mesh in different ways: a cluster runs one of them (Istio
    // leaves a host routed by both a VirtualService and an HTTPRoute undefined).
    const meshTargets = result.outputs.map((o) => o.target).filter((t) => MESH_TARGETS.includes(t));
    if (meshTargets.length > 1)
      throw new pulumi.ResourceError(`graylane Release: targets ${meshTargets.join(', ')} configure the same mesh in different ways; deploy one of them per release (e.g. targets: ['${meshTargets[0]}']).`, this);
    for (const d of result.diagnostics) pulumi.log.warn(formatDiagnostic(d), this);

    const resources: Record<string, k8s.apiextensions.CustomResource> = {};
    const firstPhase: k8s.apiextensions.CustomResource[] = [];
    // Hosts and subsets of every target first, then the routes that name them.
    const objects = result.outputs
      .flatMap((o) => o.manifests.map((manifest) => ({ target: o.target, manifest })))
      .sort((a, b) => applyPhase(a.manifest) - applyPhase(b.manifest));
    // Each route waits for exactly the objects it names: all of them would be correct too, but costs
    // O(routes × objects) dependency bookkeeping in Pulumi.
    const namedBy = referenceIndex(objects.map((o) => o.manifest));
    const registeredAs = new Map<Manifest, k8s.apiextensions.CustomResource>();
    let gate: pulumi.Output<unknown> | undefined;
    for (const { target, manifest } of objects) {
      const key = childName(name, manifest);
      if (resources[key]) {
        throw new pulumi.ResourceError(
          `graylane Release: target ${target} emits ${manifest.kind} ${manifest.metadata.namespace}/${manifest.metadata.name}, which another target of this release already emits; deploy those targets as separate releases.`,
          this,
        );
      }
      const phase = applyPhase(manifest);
      // Not in previews: there the gate's input is unknown, which would hide every route's metadata from
      // the policy pack's stack rules (found under the real engine: test/e2e/policy.e2e.test.ts).
      if (phase === 1 && gate === undefined && !pulumi.runtime.isDryRun()) gate = settleGate(firstPhase, args.settle);
      const body = phase === 0 && args.settle?.waitForReconciled ? withWaitFor(manifest) : manifest;
      const resource = new k8s.apiextensions.CustomResource(
        key,
        {
          apiVersion: body.apiVersion,
          kind: body.kind,
          // The gate delays routes until the settle step is over; the object itself is unchanged.
          metadata: gate ? gate.apply(() => body.metadata) : body.metadata,
          // EndpointSlice has no spec: its fields are top-level.
          ...(body.kind === 'EndpointSlice' ? topLevelFields(body) : { spec: body.spec }),
        },
        { parent: this, ...(phase === 1 ? { dependsOn: namedBy(manifest).map((m) => registeredAs.get(m)!) } : {}) },
      );
      if (phase === 0) firstPhase.push(resource);
      registeredAs.set(manifest, resource);
      resources[key] = resource;
    }
    this.resources = resources;
    this.objectNames = pulumi.output(objectNamesByKind(objects.map((o) => o.manifest)));
    this.routing = pulumi.output(routingSummary(result.plan!));
    this.registerOutputs({ objectNames: this.objectNames, routing: this.routing });
  }
}

function releaseSource(args: ReleaseArgs): { spec: ReleaseSpecArgs | string; file?: string } {
  const given = (['spec', 'specYaml', 'specFile'] as const).filter((k) => args[k] !== undefined);
  if (given.length !== 1)
    throw new Error(`graylane Release: give exactly one of spec, specYaml, specFile${given.length > 1 ? ` (got ${given.join(' and ')})` : ''}.`);
  if (args.specYaml !== undefined) return { spec: args.specYaml };
  if (args.specFile !== undefined) {
    try {
      return { spec: readFileSync(args.specFile, 'utf8'), file: args.specFile };
    } catch (e) {
      throw new Error(`graylane Release: cannot read specFile "${args.specFile}": ${(e as Error).message}`);
    }
  }
  return { spec: args.spec! };
}

/**
 * Stable child names from the object's identity — kind, namespace and name (which encode service, lane and
 * host) — never an index. A changed identity is a new child (created in its phase, the old one deleted at the
 * end), so Pulumi never replaces an object in place, and no pending delete can outrun a route.
 */
export function childName(release: string, m: Pick<Manifest, 'kind' | 'metadata'>): string {
  return `${release}-${m.kind.toLowerCase()}-${m.metadata.namespace}-${m.metadata.name}`;
}

function settleGate(firstPhase: readonly pulumi.Resource[], settle: SettleArgs | undefined): pulumi.Output<unknown> | undefined {
  const delay = settle?.delaySeconds ?? 0;
  if (delay <= 0 || firstPhase.length === 0) return undefined;
  const ids = firstPhase.map((r) => (r as pulumi.CustomResource).id);
  return pulumi.all(ids).apply(async () => {
    if (!pulumi.runtime.isDryRun()) await new Promise((resolve) => setTimeout(resolve, delay * 1000));
    return true;
  });
}

function withWaitFor(m: Manifest): Manifest {
  return { ...m, metadata: { ...m.metadata, annotations: { ...m.metadata.annotations, 'pulumi.com/waitFor': 'condition=Reconciled' } } };
}

function objectNamesByKind(manifests: readonly Manifest[]): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const m of manifests) (out[m.kind] ??= []).push(`${m.metadata.namespace}/${m.metadata.name}`);
  for (const names of Object.values(out)) names.sort();
  return out;
}
