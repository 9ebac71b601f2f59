/** graylane/compiler: the pure compiler. No `@pulumi/*` import, no I/O. */
export { compile, compileManifests, type CompileOptions, type CompileResult, type TargetOutput } from './compile';
export { CompileError, formatDiagnostic, formatPath, hasErrors, type Diagnostic, type Severity } from './diagnostics';
export { applyPhase, type Manifest } from './emit/manifest';
export type { Plan } from './plan';
export { manifestFileName, manifestToYaml, manifestsToYaml } from './serialize';
export { releaseSchema, TARGETS, type ReleaseSpec, type Target } from './spec/schema';
export { implementedTargets } from './targets';
export { routingSummary, type RoutedShare, type RoutingSummary } from './summary';
export { referenceIndex, routeDestinations } from './references';
