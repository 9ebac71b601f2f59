/**
 * What `graylane check` reads, with a location for every object: a spec (objects located at the spec line
 * that produces them) or rendered/hand-written YAML (objects located at their document).
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import { LineCounter, parseAllDocuments } from 'yaml';
import { compile, formatDiagnostic, type CompileOptions, type Diagnostic, type Manifest, type Plan } from '../compiler';
import { parseSpecText } from '../compiler/parse';
import { InputDiagnostics } from './inputs';
import { UsageError } from './io';
import { MARKER } from './output-dir';

export interface Located {
  readonly file: string;
  readonly line: number;
  readonly column: number;
}

export interface CheckInput {
  readonly objects: Manifest[];
  /** Objects checked together: one group per target of a spec (istio and asm are alternatives, never both). */
  readonly groups: Manifest[][];
  readonly locate: (object: Manifest) => Located | undefined;
  readonly plan?: Plan;
  /** The compiler's warnings, for a spec. */
  readonly warnings: Diagnostic[];
}

export function loadCheckInput(ref: string, cwd: string, options: Omit<CompileOptions, 'file'>): CheckInput {
  const path = resolve(cwd, ref);
  let isDir: boolean;
  try {
    isDir = statSync(path).isDirectory();
  } catch {
    throw new UsageError(`cannot read "${ref}": no such file or directory`);
  }
  const files = isDir ? yamlFiles(path) : [path];
  const texts = files.map((f) => ({ file: relative(cwd, f) || f, text: readFileSync(f, 'utf8') }));
  const specs = texts.filter((t) => /^kind:\s*Release\s*$/m.test(t.text) && /^apiVersion:\s*graylane\.dev\//m.test(t.text));
  if (specs.length > 1) throw new UsageError(`"${ref}" holds ${specs.length} release specs; check them one at a time`);
  if (specs.length === 1) return fromSpec(specs[0]!.file, specs[0]!.text, options);
  const objects: Manifest[] = [];
  const where = new Map<Manifest, Located>();
  // A directory written by `graylane render` holds one folder per target: istio and asm are alternatives
  // for one mesh, so each folder is checked on its own.
  const rendered = isDir && existsSync(join(path, MARKER));
  const groups = new Map<string, Manifest[]>();
  for (const { file, text } of texts) {
    const group = rendered ? relative(path, resolve(cwd, file)).split(sep)[0]! : '';
    const lineCounter = new LineCounter();
    for (const doc of parseAllDocuments(text, { lineCounter })) {
      if (doc.errors.length > 0) {
        const { line, col } = lineCounter.linePos(doc.errors[0]!.pos[0]);
        throw new InputDiagnostics([`${file}:${line}:${col}: error GL100: The file is not valid YAML: ${doc.errors[0]!.message.split('\n')[0]}`]);
      }
      const o = doc.toJS() as Manifest | null;
      if (!o || typeof o !== 'object' || typeof o.kind !== 'string') continue;
      const metadata: Partial<Manifest['metadata']> = o.metadata ?? {};
      const object = { ...o, metadata: { ...metadata, labels: metadata.labels ?? {}, namespace: metadata.namespace ?? 'default' } } as Manifest;
      objects.push(object);
      groups.set(group, [...(groups.get(group) ?? []), object]);
      const { line, col } = lineCounter.linePos(doc.contents?.range?.[0] ?? 0);
      where.set(object, { file, line, column: col });
    }
  }
  return { objects, groups: [...groups.values()], locate: (o) => where.get(o), warnings: [] };
}

function fromSpec(file: string, text: string, options: Omit<CompileOptions, 'file'>): CheckInput {
  const result = compile(text, { ...options, file });
  if (!result.ok) throw new InputDiagnostics(result.diagnostics.map(formatDiagnostic));
  const { locator } = parseSpecText(text, file);
  const plan = result.plan!;
  const locate = (o: Manifest): Located | undefined => {
    const position = locator.locate(specPathOf(o, plan));
    return position ? { file, line: position.line, column: position.column } : { file, line: 1, column: 1 };
  };
  return { objects: result.outputs.flatMap((o) => o.manifests), groups: result.outputs.map((o) => o.manifests), locate, plan, warnings: result.diagnostics };
}

/** The part of the spec an emitted object comes from. */
function specPathOf(o: Manifest, plan: Plan): (string | number)[] {
  const service = o.metadata.labels['graylane.dev/service'];
  const lane = o.metadata.labels['graylane.dev/lane'];
  if (lane !== undefined) return o.kind === 'ServiceEntry' ? ['spec', 'lanes', lane, 'endpoints'] : ['spec', 'lanes', lane];
  if (o.kind === 'VirtualService' && o.metadata.name === service) return ['spec', 'services', service];
  if (o.kind === 'TraefikService') {
    const index = plan.entry.rules.findIndex((r) => `${plan.release}-${r.name}-split` === o.metadata.name);
    return index >= 0 ? ['spec', 'entry', 'rules', index] : ['spec', 'entry', 'rules'];
  }
  if (o.kind === 'Middleware' || o.kind === 'EnvoyFilter') return ['spec', 'entry', 'resilience'];
  return ['spec', 'entry', 'rules'];
}

function yamlFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const p = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...yamlFiles(p));
    else if (/\.ya?ml$/.test(entry.name)) out.push(p);
  }
  return out;
}
