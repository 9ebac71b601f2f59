/**
 * Every generated file of the repository, computed in memory: the JSON Schema, the CRD schemas and the goldens.
 * `npm run regen` writes them; the golden test compares them; CI fails when regenerating changes git.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { compile, formatDiagnostic } from '../compiler';
import { releaseJsonSchema } from '../compiler/spec/json-schema';
import { stackConfigs } from './stack-configs';
import { ENVIRONMENTS, ruleConfig } from '../compiler/rules/environments';
import { RULES } from '../compiler/rules/registry';
import { runCli } from './run-cli';
import { CLI_GOLDENS, commandLine } from './cli-goldens';
import { crdSchemaFile } from './crd-schemas';

export const ROOT = join(__dirname, '..');
export const GOLDEN_DIR = join(ROOT, 'test', 'golden');
export const SCHEMA_FILE = join(ROOT, 'schema', 'release.schema.json');

/** Path relative to ROOT → content, including the CLI goldens (which run the commands in-process). */
export async function generatedFiles(): Promise<Map<string, string>> {
  const files = compiledFiles();
  for (const [path, invocations] of Object.entries(CLI_GOLDENS)) {
    const parts: string[] = [];
    for (const args of invocations) {
      const { status, stdout, stderr } = await runCli(args, ROOT);
      if (status !== 0) throw new Error(`${commandLine(args)} exited ${status}: ${stderr}`);
      parts.push(path.endsWith('.txt') ? `${commandLine(args)}\n${stdout}` : stdout);
    }
    files.set(path, parts.join('\n'));
  }
  return files;
}

/** Paths of every generated file, without computing them. */
export function generatedFilePaths(): string[] {
  return [...compiledFiles().keys(), ...Object.keys(CLI_GOLDENS)];
}

function compiledFiles(): Map<string, string> {
  const files = new Map<string, string>();
  // The policy pack's per-environment settings: the same table `graylane check --env` uses.
  for (const env of Object.keys(ENVIRONMENTS)) {
    const config = Object.fromEntries(RULES.map((r) => [r.name, { ...ruleConfig(r.name, r.defaultLevel, env), environment: env }]));
    files.set(`policies/config/${env}.json`, `${JSON.stringify(config, null, 2)}\n`);
  }
  files.set('schema/crds/crd-schemas.json', crdSchemaFile());
  files.set('schema/release.schema.json', `${JSON.stringify(releaseJsonSchema(), null, 2)}\n`);
  for (const file of readdirSync(join(ROOT, 'examples')).filter((f) => f.endsWith('.release.yaml')).sort()) {
    const text = readFileSync(join(ROOT, 'examples', file), 'utf8');
    const stem = file.replace(/\.release\.yaml$/, '');
    const raw = parse(text) as { spec: { entry: { rules: { steps?: unknown[] }[] } } };
    const steps = Math.max(0, ...raw.spec.entry.rules.map((r) => r.steps?.length ?? 0));
    for (const step of steps === 0 ? [undefined] : [...Array(steps).keys()]) {
      const result = compile(text, { file: `examples/${file}`, ...(step !== undefined ? { step } : {}) });
      if (!result.ok) throw new Error(result.diagnostics.map(formatDiagnostic).join('\n'));
      for (const output of result.outputs) {
        files.set(`test/golden/${stem}/${output.target}${step !== undefined ? `.step-${step}` : ''}.yaml`, output.yaml);
      }
    }
  }
  for (const stack of stackConfigs(ROOT)) {
    const result = compile(readFileSync(join(ROOT, stack.specFile), 'utf8'), { ...stack.options, file: stack.specFile });
    if (!result.ok) throw new Error(result.diagnostics.map(formatDiagnostic).join('\n'));
    for (const output of result.outputs) files.set(`test/golden/stacks/${stack.env}.${output.target}.yaml`, output.yaml);
  }
  return files;
}
