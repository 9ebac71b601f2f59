/**
 * What `explain`, `diff` and `check` read: a release spec (compiled, with its plan), rendered or hand-written
 * YAML (a file or a directory), or `git:REV:path` (either, from git history) — with a location for every
 * object: the spec line that produces it, or its YAML document.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { LineCounter, parseAllDocuments } from 'yaml';
import { compile, formatDiagnostic, TARGETS, type CompileOptions, type Diagnostic, type Manifest, type Plan } from '../compiler';
import { parseSpecText } from '../compiler/parse';
import { UsageError } from './io';
import { specPathOf, type Located } from './object-locations';

export type { Located } from './object-locations';

export interface LoadedInput {
  readonly label: string;
  /**
   * Objects that belong together: one group per target of a spec, or per target folder of a rendered
   * directory (istio and asm configure one mesh two ways, so they are never mixed), else one group.
   */
  readonly groups: ReadonlyMap<string, Manifest[]>;
  /** What one mesh sees: istio's objects when istio and asm are both there, else every group. */
  readonly objects: Manifest[];
  readonly locate: (object: Manifest) => Located | undefined;
  readonly plan?: Plan;
  /** The compiler's warnings, for a spec. */
  readonly warnings: Diagnostic[];
}

/** Diagnostics of a spec that does not compile: printed by the caller, exit 2. */
export class InputDiagnostics extends Error {
  constructor(readonly lines: string[]) {
    super(lines.join('\n'));
  }
}

export function loadInput(ref: string, cwd: string, options: Omit<CompileOptions, 'file'> = {}): LoadedInput {
  const files = ref.startsWith('git:') ? gitFiles(ref, cwd) : diskFiles(ref, cwd);
  const specs = files.filter((f) => isSpec(f.text));
  if (specs.length > 1) throw new UsageError(`"${ref}" holds ${specs.length} release specs (${specs.map((s) => s.name).join(', ')}); name one`);
  if (specs.length === 1) return fromSpec(ref, specs[0]!, options);
  const groups = new Map<string, Manifest[]>();
  const where = new Map<Manifest, Located>();
  for (const f of files) {
    const lineCounter = new LineCounter();
    for (const doc of parseAllDocuments(f.text, { lineCounter })) {
      if (doc.errors.length > 0) {
        const { line, col } = lineCounter.linePos(doc.errors[0]!.pos[0]);
        throw new InputDiagnostics([`${f.name}:${line}:${col}: error GL100: The file is not valid YAML: ${doc.errors[0]!.message.split('\n')[0]}`]);
      }
      const o = doc.toJS() as Manifest | null;
      if (!o || typeof o !== 'object' || typeof o.kind !== 'string' || typeof o.apiVersion !== 'string') continue;
      const metadata: Partial<Manifest['metadata']> = o.metadata ?? {};
      const object = { ...o, metadata: { ...metadata, labels: metadata.labels ?? {}, namespace: metadata.namespace ?? 'default' } } as Manifest;
      groups.set(f.group, [...(groups.get(f.group) ?? []), object]);
      const { line, col } = lineCounter.linePos(doc.contents?.range?.[0] ?? 0);
      where.set(object, { file: f.name, line, column: col });
    }
  }
  if (groups.size === 0) throw new UsageError(`"${ref}" holds neither a release spec nor Kubernetes objects`);
  return { label: ref, groups, objects: oneMesh(groups), locate: (o) => where.get(o), warnings: [] };
}

function fromSpec(ref: string, spec: InputFile, options: Omit<CompileOptions, 'file'>): LoadedInput {
  const result = compile(spec.text, { ...options, file: spec.name });
  if (!result.ok) throw new InputDiagnostics(result.diagnostics.map(formatDiagnostic));
  const { locator } = parseSpecText(spec.text, spec.name);
  const plan = result.plan!;
  const groups = new Map(result.outputs.map((o) => [o.target as string, o.manifests]));
  const locate = (o: Manifest): Located => {
    const position = locator.locate(specPathOf(o, plan));
    return { file: spec.name, line: position?.line ?? 1, column: position?.column ?? 1 };
  };
  return { label: ref, groups, objects: oneMesh(groups), locate, plan, warnings: result.diagnostics };
}

function oneMesh(groups: ReadonlyMap<string, Manifest[]>): Manifest[] {
  const both = groups.has('istio') && groups.has('asm');
  return [...groups].filter(([group]) => !(both && group === 'asm')).flatMap(([, objects]) => objects);
}

interface InputFile {
  name: string;
  text: string;
  /** The target folder the file is in (`istio/…` of a rendered directory), or ''. */
  group: string;
}

function isSpec(text: string): boolean {
  return /^kind:\s*Release\s*$/m.test(text) && /^apiVersion:\s*graylane\.dev\//m.test(text);
}

function groupOf(relativePath: string): string {
  const parts = relativePath.split(/[\\/]/);
  return parts.length > 1 && (TARGETS as readonly string[]).includes(parts[0]!) ? parts[0]! : '';
}

function diskFiles(ref: string, cwd: string): InputFile[] {
  const path = resolve(cwd, ref);
  let stat;
  try {
    stat = statSync(path);
  } catch {
    throw new UsageError(`cannot read "${ref}": no such file or directory`);
  }
  if (!stat.isDirectory()) return [{ name: relative(cwd, path) || ref, text: readFileSync(path, 'utf8'), group: '' }];
  const out: InputFile[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const p = join(dir, entry.name);
      if (entry.isDirectory()) walk(p);
      else if (/\.ya?ml$/.test(entry.name)) out.push({ name: relative(cwd, p), text: readFileSync(p, 'utf8'), group: groupOf(relative(path, p)) });
    }
  };
  walk(path);
  return out;
}

/** `git:REV:path`: a file, or every YAML file under a directory, as of that revision. */
function gitFiles(ref: string, cwd: string): InputFile[] {
  const m = /^git:([^:]+):(.+)$/.exec(ref);
  if (!m) throw new UsageError(`"${ref}" is not git:REV:path`);
  const [, rev, path] = m;
  const git = (...args: string[]) => execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 * 1024 * 1024 });
  let names: string[];
  try {
    names = git('ls-tree', '-r', '--name-only', rev!, '--', path!).split('\n').filter((n) => /\.ya?ml$/.test(n));
  } catch (e) {
    throw new UsageError(`git cannot read ${rev}:${path}: ${((e as { stderr?: string }).stderr ?? (e as Error).message).trim()}`);
  }
  if (names.length === 0) throw new UsageError(`git has no YAML at ${rev}:${path}`);
  const base = path!.replace(/\/+$/, '');
  return names.map((name) => ({ name: `${rev}:${name}`, text: git('show', `${rev}:./${name}`), group: groupOf(name === base ? '' : relative(base, name)) }));
}
