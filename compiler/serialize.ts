/** Phase 6, serialize: manifests → YAML, byte-for-byte the same for the same input. */
import { stringify } from 'yaml';
import type { Manifest } from './emit/manifest';
import { printYaml } from './yaml-printer';

/** The output format: `yaml.stringify` with these options is the reference ./yaml-printer.ts must match. */
export const YAML_OPTIONS = { lineWidth: 0, indent: 2, sortMapEntries: false, aliasDuplicateObjects: false } as const;

/** One document, by the fast printer when it covers the value, else by `yaml` (the same bytes either way). */
export function manifestToYaml(manifest: Manifest): string {
  return printYaml(manifest) ?? stringify(manifest, YAML_OPTIONS);
}

/** A multi-document stream, each document introduced by `---`. */
export function manifestsToYaml(manifests: readonly Manifest[]): string {
  return streamOf(manifests.map(manifestToYaml));
}

function streamOf(documents: readonly string[]): string {
  let stream = '';
  for (const document of documents) stream += `---\n${document}`;
  return stream;
}

/** One file name per object: `<kind>-<name>.yaml`, lowercase. */
export function manifestFileName(manifest: Manifest): string {
  return `${manifest.kind.toLowerCase()}-${manifest.metadata.name}.yaml`;
}

/** The text of a target output, printed when first read and then kept. */
export interface PrintedOutput {
  /** The manifests as one multi-document YAML stream (the documents below, each after `---`). */
  readonly yaml: string;
  /** Each manifest's own document, in the order of `manifests` (what `render -o` writes, what `diff` compares). */
  readonly documents: readonly string[];
}

/**
 * Print once, and only when asked: gives `output` a `yaml` and a `documents` that print on first read and
 * reuse that text afterwards, so commands that never read them (check, explain, diff, graph) never print, and
 * the stream and the per-object files share one printing. The manifests must not change afterwards; emitted
 * manifests never do (every field is readonly).
 * `yaml` is enumerable, like the plain field it replaces; `documents` is not, so the output's shape (JSON,
 * deep equality) stays what it was.
 */
export function withLazyYaml<T extends { readonly manifests: readonly Manifest[] }>(output: T): T & PrintedOutput {
  let documents: readonly string[] | undefined;
  let yaml: string | undefined;
  const printedDocuments = () => (documents ??= output.manifests.map(manifestToYaml));
  const lazy = { ...output } as T & PrintedOutput;
  Object.defineProperty(lazy, 'documents', { get: printedDocuments, enumerable: false });
  Object.defineProperty(lazy, 'yaml', { get: () => (yaml ??= streamOf(printedDocuments())), enumerable: true });
  return lazy;
}
