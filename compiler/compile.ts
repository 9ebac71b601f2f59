/**
 * The compiler: parse → validate → normalize → check → emit/<target> → serialize.
 * Pure: text or an object in, manifests and diagnostics out. No I/O, no Pulumi.
 */
import { check } from './check';
import { hasErrors, sortDiagnostics, type Diagnostic } from './diagnostics';
import type { Manifest } from './emit/manifest';
import { normalize } from './normalize';
import { noLocator, parseSpecText, type SourceLocator } from './parse';
import type { Plan } from './plan';
import { withLazyYaml } from './serialize';
import { TARGETS, type ReleaseSpec, type Target } from './spec/schema';
import { emitterFor, implementedTargets } from './targets';
import { runRules } from './rules/run';
import { validateSpec } from './validate';
import { compileOptionsDiagnostics } from './compile-options';
import { emittedIdentityDiagnostics, sourceOf } from './emitted-identities';
import { plainDataDiagnostics } from './plain-data';
import { kubernetesObjectSize } from './rules/checks/kubernetes-object-size';
import { kubernetesUniqueIdentities } from './rules/checks/kubernetes-unique-identities';
import { RULES } from './rules/registry';
import type { Rule } from './rules/rule';

export interface CompileOptions {
  /** File name for diagnostics. */
  readonly file?: string;
  /** Progressive step (0-based); the first when omitted. */
  readonly step?: number;
  /** Targets to emit; default: the spec's own `targets`. */
  readonly targets?: readonly Target[];
  /** Namespace of the services and generated objects, overriding `metadata.namespace` (one spec, many environments). */
  readonly namespace?: string;
}

export interface TargetOutput {
  readonly target: Target;
  readonly manifests: Manifest[];
  /** The manifests as one multi-document YAML stream. */
  readonly yaml: string;
}

export interface CompileResult {
  /** No error-level diagnostic. Outputs are empty when false: nothing half-made is ever returned. */
  readonly ok: boolean;
  readonly diagnostics: Diagnostic[];
  readonly spec?: ReleaseSpec;
  readonly plan?: Plan;
  readonly outputs: TargetOutput[];
}

/** Compiles a release spec given as YAML text or as an object (a parsed spec, e.g. from TypeScript). */
export function compile(source: string | unknown, options: CompileOptions = {}): CompileResult {
  const result = compileManifests(source, options);
  // Printed on first read: check, explain, diff, graph and the component never need the text.
  return { ...result, outputs: result.outputs.map(withLazyYaml) };
}

/**
 * Every phase but the last: manifests without their YAML text (what `npm run bench` times on its own).
 * Any input gives diagnostics, never an exception: only the caller's own (a throwing getter) propagate.
 */
export function compileManifests(
  source: string | unknown,
  options: CompileOptions = {},
): Omit<CompileResult, 'outputs'> & { outputs: Omit<TargetOutput, 'yaml'>[] } {
  const optionProblems = compileOptionsDiagnostics(options);
  if (optionProblems.length > 0) return failed(optionProblems);
  const { file } = options;
  let data: unknown = source;
  let locator: SourceLocator = noLocator;
  if (typeof source === 'string') {
    const parsed = parseSpecText(source, file);
    if (parsed.diagnostics.length > 0) return failed(parsed.diagnostics);
    ({ data, locator } = parsed);
  } else {
    const problems = plainDataDiagnostics(source);
    if (problems.length > 0) return failed(problems.map((d) => ({ ...d, ...(file !== undefined ? { file } : {}) })));
  }
  // A text spec is a file: every diagnostic gets a line and column, the document's start when nothing nearer.
  const fallback = typeof source === 'string' ? { line: 1, column: 1 } : undefined;
  const place = (d: Omit<Diagnostic, 'file' | 'position'> & { position?: Diagnostic['position'] }): Diagnostic => {
    const position = d.position ?? locator.locate(d.path) ?? fallback;
    return { ...d, ...(file !== undefined ? { file } : {}), ...(position ? { position } : {}) };
  };
  if (options.namespace !== undefined && typeof data === 'object' && data !== null && !Array.isArray(data)) {
    const d = data as { metadata?: unknown };
    const metadata = typeof d.metadata === 'object' && d.metadata !== null ? d.metadata : {};
    data = { ...d, metadata: { ...metadata, namespace: options.namespace } };
  }
  const validated = validateSpec(data, locator, file);
  if (!validated.spec) return failed(validated.diagnostics.map(place));
  const spec = validated.spec;
  try {
    return compileValid(spec, options, place);
  } catch (e) {
    // A valid spec that makes a phase throw is graylane's bug: reported as a diagnostic, never a stack trace.
    return failed([place({ code: 'GL500', severity: 'error', path: [], message: `graylane failed on this spec: ${(e as Error)?.message ?? String(e)}`, hint: 'this is a bug in graylane: please report it with the spec' })], spec);
  }
}

function compileValid(
  spec: ReleaseSpec,
  options: CompileOptions,
  place: (d: Omit<Diagnostic, 'file' | 'position'>) => Diagnostic,
): Omit<CompileResult, 'outputs'> & { outputs: Omit<TargetOutput, 'yaml'>[] } {
  const plan = normalize(spec, options.step ?? 0);
  const diagnostics = [...check(spec, plan, options.step), ...stepWithoutSteps(spec, options.step)].map(place);
  for (const target of options.targets ?? []) {
    if (!TARGETS.includes(target))
      diagnostics.push(place({ code: 'GL401', severity: 'error', path: [], message: `Unknown target "${target}".`, hint: `use one of ${TARGETS.join(', ')}` }));
  }
  if (hasErrors(diagnostics)) return failed(diagnostics, spec, plan);

  const outputs: Omit<TargetOutput, 'yaml'>[] = [];
  for (const target of options.targets ?? plan.targets) {
    const emit = emitterFor(target);
    if (!emit) {
      diagnostics.push(place({ code: 'GL401', severity: 'warning', path: ['spec', 'targets'], message: `Target "${target}" is not yet supported by this version of graylane; nothing was emitted for it.`, hint: `this version emits ${implementedTargets().join(' and ')}` }));
      continue;
    }
    const emitted = emit(plan);
    // Collisions come from the spec's names: reported with both sources, and the self-check (which would
    // blame graylane for the same objects) is skipped for this target.
    const collisions = emittedIdentityDiagnostics(target, emitted.manifests);
    diagnostics.push(...emitted.diagnostics.map(place), ...collisions.map(place), ...(collisions.length > 0 ? [] : selfCheck(target, emitted.manifests, RULES_AFTER_IDENTITY_CHECK).map(place)));
    outputs.push({ target, manifests: emitted.manifests });
  }
  if (hasErrors(diagnostics)) return failed(diagnostics, spec, plan);
  return { ok: true, diagnostics: sortDiagnostics(diagnostics), spec, plan, outputs };
}

/**
 * The self-check once emittedIdentityDiagnostics found no collision: kubernetes-unique-identities runs the same
 * `identityCollisions` on the same manifests, so it cannot find one either.
 */
const RULES_AFTER_IDENTITY_CHECK = RULES.filter((r) => r.name !== kubernetesUniqueIdentities.name);

/**
 * The policy rules that hold in every environment, run on graylane's own output: a finding here is a graylane
 * bug, reported rather than shipped.
 */
export function selfCheck(target: Target, manifests: readonly Manifest[], rules: readonly Rule[] = RULES): Diagnostic[] {
  return runRules(manifests, { environment: 'dev', rules })
    .filter((f) => f.level === 'mandatory')
    .map((f) => (f.rule === kubernetesObjectSize.name ? oversized(target, f.object as Manifest, f.message) : {
      code: 'GL500',
      severity: 'error' as const,
      path: [],
      message: `graylane emitted an object that breaks rule ${f.rule} for target ${target}: ${f.message}`,
      hint: 'this is a bug in graylane: please report it with the spec',
    }));
}

/** Size comes from the spec (its hosts, matches, lanes): the error points at the spec, not at graylane. */
function oversized(target: Target, object: Manifest, message: string): Diagnostic {
  const source = sourceOf(object);
  return {
    code: 'GL242',
    severity: 'error',
    path: source.path,
    message: `The spec makes an object of ${source.text} too large for target ${target}: ${message}`,
    hint: 'shorten the long values (match strings, hosts, labels) or split the release into several',
  };
}

function stepWithoutSteps(spec: ReleaseSpec, step: number | undefined): Omit<Diagnostic, 'file' | 'position'>[] {
  // Step 0 is every spec's default, with or without steps.
  if (step === undefined || step === 0 || (spec.spec.entry?.rules ?? []).some((r) => r.steps !== undefined)) return [];
  return [
    {
      code: 'GL209',
      severity: 'error',
      path: ['spec', 'entry', 'rules'],
      message: `Step ${step} was requested, but no entry rule has steps.`,
      hint: 'omit the step, or give a rule `steps:`',
    },
  ];
}

function failed(diagnostics: Diagnostic[], spec?: ReleaseSpec, plan?: Plan): CompileResult {
  return { ok: false, diagnostics: sortDiagnostics(diagnostics), ...(spec ? { spec } : {}), ...(plan ? { plan } : {}), outputs: [] };
}
