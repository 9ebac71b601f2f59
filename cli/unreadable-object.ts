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
    const where = locate(culprit);
    const kind = typeof culprit.kind === 'string' ? culprit.kind : 'Kubernetes object';
    return new InputDiagnostics([
      `${where ? `${where.file}:${where.line}:${where.column}` : '<objects>'}: error GL111: ${objectLabel(culprit)} does not have the shape of a ${kind}, so rule ${rule.name} cannot read it (${reason || 'it fails on the set of objects'}).\n  hint: check the object against its CRD, e.g. with kubectl apply --dry-run=server`,
    ]);
  }
  return undefined;
}

/**
 * Runs an inspection (diff, explain) over loaded inputs; when it throws, an object of the inputs that the rules
 * cannot read either is reported instead (`unreadableObject`), else the error goes on. `inputs` is called only
 * then, so a command may drop an input's locator before inspecting.
 */
export function inspectReadable<T>(inspect: () => T, inputs: () => readonly LoadedInput[]): T {
  try {
    return inspect();
  } catch (e) {
    if (e instanceof InputDiagnostics || e instanceof UsageError) throw e;
    for (const input of inputs())
      for (const group of input.groups.values()) {
        const found = unreadableObject(group, {}, input.locate);
        if (found) throw found;
      }
    throw e;
  }
}

function throws(f: () => unknown): boolean {
  try {
    f();
    return false;
  } catch {
    return true;
  }
}
