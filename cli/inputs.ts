/**
 * What `explain`, `diff` and `check` read: a release spec (compiled, with its plan), rendered or hand-written
 * YAML (a file or a directory), or `git:REV:path` (either, from git history) — with a location for every
 * object: the spec line that produces it, or its YAML document.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, realpathSync, statSync, type Stats } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { isMap, isScalar, LineCounter, parseAllDocuments } from 'yaml';
import { compile, formatDiagnostic, TARGETS, type CompileOptions, type Diagnostic, type Manifest, type Plan } from '../compiler';
import { fastLoadAll, type FastDocument } from '../compiler/fast-yaml';
import { documentDiagnostics, parseSpecText } from '../compiler/parse';
import { getMaxInputBytes, osReason, readInputFile } from './input-file';
import { UsageError, type CliIo } from './io';
import { specPathOf, type Located } from './object-locations';
import { SchemaAdmission } from './schema-admission';

export type { Located } from './object-locations';

export interface LoadedInput {
  readonly label: string;
  /**
   * Objects that belong together: one group per target of a spec, or per target folder of a rendered
   * directory (istio and asm configure one mesh two ways, so they are never mixed), else one group.
   */
  readonly groups: ReadonlyMap<string, Manifest[]>;
  /** What one mesh sees: the first of istio's, asm's and gateway-api's objects that is there, plus traefik's. */
  readonly objects: Manifest[];
  readonly locate: (object: Manifest) => Located | undefined;
  readonly plan?: Plan;
  /** The compiler's warnings, for a spec. */
  readonly warnings: Diagnostic[];
}

/**
 * The warnings about hand-written objects (GL113: nulls the API server drops), on stderr. A spec's compiler
 * warnings are render's and validate's to show; explain and diff keep their output to the traffic.
 */
export function printObjectWarnings(input: LoadedInput, io: Pick<CliIo, 'stderr'>): void {
  if (input.plan !== undefined) return;
  for (const d of input.warnings) io.stderr(`${formatDiagnostic(d)}\n`);
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
  const admission = new SchemaAdmission();
  const warnings: Diagnostic[] = [];
  for (const f of files) {
    const admitted = admission.admit(f, documentsOf(f));
    warnings.push(...admitted.warnings);
    for (const { data, line, column } of admitted.documents) {
      const o = data as Manifest | null;
      if (!o || typeof o !== 'object' || typeof o.kind !== 'string' || typeof o.apiVersion !== 'string') continue;
      const metadata: Partial<Manifest['metadata']> = typeof o.metadata === 'object' && o.metadata !== null ? o.metadata : {};
      const object = { ...o, metadata: { ...metadata, labels: metadata.labels ?? {}, namespace: metadata.namespace ?? 'default' } } as Manifest;
      // Appended in place: copying the group per object made reading a directory quadratic.
      let group = groups.get(f.group);
      if (group === undefined) groups.set(f.group, (group = []));
      group.push(object);
      where.set(object, { file: f.name, line, column });
    }
  }
  if (groups.size === 0) throw new UsageError(`"${ref}" holds neither a release spec nor Kubernetes objects`);
  const refused = admission.report();
  if (refused.length > 0) throw new InputDiagnostics(refused);
  return { label: ref, groups, objects: oneMesh(groups), locate: (o) => where.get(o), warnings };
}

/**
 * The data of each document of a rendered file with the position of its content: js-yaml's fast path when it
 * is sure to agree (compiler/fast-yaml.ts), else the `yaml` library, which also throws the file's diagnostics.
 */
function documentsOf(f: InputFile): FastDocument[] {
  return fastLoadAll(f.text) ?? documentsWithYaml(f.name, f.text);
}

/** The reference path for rendered files (tests compare the fast path with it). */
export function documentsWithYaml(name: string, text: string): FastDocument[] {
  const out: FastDocument[] = [];
  const lineCounter = new LineCounter();
  // uniqueKeys: false — duplicate keys are found in linear time by documentDiagnostics, not quadratically.
  for (const doc of parseAllDocuments(text, { lineCounter, uniqueKeys: false })) {
    if (doc.errors.length > 0) {
      const { line, col } = lineCounter.linePos(doc.errors[0]!.pos[0]);
      throw new InputDiagnostics([`${name}:${line}:${col}: error GL100: The file is not valid YAML: ${doc.errors[0]!.message.split('\n')[0]}`]);
    }
    const problems = documentDiagnostics(doc, lineCounter, name);
    if (problems.length > 0) throw new InputDiagnostics(problems.map(formatDiagnostic));
    const data: unknown = doc.toJS({ maxAliasCount: -1 });
    const { line, col } = lineCounter.linePos(doc.contents?.range?.[0] ?? 0);
    out.push({ data, line, column: col });
  }
  return out;
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

/**
 * istio, asm and gateway-api configure one mesh in three ways (mixing VirtualServices and HTTPRoutes for a host
 * is undefined on Istio): the mesh sees the first of them that is there, in that order; traefik is beside it.
 */
const MESH_GROUPS = ['istio', 'asm', 'gateway-api'];
function oneMesh(groups: ReadonlyMap<string, Manifest[]>): Manifest[] {
  const mesh = MESH_GROUPS.find((g) => groups.has(g));
  return [...groups].filter(([group]) => !MESH_GROUPS.includes(group) || group === mesh).flatMap(([, objects]) => objects);
}

interface InputFile {
  name: string;
  text: string;
  /** The target folder the file is in (`istio/…` of a rendered directory), or ''. */
  group: string;
}

/**
 * A file is a release spec when a parsed document of it says so — `apiVersion: graylane.dev/…` and
 * `kind: Release` at its top level, however they are spelled (quoted, commented, flow style) — never by a
 * text pattern. Read from the syntax tree, so no alias is expanded to decide.
 */
export function isSpec(text: string): boolean {
  // Without a backslash (an escape could spell them otherwise) a spec's text holds "Release" and "graylane.dev/"
  // verbatim; without them no parse can find a spec, so rendered objects are not parsed twice.
  if (!text.includes('\\') && !(text.includes('Release') && text.includes('graylane.dev/'))) return false;
  // A one-document text: the parse compile() reuses (parseSpecText keeps its last result).
  const parsed = parseSpecText(text);
  if (parsed.diagnostics.length === 0) {
    const data = parsed.data as { apiVersion?: unknown; kind?: unknown } | null;
    return typeof data === 'object' && data !== null && data.kind === 'Release' && typeof data.apiVersion === 'string' && data.apiVersion.startsWith('graylane.dev/');
  }
  for (const doc of parseAllDocuments(text, { uniqueKeys: false })) {
    const top = doc.contents;
    if (!isMap(top)) continue;
    const scalar = (key: string): unknown => {
      const value = top.get(key, true);
      return isScalar(value) ? value.value : undefined;
    };
    const apiVersion = scalar('apiVersion');
    if (scalar('kind') === 'Release' && typeof apiVersion === 'string' && apiVersion.startsWith('graylane.dev/')) return true;
  }
  return false;
}

function groupOf(relativePath: string): string {
  const parts = relativePath.split(/[\\/]/);
  return parts.length > 1 && (TARGETS as readonly string[]).includes(parts[0]!) ? parts[0]! : '';
}

function diskFiles(ref: string, cwd: string): InputFile[] {
  const path = resolve(cwd, ref);
  let stat: Stats;
  try {
    stat = statSync(path);
  } catch (e) {
    throw new UsageError(`cannot read "${ref}": ${osReason(e)}`);
  }
  if (!stat.isDirectory()) return [{ name: relative(cwd, path) || ref, text: readInputFile(path, ref), group: '' }];
  const out: InputFile[] = [];
  let budget = getMaxInputBytes();
  // Directories are followed through symbolic links, each real directory once: a link back up is a loop.
  const visited = new Set<string>();
  const walk = (dir: string) => {
    const real = realpathSync(dir);
    if (visited.has(real)) throw new UsageError(`cannot read "${relative(cwd, dir) || ref}": a symbolic link loops back to "${relative(cwd, real) || real}"`);
    visited.add(real);
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1));
    } catch (e) {
      throw new UsageError(`cannot read "${relative(cwd, dir)}": ${osReason(e)}`);
    }
    for (const entry of entries) {
      const p = join(dir, entry.name);
      const shown = relative(cwd, p);
      let isDirectory = entry.isDirectory();
      if (entry.isSymbolicLink()) {
        try {
          isDirectory = statSync(p).isDirectory();
        } catch (e) {
          // A dangling or looping link is only the user's business when it claims to be YAML.
          if (/\.ya?ml$/.test(entry.name)) throw new UsageError(`cannot read "${shown}": ${osReason(e)}`);
          continue;
        }
      }
      if (isDirectory) walk(p);
      else if (/\.ya?ml$/.test(entry.name)) {
        const text = readInputFile(p, shown, budget);
        budget -= Buffer.byteLength(text, 'utf8');
        out.push({ name: shown, text, group: groupOf(relative(path, p)) });
      }
    }
    visited.delete(real);
  };
  walk(path);
  return out;
}

/** `git:REV:path`: a file, or every YAML file under a directory, as of that revision. */
function gitFiles(ref: string, cwd: string): InputFile[] {
  const m = /^git:([^:]+):(.+)$/.exec(ref);
  if (!m) throw new UsageError(`"${ref}" is not git:REV:path`);
  const [, rev, path] = m;
  // A revision is never an option: "git:--output=x:path" must not reach git as --output.
  if (rev!.startsWith('-')) throw new UsageError(`"${rev}" in "${ref}" is not a git revision (it starts with "-")`);
  const git = (...args: string[]) => {
    try {
      return execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: getMaxInputBytes() + 1 });
    } catch (e) {
      const error = e as { code?: string; stderr?: string; message: string };
      if (error.code === 'ENOBUFS') throw new UsageError(`git output for ${rev}:${path} is over the input limit of ${getMaxInputBytes()} bytes; raise it with --max-input-size`);
      throw new UsageError(`git cannot read ${rev}:${path}: ${(error.stderr || error.message).trim()}`);
    }
  };
  // -z: names verbatim, NUL-separated (without it git quotes non-ASCII names and the look-up fails).
  const names = git('ls-tree', '-r', '-z', '--name-only', '--end-of-options', rev!, '--', path!).split('\0').filter((n) => /\.ya?ml$/.test(n));
  if (names.length === 0) throw new UsageError(`git has no YAML at ${rev}:${path}`);
  const base = path!.replace(/\/+$/, '');
  let budget = getMaxInputBytes();
  return names.map((name) => {
    const text = git('show', '--end-of-options', `${rev}:./${name}`);
    budget -= Buffer.byteLength(text, 'utf8');
    if (budget < 0) throw new UsageError(`git:${rev}:${path} is over the input limit of ${getMaxInputBytes()} bytes; raise it with --max-input-size`);
    return { name: `${rev}:${name}`, text, group: groupOf(name === base ? '' : relative(base, name)) };
  });
}
