/**
 * A throw-away Pulumi workspace for the end-to-end tests: the real CLI, engine, language host and
 * Kubernetes provider from .tools/bin (`npm run tools`), a local file backend, passphrase secrets, and
 * the provider's `renderYamlToDirectory`, so `pulumi up` writes the objects as YAML files instead of
 * applying them to a cluster. Nothing here stands in for the engine.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { parse, parseAllDocuments, stringify } from 'yaml';
import type { Manifest } from '../../../compiler';
import { TOOLS_BIN } from '../../../scripts/tools-versions';

export const ROOT = join(__dirname, '..', '..', '..');

export interface PulumiResult {
  readonly status: number;
  readonly stdout: string;
  readonly stderr: string;
}

export class PulumiWorkspace {
  readonly dir = mkdtempSync(join(tmpdir(), 'graylane-e2e-'));
  readonly backend = join(this.dir, 'backend');
  readonly env: NodeJS.ProcessEnv;

  constructor() {
    if (!existsSync(join(TOOLS_BIN, 'pulumi'))) throw new Error(`${TOOLS_BIN}/pulumi is missing: run \`npm run tools\` first`);
    mkdirSync(this.backend);
    this.env = {
      ...process.env,
      PATH: `${TOOLS_BIN}:${process.env.PATH ?? ''}`,
      PULUMI_HOME: join(this.dir, 'home'),
      PULUMI_BACKEND_URL: `file://${this.backend}`,
      PULUMI_CONFIG_PASSPHRASE: 'graylane-e2e',
      PULUMI_SKIP_UPDATE_CHECK: 'true',
      // Providers come from .tools/bin (ambient plugins); never download one.
      PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: 'true',
      PULUMI_SKIP_CHECKPOINTS: 'false',
      NO_COLOR: '1',
      // `pulumi up --event-log` exists only with the debug commands on (pkg/cmd/pulumi/operations/up.go).
      PULUMI_DEBUG_COMMANDS: 'true',
    };
  }

  /** Runs the real CLI; never throws on a non-zero exit (callers assert on it). */
  pulumi(args: readonly string[], cwd: string): PulumiResult {
    const result = spawnSync(join(TOOLS_BIN, 'pulumi'), [...args, '--non-interactive'], {
      cwd,
      env: this.env,
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
    });
    if (result.error) throw result.error;
    return { status: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
  }

  /** Like `pulumi`, but a non-zero exit is an error that carries the CLI's output. */
  ok(args: readonly string[], cwd: string): string {
    const result = this.pulumi(args, cwd);
    if (result.status !== 0) throw new Error(`pulumi ${args.join(' ')} exited ${result.status}\n${result.stdout}\n${result.stderr}`);
    return result.stdout;
  }
}

/** Environment stack config for `stacks/`, as the e2e runs it. */
export interface StackSettings {
  /** Spec path, absolute. */
  readonly specFile: string;
  readonly config: Record<string, string>;
}

/**
 * The repository's Pulumi project (Pulumi.yaml, program stacks/), with its stack config files in a
 * directory of the workspace, so the passphrase salt and the e2e's config never touch the checkout.
 * `stackConfigDir`, `main` and the tsconfig path are the only changes to Pulumi.yaml.
 */
export class StacksProject {
  readonly dir: string;
  readonly renderRoot: string;

  constructor(readonly workspace: PulumiWorkspace) {
    this.dir = join(workspace.dir, 'project');
    this.renderRoot = join(workspace.dir, 'rendered');
    mkdirSync(join(this.dir, 'config'), { recursive: true });
    const project = parse(readFileSync(join(ROOT, 'Pulumi.yaml'), 'utf8')) as Record<string, unknown>;
    project.main = relative(this.dir, join(ROOT, project.main as string));
    project.stackConfigDir = 'config';
    // The repository's tsconfig.json, which a run from the repository root would find on its own.
    const runtime = project.runtime as { name: string; options?: Record<string, unknown> };
    runtime.options = { ...runtime.options, tsconfig: join(ROOT, 'tsconfig.json') };
    writeFileSync(join(this.dir, 'Pulumi.yaml'), stringify(project));
  }

  renderDir(stack: string): string {
    return join(this.renderRoot, stack);
  }

  /**
   * Creates the stack (passphrase secrets) with the repository's config for `env`, except that the objects
   * are rendered to a directory: `graylane:kubeContext` is dropped (it makes the program create an explicit
   * provider that would talk to that cluster), `kubernetes:renderYamlToDirectory` is set.
   */
  init(stack: string, config: Record<string, string>): void {
    this.workspace.ok(['stack', 'init', stack, '--secrets-provider', 'passphrase'], this.dir);
    this.setConfig(stack, config);
  }

  setConfig(stack: string, config: Record<string, string>): void {
    const file = join(this.dir, 'config', `Pulumi.${stack}.yaml`);
    const existing = existsSync(file) ? ((parse(readFileSync(file, 'utf8')) as Record<string, unknown>) ?? {}) : {};
    const values: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(config)) {
      if (key === 'graylane:kubeContext') continue;
      values[key] = key === 'graylane:spec' ? relative(ROOT, value.startsWith('/') ? value : join(ROOT, value)) : value;
    }
    values['kubernetes:renderYamlToDirectory'] = this.renderDir(stack);
    writeFileSync(file, stringify({ ...existing, config: values }));
  }

  up(stack: string, extra: readonly string[] = []): PulumiResult {
    return this.workspace.pulumi(['up', '--yes', '--skip-preview', '--stack', stack, ...extra], this.dir);
  }

  outputs(stack: string): Record<string, unknown> {
    return JSON.parse(this.workspace.ok(['stack', 'output', '--json', '--stack', stack], this.dir)) as Record<string, unknown>;
  }

  /** Resources in the stack's checkpoint (`pulumi stack export`), pending operations included. */
  exported(stack: string): { resources: { urn: string; type: string }[]; pendingOperations: unknown[] } {
    const state = JSON.parse(this.workspace.ok(['stack', 'export', '--stack', stack], this.dir)) as {
      deployment: { resources?: { urn: string; type: string }[]; pending_operations?: unknown[] };
    };
    return { resources: state.deployment.resources ?? [], pendingOperations: state.deployment.pending_operations ?? [] };
  }
}

/** The objects the provider rendered for a stack, sorted by identity. */
export function renderedObjects(dir: string): Manifest[] {
  const manifests = join(dir, '1-manifest');
  if (!existsSync(manifests)) return [];
  return readdirSync(manifests)
    .filter((f) => f.endsWith('.yaml'))
    .flatMap((f) => parseAllDocuments(readFileSync(join(manifests, f), 'utf8')).map((d) => d.toJS() as Manifest))
    .sort(byIdentity);
}

/** `graylane render` of a spec (the CLI itself, stdout stream), sorted by identity. */
export function graylaneRender(specFile: string, options: { step?: number; namespace?: string }): Manifest[] {
  const args = [join(ROOT, 'bin', 'graylane.js'), 'render', specFile];
  if (options.step !== undefined) args.push('--step', String(options.step));
  if (options.namespace !== undefined) args.push('--namespace', options.namespace);
  const result = spawnSync(process.execPath, args, { cwd: ROOT, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`graylane render failed: ${result.stderr}`);
  return parseAllDocuments(result.stdout)
    .map((d) => d.toJS() as Manifest | null)
    .filter((m): m is Manifest => m !== null)
    .sort(byIdentity);
}

export const identity = (m: Pick<Manifest, 'kind' | 'metadata'>): string => `${m.kind}/${m.metadata.namespace}/${m.metadata.name}`;

function byIdentity(a: Manifest, b: Manifest): number {
  return identity(a) < identity(b) ? -1 : identity(a) > identity(b) ? 1 : 0;
}

/** The provider's file for an object under renderYamlToDirectory (provider.go renderPathForResource). */
export function renderPath(dir: string, m: Manifest): string {
  const apiVersion = m.apiVersion.replace(/[/:]/g, '_');
  return join(dir, '1-manifest', `${apiVersion}-${m.kind.toLowerCase()}-${m.metadata.namespace}-${m.metadata.name}.yaml`);
}
