/**
 * Every emitted object must be a different object in the cluster, and a different file in a rendered
 * directory. Names are built from the spec's names (`<service>-<lane>`), so two spellings can meet:
 * service `a-b` in lane `c` and service `a` in lane `b-c` both make `a-b-c`. Such a spec is refused,
 * naming both sources, before anything is written.
 */
import type { Diagnostic, SpecPath } from './diagnostics';
import { LANE_LABEL, SERVICE_LABEL, type Manifest } from './emit/manifest';
import { identityCollisions } from './rules/checks/kubernetes-unique-identities';
import { manifestFileName } from './serialize';
import type { Target } from './spec/schema';

type Found = Omit<Diagnostic, 'file' | 'position'>;

export function emittedIdentityDiagnostics(target: Target, manifests: readonly Manifest[]): Found[] {
  const out: Found[] = [];
  for (const c of identityCollisions(manifests)) {
    const first = c.first as Manifest;
    const second = c.second as Manifest;
    out.push({
      code: 'GL241',
      severity: 'error',
      path: sourceOf(second).path,
      message: `Target ${target} would emit ${c.what} twice: for ${sourceOf(first).text} and for ${sourceOf(second).text}; ${c.subset ? 'Istio keeps one of the two subsets' : 'applying them keeps only one'}, and the other's routes would fail.`,
      hint: 'rename a service or lane so that "<service>-<lane>" names differ (names are joined with "-")',
    });
  }
  // One file per object: two names that differ only where a file name cannot (namespace, case) would overwrite.
  const files = new Map<string, Manifest>();
  for (const m of manifests) {
    const name = manifestFileName(m);
    const first = files.get(name);
    if (first && (first.metadata.namespace !== m.metadata.namespace || first.apiVersion !== m.apiVersion))
      out.push({
        code: 'GL241',
        severity: 'error',
        path: sourceOf(m).path,
        message: `Target ${target} would write two objects to the file ${target}/${name}: ${m.kind} ${first.metadata.namespace}/${first.metadata.name} (${sourceOf(first).text}) and ${m.kind} ${m.metadata.namespace}/${m.metadata.name} (${sourceOf(m).text}).`,
        hint: 'rename a service or lane so that the object names differ',
      });
    else if (!first) files.set(name, m);
  }
  return out;
}

/** The part of the spec an object comes from, in words and as a spec path (from the labels graylane sets). */
export function sourceOf(m: Manifest): { readonly text: string; readonly path: SpecPath } {
  const service = m.metadata.labels[SERVICE_LABEL];
  const lane = m.metadata.labels[LANE_LABEL];
  if (service !== undefined && lane !== undefined) return { text: `service "${service}" in lane "${lane}"`, path: ['spec', 'lanes', lane] };
  if (lane !== undefined) return { text: `lane "${lane}"`, path: ['spec', 'lanes', lane] };
  // The entry's VirtualService carries its first service's label but not that service's name.
  if (service !== undefined && !(m.kind === 'VirtualService' && m.metadata.name !== service)) return { text: `service "${service}"`, path: ['spec', 'services', service] };
  return { text: 'the entry (spec.entry)', path: ['spec', 'entry'] };
}
