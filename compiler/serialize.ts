/** Phase 6, serialize: manifests → YAML, byte-for-byte the same for the same input. */
import { stringify } from 'yaml';
import type { Manifest } from './emit/manifest';

const OPTIONS = { lineWidth: 0, indent: 2, sortMapEntries: false, aliasDuplicateObjects: false } as const;

export function manifestToYaml(manifest: Manifest): string {
  return stringify(manifest, OPTIONS);
}

/** A multi-document stream, each document introduced by `---`. */
export function manifestsToYaml(manifests: readonly Manifest[]): string {
  return manifests.map((m) => `---\n${manifestToYaml(m)}`).join('');
}

/** One file name per object: `<kind>-<name>.yaml`, lowercase. */
export function manifestFileName(manifest: Manifest): string {
  return `${manifest.kind.toLowerCase()}-${manifest.metadata.name}.yaml`;
}
