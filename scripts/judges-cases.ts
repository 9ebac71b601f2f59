/**
 * The object sets the judges look at, built with graylane's compiler in-process: every example (each target,
 * each progressive step), every golden YAML, every stack spec, the fixture specs and a fixed sample of generated
 * specs; plus the planted-defect corpus for the semantic-rule comparison.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import fc from 'fast-check';
import { parseAllDocuments } from 'yaml';
import { compile, formatDiagnostic, type Manifest, type ReleaseSpec } from '../compiler';
import { specArbitrary } from '../test/support/spec-arbitrary';
import { ROOT } from './judges-build';

export type K8sObject = Record<string, unknown> & {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  spec?: Record<string, unknown>;
};

export interface ObjectSet {
  readonly name: string;
  /** The YAML or spec file it came from (for the Traefik explain comparison). */
  readonly source?: string;
  readonly step?: number;
  readonly objects: K8sObject[];
}

/** Generated specs: a fixed seed, so every run judges the same sample. */
const GENERATED_SEED = 17;
const GENERATED_RUNS = 40;

function yamlFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? yamlFiles(join(dir, e.name)) : /\.ya?ml$/.test(e.name) ? [join(dir, e.name)] : []))
    .sort();
}

export function readObjects(file: string): K8sObject[] {
  return parseAllDocuments(readFileSync(file, 'utf8'))
    .map((d) => d.toJS() as K8sObject | null)
    .filter((o): o is K8sObject => o !== null && typeof o === 'object' && typeof o.kind === 'string');
}

function stepsOf(spec: ReleaseSpec): number {
  return Math.max(1, ...(spec.spec.entry?.rules ?? []).map((r) => r.steps?.length ?? 1));
}

function compiledSets(name: string, source: string | unknown, file?: string): ObjectSet[] {
  const first = compile(source, file ? { file } : {});
  if (!first.ok || !first.spec) throw new Error(`${name} does not compile:\n${first.diagnostics.map(formatDiagnostic).join('\n')}`);
  const sets: ObjectSet[] = [];
  const steps = stepsOf(first.spec);
  for (let step = 0; step < steps; step++) {
    const result = steps > 1 ? compile(source, { ...(file ? { file } : {}), step }) : first;
    if (!result.ok) throw new Error(`${name} step ${step} does not compile:\n${result.diagnostics.map(formatDiagnostic).join('\n')}`);
    for (const output of result.outputs) {
      sets.push({
        name: `${name} ${output.target}${steps > 1 ? ` step ${step}` : ''}`,
        ...(file ? { source: file } : {}),
        ...(steps > 1 ? { step } : {}),
        objects: output.manifests.map((m: Manifest) => JSON.parse(JSON.stringify(m)) as K8sObject),
      });
    }
  }
  return sets;
}

function specSets(dir: string, label: string): ObjectSet[] {
  return readdirSync(join(ROOT, dir))
    .filter((f) => f.endsWith('.release.yaml'))
    .sort()
    .flatMap((f) => compiledSets(`${label} ${f}`, readFileSync(join(ROOT, dir, f), 'utf8'), `${dir}/${f}`));
}

/** Every object set graylane emits in the repository's examples, goldens, stacks and a generated sample. */
export function emittedSets(): ObjectSet[] {
  const sets: ObjectSet[] = [...specSets('examples', 'example'), ...specSets('stacks/specs', 'stack'), ...specSets('test/fixtures/specs', 'fixture spec')];
  // The same Traefik example for Traefik v2 (traefik.containo.us, rule syntax v2).
  const coding = readFileSync(join(ROOT, 'examples', 'coding-demo.release.yaml'), 'utf8').replace('entryPoints: [web]', 'entryPoints: [web]\n      apiGroup: traefik.containo.us');
  sets.push(...compiledSets('example coding-demo.release.yaml (traefik.containo.us)', coding, 'examples/coding-demo.release.yaml'));
  for (const file of yamlFiles(join(ROOT, 'test', 'golden')))
    sets.push({ name: `golden ${relative(ROOT, file)}`, source: relative(ROOT, file), objects: readObjects(file) });
  fc.sample(specArbitrary, { seed: GENERATED_SEED, numRuns: GENERATED_RUNS }).forEach((spec, i) => {
    sets.push(...compiledSets(`generated spec #${i} (seed ${GENERATED_SEED})`, spec));
  });
  return sets.filter((s) => s.objects.length > 0);
}

/** Planted-defect objects, one defect each (test/fixtures/broken, refused and judges), and Istio's own fixtures. */
export function defectCorpus(): { file: string; objects: K8sObject[] }[] {
  const files = [
    ...yamlFiles(join(ROOT, 'test', 'fixtures', 'broken')),
    ...yamlFiles(join(ROOT, 'test', 'fixtures', 'refused')),
    ...yamlFiles(join(ROOT, 'test', 'fixtures', 'judges', 'istio-defects')),
    ...yamlFiles(join(ROOT, 'test', 'fixtures', 'crds', 'istio-validation-fixtures')),
  ];
  return files.map((file) => ({
    file: relative(ROOT, file),
    // Istio's fixtures carry their expected CRD error in a top-level `_err`, which is no part of the object.
    objects: readObjects(file).map(({ _err, ...object }) => object as K8sObject),
  }));
}
