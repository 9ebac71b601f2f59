import { Option, type Command } from 'commander';
import { resolve } from 'node:path';
import { formatDiagnostic, type Manifest } from '../../compiler';
import { ENVIRONMENTS, type PolicyConfig } from '../../compiler/rules/environments';
import { runRules, type Finding, type RunOptions } from '../../compiler/rules/run';
import { modelOf } from '../../compiler/model/model';
import { loadInput } from '../inputs';
import { unreadableObject } from '../unreadable-object';
import type { Located } from '../object-locations';
import { checkGithub, checkJson, checkSarif, checkText, type LocatedFinding } from '../check-report';
import { parseCheckConfig } from '../check-config';
import { readInputFile } from '../input-file';
import type { CliIo } from '../io';
import { version } from '../version';
import { parseStep } from './shared';

interface CheckFlags {
  env: string;
  baseline?: string;
  laneHeader?: string;
  config?: string;
  step?: number;
  baselineStep?: number;
  failOn: 'mandatory' | 'advisory';
  format: 'text' | 'json' | 'sarif' | 'github';
}

export function checkCommand(program: Command, io: CliIo, setStatus: (code: number) => void): void {
  program
    .command('check')
    .description('Run the policy rules (the CrossGuard pack\'s) over a spec or a directory of YAML, with no Pulumi CLI.')
    .argument('<input>', 'release spec, or a YAML file or directory of objects (rendered or hand-written)')
    .addOption(new Option('--env <name>', 'environment whose rules apply').choices(Object.keys(ENVIRONMENTS)).default('dev'))
    .option('--baseline <input>', 'the same release before the change (spec or YAML), for the weight-change rules')
    .option('--lane-header <name>', 'the lane header, for YAML without a spec or graylane annotation')
    .option('--config <file>', 'JSON rule settings: { "<rule>": { "enforcementLevel": …, …parameters } }')
    .option('--step <n>', 'progressive step, when the input is a spec', parseStep)
    .option('--baseline-step <n>', 'progressive step of the baseline, when it is a spec (default: its first step)', parseStep)
    .addOption(new Option('--fail-on <level>', 'lowest level that fails the check (exit 1)').choices(['mandatory', 'advisory']).default('mandatory'))
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'json', 'sarif', 'github']).default('text'))
    .action((ref: string, opts: CheckFlags) => {
      const options = opts.step !== undefined ? { step: opts.step } : {};
      const input = loadInput(ref, io.cwd, options);
      for (const d of input.warnings) io.stderr(`${formatDiagnostic(d)}\n`);
      // The baseline is what is deployed now: its own step, never the new side's (--step moves only the new side).
      const baseline = opts.baseline !== undefined ? loadInput(opts.baseline, io.cwd, opts.baselineStep !== undefined ? { step: opts.baselineStep } : {}).objects : undefined;
      for (const [, group] of input.groups) for (const note of modelNotes(group)) io.stderr(`note: ${note}\n`);
      const settings = {
        environment: opts.env,
        overrides: readConfig(opts.config, io.cwd),
        ...(opts.laneHeader !== undefined ? { laneHeader: opts.laneHeader } : input.plan?.laneHeader !== undefined ? { laneHeader: input.plan.laneHeader } : {}),
        ...(baseline ? { baseline } : {}),
      };
      const findings: LocatedFinding[] = [...input.groups.values()].flatMap((group) => rulesOver(group, settings, input.locate)).map((f) => {
        const location = input.locate(f.object as Manifest);
        return { ...f, ...(location ? { location } : {}) };
      });
      const output =
        opts.format === 'json' ? checkJson(findings, opts.env) : opts.format === 'sarif' ? checkSarif(findings, version()) : opts.format === 'github' ? checkGithub(findings) : checkText(findings, opts.env);
      io.stdout(output);
      const failing = findings.some((f) => f.level === 'mandatory' || opts.failOn === 'advisory');
      if (failing) setStatus(1);
    });
}

/** A rule that throws on the objects: an object it cannot read is reported at its place (GL111). */
function rulesOver(group: Manifest[], settings: RunOptions, locate: (o: Manifest) => Located | undefined): Finding[] {
  try {
    return runRules(group, settings);
  } catch {
    throw unreadableObject(group, settings, locate) ?? new Error('a rule failed on these objects, and on none of them alone');
  }
}

/** The model's notes; an object the model cannot read is reported, located, by rulesOver instead. */
function modelNotes(group: Manifest[]): readonly string[] {
  try {
    return modelOf(group).notes;
  } catch {
    return [];
  }
}


function readConfig(file: string | undefined, cwd: string): PolicyConfig {
  if (file === undefined) return {};
  return parseCheckConfig(readInputFile(resolve(cwd, file), file), file);
}
