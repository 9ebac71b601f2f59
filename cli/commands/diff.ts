import { Option, type Command } from 'commander';
import { diffMarkdown, diffReleases, diffText } from '../../compiler/inspect/diff';
import type { CliIo } from '../io';
import { loadInput } from '../inputs';
import { parseStep } from './shared';

interface DiffFlags {
  step?: number;
  oldStep?: number;
  newStep?: number;
  laneHeader?: string;
  format: 'markdown' | 'json' | 'text';
}

export function diffCommand(program: Command, io: CliIo): void {
  program
    .command('diff')
    .description('What a change does to traffic, as a Markdown report for a pull request (or json, text).')
    .argument('<old>', 'release spec, rendered YAML file or directory, or git:REV:path')
    .argument('<new>', 'the same kinds of input')
    .option('--step <n>', 'progressive step of both sides, when they are specs', parseStep)
    .option('--old-step <n>', 'progressive step of the old side', parseStep)
    .option('--new-step <n>', 'progressive step of the new side', parseStep)
    .option('--lane-header <name>', 'the lane header, when neither side is a spec')
    .addOption(new Option('--format <format>', 'output format').choices(['markdown', 'json', 'text']).default('markdown'))
    .action((oldRef: string, newRef: string, opts: DiffFlags) => {
      const step = (s: number | undefined) => (s ?? opts.step) !== undefined ? { step: (s ?? opts.step)! } : {};
      const before = loadInput(oldRef, io.cwd, step(opts.oldStep));
      const after = loadInput(newRef, io.cwd, step(opts.newStep));
      const label = (ref: string, s: number | undefined) => ((s ?? opts.step) !== undefined ? `${ref} (step ${s ?? opts.step})` : ref);
      const report = diffReleases(
        { label: label(oldRef, opts.oldStep), objects: before.objects, ...(before.plan ? { plan: before.plan } : {}) },
        { label: label(newRef, opts.newStep), objects: after.objects, ...(after.plan ? { plan: after.plan } : {}) },
        opts.laneHeader !== undefined ? { laneHeader: opts.laneHeader } : {},
      );
      io.stdout(opts.format === 'json' ? `${JSON.stringify(report, null, 2)}\n` : opts.format === 'text' ? diffText(report) : diffMarkdown(report));
    });
}
