import { Option, type Command } from 'commander';
import { diffMarkdown, diffReleases, diffText, type DiffSide } from '../../compiler/inspect/diff';
import type { CliIo } from '../io';
import { loadInput, printObjectWarnings, type LoadedInput } from '../inputs';
import { inspectReadable } from '../unreadable-object';
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
      const label = (ref: string, s: number | undefined) => ((s ?? opts.step) !== undefined ? `${ref} (step ${s ?? opts.step})` : ref);
      // Only the objects and the plan are kept: the rest of an input (its locator) is garbage before the next loads.
      const side = (ref: string, s: number | undefined): DiffSide => {
        const input = loadInput(ref, io.cwd, step(s));
        printObjectWarnings(input, io);
        return { label: label(ref, s), objects: input.objects, ...(input.plan ? { plan: input.plan } : {}) };
      };
      const before = side(oldRef, opts.oldStep);
      const after = side(newRef, opts.newStep);
      const settings = opts.laneHeader !== undefined ? { laneHeader: opts.laneHeader } : {};
      // On a failure the inputs are read again, to find and locate an object the simulator could not read.
      const report = inspectReadable(() => diffReleases(before, after, settings), {
        inputs: () => [loadInput(oldRef, io.cwd, step(opts.oldStep)), loadInput(newRef, io.cwd, step(opts.newStep))],
        run: ([a, b], without) => {
          const kept = (i: LoadedInput): DiffSide => ({ label: i.label, objects: i.objects.filter((o) => !without.has(o)), ...(i.plan ? { plan: i.plan } : {}) });
          return diffReleases(kept(a!), kept(b!), settings);
        },
      });
      io.stdout(opts.format === 'json' ? `${JSON.stringify(report, null, 2)}\n` : opts.format === 'text' ? diffText(report) : diffMarkdown(report));
    });
}
