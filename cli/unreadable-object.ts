import { RULES } from '../compiler/rules/registry';
import { runRules, type RunOptions } from '../compiler/rules/run';
import type { Manifest } from '../compiler';
import { InputDiagnostics, type LoadedInput } from './inputs';
import { UsageError } from './io';
import { objectLabel } from './object-label';
import type { Located } from './object-locations';

/**
 * The rules and the simulators read objects as their CRDs shape them; a hand-written object that is not (a
 * `destination: null`, a mapping where a list belongs) makes them throw. That is the input's fault: GL111, at
 * the object, exit 2. The object is found by running each rule on each object alone; when no object alone
 * fails, undefined (the failure is graylane's, and is reported as an internal error).
 */
export function unreadableObject(group: readonly Manifest[], settings: RunOptions, locate: (o: Manifest) => Located | undefined): InputDiagnostics | undefined {
  for (const rule of RULES) {
    const only = { ...settings, rules: [rule] };
    const culprit = group.find((o) => throws(() => runRules([o], only))) ?? (throws(() => runRules(group, only)) ? group[0] : undefined);
    if (!culprit) continue;
    let reason = '';
    try {
      runRules([culprit], only);
    } catch (e) {
      reason = (e as Error)?.message ?? String(e);
    }
    return unreadable(culprit, locate(culprit), `rule ${rule.name}`, reason || 'it fails on the set of objects');
  }
  return undefined;
}

/** How to run an inspection again over inputs read afresh, leaving some of their objects out. */
export interface InspectionRetry {
  readonly inputs: () => readonly LoadedInput[];
  readonly run: (inputs: readonly LoadedInput[], without: ReadonlySet<Manifest>) => unknown;
}

/**
 * Runs an inspection (diff, explain); when it throws, the object it cannot read is reported instead: first one
 * a rule cannot read either (`unreadableObject`), else the one found by leaving halves of the objects out until
 * one object is left whose absence the failure needs (log2(objects) runs, on the failure path only). When the
 * failure does not come back on the inputs read afresh, or without any object, it is graylane's: it goes on.
 */
export function inspectReadable<T>(inspect: () => T, retry: InspectionRetry): T {
  try {
    return inspect();
  } catch (e) {
    if (e instanceof InputDiagnostics || e instanceof UsageError) throw e;
    const inputs = retry.inputs();
    for (const input of inputs)
      for (const group of input.groups.values()) {
        const found = unreadableObject(group, {}, input.locate);
        if (found) throw found;
      }
    const failure = (without: ReadonlySet<Manifest>): string | undefined => {
      try {
        retry.run(inputs, without);
        return undefined;
      } catch (f) {
        return (f as Error)?.message ?? String(f);
      }
    };
    const first = failure(new Set());
    let candidates = [...new Set(inputs.flatMap((i) => i.objects))];
    if (first === undefined || candidates.length === 0 || failure(new Set(candidates)) !== undefined) throw e;
    while (candidates.length > 1) {
      const half = candidates.slice(0, candidates.length >> 1);
      candidates = failure(new Set(half)) !== undefined ? candidates.slice(half.length) : half;
    }
    const culprit = candidates[0]!;
    throw unreadable(culprit, inputs.map((i) => i.locate(culprit)).find((l) => l !== undefined), 'the route simulator', first);
  }
}

function unreadable(culprit: Manifest, where: Located | undefined, reader: string, reason: string): InputDiagnostics {
  const kind = typeof culprit.kind === 'string' ? culprit.kind : 'Kubernetes object';
  return new InputDiagnostics([
    `${where ? `${where.file}:${where.line}:${where.column}` : '<objects>'}: error GL111: ${objectLabel(culprit)} does not have the shape of a ${kind}, so ${reader} cannot read it (${reason}).\n  hint: check the object against its CRD, e.g. with kubectl apply --dry-run=server`,
  ]);
}

function throws(f: () => unknown): boolean {
  try {
    f();
    return false;
  } catch {
    return true;
  }
}
