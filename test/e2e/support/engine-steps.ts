/**
 * What the real engine did in one `pulumi up`, read from its `--event-log` (JSON lines of
 * apitype.EngineEvent: resourcePreEvent when a step starts, resOutputsEvent when it is done,
 * resOpFailedEvent when it fails), and a replay of those steps over the set of live objects.
 *
 * The replay is pessimistic about timing, because a proxy may see an object at any moment while its step
 * runs: a route counts as live from the start of its create/update, a host or subset only from the end of
 * its create; a host or subset counts as gone from the start of its delete, a route only from the end.
 * While a DestinationRule or ServiceEntry is updated only what both versions define counts.
 */
import { applyPhase, type Manifest } from '../../../compiler';
import { unresolved } from '../../support/pulumi-step-model';
import { identity } from './pulumi-workspace';

export type EngineOp = 'create' | 'update' | 'delete' | 'replace' | 'create-replacement' | 'delete-replaced' | 'same';

export interface EngineStep {
  readonly op: EngineOp;
  /** The child resource name (last URN segment), e.g. `release-virtualservice-bookinfo-reviews`. */
  readonly name: string;
  readonly type: string;
  readonly started: number;
  /** Sequence number of the event that ended the step; undefined if it never ended. */
  readonly ended: number | undefined;
  readonly failed: boolean;
  readonly old: Manifest | undefined;
  readonly new: Manifest | undefined;
}

interface StepMetadata {
  op: EngineOp;
  urn: string;
  type: string;
  old?: { inputs?: Record<string, unknown> } | null;
  new?: { inputs?: Record<string, unknown> } | null;
}

interface EngineEvent {
  sequence: number;
  resourcePreEvent?: { metadata: StepMetadata };
  resOutputsEvent?: { metadata: StepMetadata };
  resOpFailedEvent?: { metadata: StepMetadata };
}

const CUSTOM_RESOURCE = /^kubernetes:(networking\.istio\.io|traefik\.io)\//;

/** The custom-resource steps of one run, in the order they started. Steps that changed nothing are left out. */
export function engineSteps(eventLog: string): EngineStep[] {
  const events = eventLog
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as EngineEvent)
    .sort((a, b) => a.sequence - b.sequence);
  const open = new Map<string, { op: EngineOp; started: number; meta: StepMetadata }>();
  const steps: EngineStep[] = [];
  const key = (m: StepMetadata) => `${m.op} ${m.urn}`;
  for (const event of events) {
    const pre = event.resourcePreEvent?.metadata;
    if (pre && CUSTOM_RESOURCE.test(pre.type) && pre.op !== 'same') open.set(key(pre), { op: pre.op, started: event.sequence, meta: pre });
    const end = event.resOutputsEvent?.metadata ?? event.resOpFailedEvent?.metadata;
    if (end && open.has(key(end))) {
      const begun = open.get(key(end))!;
      open.delete(key(end));
      steps.push(step(begun.meta, begun.started, event.sequence, event.resOpFailedEvent !== undefined));
    }
  }
  for (const begun of open.values()) steps.push(step(begun.meta, begun.started, undefined, false));
  return steps.sort((a, b) => a.started - b.started);
}

function step(meta: StepMetadata, started: number, ended: number | undefined, failed: boolean): EngineStep {
  return {
    op: meta.op,
    name: meta.urn.slice(meta.urn.lastIndexOf('::') + 2),
    type: meta.type,
    started,
    ended,
    failed,
    old: manifestOf(meta.old?.inputs),
    new: manifestOf(meta.new?.inputs),
  };
}

function manifestOf(inputs: Record<string, unknown> | undefined): Manifest | undefined {
  if (!inputs || typeof inputs.kind !== 'string') return undefined;
  const { apiVersion, kind, metadata, spec } = inputs as unknown as Manifest;
  return { apiVersion, kind, metadata, spec } as Manifest;
}

/**
 * Replays the steps over `start` (the objects live before the run) and returns every moment at which a
 * live route named a host or subset that was not live, plus the objects live at the end.
 */
export function replay(start: readonly Manifest[], steps: readonly EngineStep[]): { problems: string[]; live: Manifest[] } {
  const live = new Map<string, Manifest>(start.map((m) => [identity(m), m]));
  type Change = { at: number; apply: () => void; what: string };
  const changes: Change[] = [];
  for (const s of steps) {
    const target = s.new ?? s.old!;
    const isRoute = applyPhase(target) === 1;
    const succeeded = s.ended !== undefined && !s.failed;
    if (s.op === 'create' || s.op === 'create-replacement') {
      const m = s.new!;
      // A failed create may still have reached the cluster for a route; for a host or subset, assume not.
      if (isRoute) changes.push({ at: s.started, apply: () => live.set(identity(m), m), what: `${s.op} ${identity(m)}` });
      else if (succeeded) changes.push({ at: s.ended!, apply: () => live.set(identity(m), m), what: `${s.op} ${identity(m)}` });
    } else if (s.op === 'update') {
      const before = s.old!;
      const after = s.new!;
      if (isRoute) {
        // Both versions may be in effect while it runs: check the new one from the start.
        changes.push({ at: s.started, apply: () => live.set(identity(after), after), what: `update ${identity(after)}` });
        if (!succeeded) changes.push({ at: s.started + 0.5, apply: () => live.set(`${identity(before)}#old`, before), what: `update ${identity(after)} (old version may remain)` });
      } else {
        changes.push({ at: s.started, apply: () => live.set(identity(after), common(before, after)), what: `update ${identity(after)} (start)` });
        if (succeeded) changes.push({ at: s.ended!, apply: () => live.set(identity(after), after), what: `update ${identity(after)}` });
      }
    } else if (s.op === 'delete' || s.op === 'delete-replaced') {
      const m = s.old!;
      if (!isRoute) changes.push({ at: s.started, apply: () => live.delete(identity(m)), what: `${s.op} ${identity(m)}` });
      else if (succeeded) changes.push({ at: s.ended!, apply: () => live.delete(identity(m)), what: `${s.op} ${identity(m)}` });
    } else {
      throw new Error(`unexpected engine step ${s.op} ${s.name}: graylane never replaces an object in place`);
    }
  }
  const problems: string[] = [];
  for (const change of changes.sort((a, b) => a.at - b.at)) {
    change.apply();
    problems.push(...unresolved([...live.values()]).map((p) => `after ${change.what}: ${p}`));
  }
  return { problems, live: [...live].filter(([k]) => !k.endsWith('#old')).map(([, m]) => m) };
}

/** What an updated DestinationRule or ServiceEntry defines in both versions. */
function common(before: Manifest, after: Manifest): Manifest {
  const spec = { ...after.spec } as Record<string, unknown>;
  if (Array.isArray(after.spec.subsets)) {
    const old = new Set(((before.spec.subsets as { name: string }[] | undefined) ?? []).map((s) => s.name));
    spec.subsets = (after.spec.subsets as { name: string }[]).filter((s) => old.has(s.name));
  }
  if (Array.isArray(after.spec.hosts) && after.kind === 'ServiceEntry') {
    const old = new Set((before.spec.hosts as string[] | undefined) ?? []);
    spec.hosts = (after.spec.hosts as string[]).filter((h) => old.has(h));
  }
  return { ...after, spec } as Manifest;
}
