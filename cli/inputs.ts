/**
 * What `explain` and `diff` read: a release spec (compiled, with its plan), a rendered YAML file or
 * directory (objects as they are, hand-written ones too), or `git:REV:path` (either, from git history).
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { compile, formatDiagnostic, type CompileOptions, type Manifest, type Plan } from '../compiler';
import { UsageError } from './io';

export interface LoadedInput {
  readonly label: string;
  readonly objects: Manifest[];
  readonly plan?: Plan;
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
  if (specs.length === 1) {
    const spec = specs[0]!;
    const result = compile(spec.text, { ...options, file: spec.name });
    if (!result.ok) throw new InputDiagnostics(result.diagnostics.map(formatDiagnostic));
    // istio and asm configure the same mesh two ways: read one of them (istio when both are there).
    const outputs = result.outputs.some((o) => o.target === 'istio') ? result.outputs.filter((o) => o.target !== 'asm') : result.outputs;
    return { label: ref, objects: outputs.flatMap((o) => o.manifests), plan: result.plan! };
  }
  const objects: Manifest[] = [];
  // A rendered directory with both istio/ and asm/ holds two versions of one mesh's objects: read istio's.
  const both = files.some((f) => /(^|\/)istio\//.test(f.name)) && files.some((f) => /(^|\/)asm\//.test(f.name));
  for (const f of files.filter((x) => !(both && /(^|\/)asm\//.test(x.name)))) {
    for (const doc of parseAllDocuments(f.text)) {
      if (doc.errors.length > 0) throw new UsageError(`${f.name}: not valid YAML: ${doc.errors[0]!.message.split('\n')[0]}`);
      const o = doc.toJS() as Partial<Manifest> | null;
      if (o && typeof o === 'object' && typeof o.kind === 'string' && typeof o.apiVersion === 'string') {
        objects.push({ ...o, metadata: { labels: {}, namespace: 'default', ...(o.metadata ?? {}) } } as Manifest);
      }
    }
  }
  if (objects.length === 0) throw new UsageError(`"${ref}" holds neither a release spec nor Kubernetes objects`);
  return { label: ref, objects };
}

interface InputFile {
  name: string;
  text: string;
}

function isSpec(text: string): boolean {
  return /^kind:\s*Release\s*$/m.test(text) && /^apiVersion:\s*graylane\.dev\//m.test(text);
}

function diskFiles(ref: string, cwd: string): InputFile[] {
  const path = resolve(cwd, ref);
  let stat;
  try {
    stat = statSync(path);
  } catch {
    throw new UsageError(`cannot read "${ref}": no such file or directory`);
  }
  if (!stat.isDirectory()) return [{ name: relative(cwd, path) || ref, text: readFileSync(path, 'utf8') }];
  const out: InputFile[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const p = join(dir, entry.name);
      if (entry.isDirectory()) walk(p);
      else if (/\.ya?ml$/.test(entry.name)) out.push({ name: relative(cwd, p), text: readFileSync(p, 'utf8') });
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
  return names.map((name) => ({ name: `${rev}:${name}`, text: git('show', `${rev}:./${name}`) }));
}
