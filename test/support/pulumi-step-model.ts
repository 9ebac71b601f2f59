/**
 * A model of how one `pulumi up` walks from the applied objects of spec A to the program of spec B, the way
 * the Release component registers them: children keyed by `childName`, each route depending on exactly the
 * objects it names (`referenceIndex`), so routes and unrelated objects interleave in any order.
 *
 * Pulumi's order: creates and updates follow dependencies (any order among independent resources); a
 * replacement creates the new object and deletes the old one at the end; deletes of resources no longer in
 * the program come last, dependents first. A failed step stops the run; what was done stays done, and the
 * old halves of replacements become pending deletes, which the next `up` runs first.
 *
 * Checked against the real engine (Pulumi v3.274.1): test/e2e/transitions.e2e.test.ts runs `pulumi up` with
 * `--event-log` for added, moved and removed lanes and a failed then retried `up`; the engine took exactly the
 * steps this model plans, in an order it allows, so the model needed no change.
 */
import { childName } from '../../components/release';
import { applyPhase, referenceIndex, type Manifest } from '../../compiler';
import { subsetsOf } from '../../compiler/simulate/istio';

/** Pulumi state and cluster at once: child key → the object applied for it. */
export type Applied = Map<string, Manifest>;

export interface UpRun {
  /** The state after the run (complete, or cut short by the failure). */
  readonly state: Applied;
  /** Objects marked for deletion that a failure left behind (run first next time). */
  readonly pendingDeletes: Manifest[];
  /** Problems seen in any intermediate state. */
  readonly problems: string[];
  readonly steps: number;
}

type Step = { kind: 'apply'; key: string; manifest: Manifest } | { kind: 'delete'; key: string | undefined; manifest: Manifest };

const identity = (m: Manifest) => `${m.kind}/${m.metadata.namespace}/${m.metadata.name}`;

/**
 * Runs `pulumi up` from `state` to `program`. `shuffle` orders independent steps; `failAt` is the index of the
 * step that fails (that step and all after it do not happen).
 */
export function pulumiUp(
  start: Applied,
  startPending: readonly Manifest[],
  program: readonly Manifest[],
  shuffle: <T>(xs: T[]) => T[],
  failAt: number | undefined,
  owned: Owned = () => new Set(),
): UpRun {
  const state: Applied = new Map(start);
  const cluster = new Map<string, Manifest>([...start.values()].map((m) => [identity(m), m]));
  for (const m of startPending) cluster.set(identity(m), m);
  const problems: string[] = [];
  const steps: Step[] = [];
  // Pending deletes of an earlier failed run go first.
  for (const m of shuffle([...startPending])) steps.push({ kind: 'delete', key: undefined, manifest: m });
  const wanted = new Map(program.map((m) => [childName('release', m), m]));
  const replacedOld: Manifest[] = [];
  // A random topological order of the program: a resource is ready once everything it depends on is done.
  const namedBy = referenceIndex(program);
  const waiting = new Map(program.map((m) => [m, new Set(namedBy(m))]));
  while (waiting.size > 0) {
    const ready = shuffle([...waiting].filter(([, deps]) => deps.size === 0).map(([m]) => m));
    const m = ready[0]!;
    waiting.delete(m);
    for (const deps of waiting.values()) deps.delete(m);
    const key = childName('release', m);
    const before = state.get(key);
    if (before && identity(before) !== identity(m)) replacedOld.push(before);
    if (!before || JSON.stringify(before) !== JSON.stringify(m)) steps.push({ kind: 'apply', key, manifest: m });
  }
  // Deletes last, dependents (routes) before what they depend on.
  const removed = [...state].filter(([key]) => !wanted.has(key));
  for (const phase of [1, 0] as const) {
    for (const [key, m] of shuffle(removed.filter(([, x]) => applyPhase(x) === phase))) steps.push({ kind: 'delete', key, manifest: m });
    for (const m of shuffle(replacedOld.filter((x) => applyPhase(x) === phase))) steps.push({ kind: 'delete', key: undefined, manifest: m });
  }

  const pending = new Set(startPending.map(identity));
  let done = 0;
  for (const step of steps) {
    if (failAt !== undefined && done === failAt) break;
    if (step.kind === 'apply') {
      const before = state.get(step.key);
      if (before && identity(before) !== identity(step.manifest)) pending.add(identity(before));
      else if (before) cluster.delete(identity(before));
      state.set(step.key, step.manifest);
      cluster.set(identity(step.manifest), step.manifest);
    } else {
      if (step.key !== undefined) state.delete(step.key);
      cluster.delete(identity(step.manifest));
      pending.delete(identity(step.manifest));
    }
    done++;
    problems.push(...unresolved([...cluster.values()], owned).map((p) => `after step ${done} (${step.kind} ${identity(step.manifest)}): ${p}`));
  }
  const pendingDeletes = [...cluster.values()].filter((m) => pending.has(identity(m)));
  return { state, pendingDeletes, problems, steps: steps.length };
}

/**
 * Routes of applied VirtualServices that name a subset, host or ServiceEntry that is not applied; applied
 * HTTPRoutes that name a Service graylane owns (`owned`: "namespace/name" of the Services the program the
 * route comes from emits; the others are the application's) that is not applied, or one in another namespace without an applied
 * ReferenceGrant.
 */
export type Owned = (route: Manifest) => ReadonlySet<string>;

export function unresolved(objects: readonly Manifest[], owned: Owned = () => new Set()): string[] {
  const problems: string[] = [];
  const services = new Set(objects.filter((o) => o.kind === 'Service').map((o) => `${o.metadata.namespace}/${o.metadata.name}`));
  for (const route of objects.filter((o) => o.kind === 'HTTPRoute')) {
    const mine = owned(route);
    const seen = new Set<string>();
    for (const rule of route.spec.rules as { backendRefs?: { name: string; namespace?: string }[] }[]) {
      for (const ref of rule.backendRefs ?? []) {
        const key = `${ref.namespace ?? route.metadata.namespace}/${ref.name}`;
        if (seen.has(key)) continue;
        seen.add(key);
        if (mine.has(key) && !services.has(key)) problems.push(`${identity(route)} routes to Service ${key}, which is not applied`);
        if (ref.namespace === undefined || ref.namespace === route.metadata.namespace) continue;
        const granted = objects.some((g) => g.kind === 'ReferenceGrant' && g.metadata.namespace === ref.namespace
          && (g.spec.from as { kind: string; namespace: string }[]).some((f) => f.kind === 'HTTPRoute' && f.namespace === route.metadata.namespace)
          && (g.spec.to as { kind: string; name?: string }[]).some((t) => t.kind === 'Service' && (t.name ?? ref.name) === ref.name));
        if (!granted) problems.push(`${identity(route)} routes to Service ${key} in another namespace, which no applied ReferenceGrant allows`);
      }
    }
  }
  const entryHosts = new Set(objects.filter((o) => o.kind === 'ServiceEntry').flatMap((o) => o.spec.hosts as string[]));
  for (const vs of objects.filter((o) => o.kind === 'VirtualService')) {
    for (const route of vs.spec.http as { route: { destination: { host: string; subset?: string } }[] }[]) {
      for (const { destination } of route.route) {
        if (!destination.host.endsWith('.svc.cluster.local') && !entryHosts.has(destination.host))
          problems.push(`${identity(vs)} routes to host ${destination.host}, which no applied ServiceEntry defines`);
        if (destination.subset !== undefined && !subsetsOf(objects, destination.host).some((s) => s.name === destination.subset))
          problems.push(`${identity(vs)} routes to subset ${destination.host}/${destination.subset}, which no applied DestinationRule defines`);
      }
    }
  }
  return problems;
}
