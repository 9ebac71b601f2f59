import type { Command } from 'commander';
import { resolve } from 'node:path';
import { EXIT_BAD_INPUT, type CliIo } from '../io';
import { writeOutputDir } from '../output-dir';
import { compileFile } from '../spec-file';
import { compileOptions, parseStep, report, summary, targetOption, type CompileFlags } from './shared';

export function renderCommand(program: Command, io: CliIo, setStatus: (code: number) => void): void {
  program
    .command('render')
    .description('Render a spec to YAML: one file per object under DIR/<target>/, or one stream on stdout.')
    .argument('<spec>', 'release spec file (YAML)')
    .addOption(targetOption())
    .option('--step <n>', 'progressive step to render (0-based; default: the first)', parseStep)
    .option('-n, --namespace <ns>', 'namespace of the services and objects (overrides metadata.namespace)')
    .option('-o, --out <dir>', 'output directory, replaced as a whole (a symbolic link: its target is); "-" for stdout (the default)')
    .action((spec: string, opts: CompileFlags & { out?: string }) => {
      const result = compileFile(spec, io.cwd, compileOptions(opts));
      if (!report(result, io)) return setStatus(EXIT_BAD_INPUT);
      if (opts.out === undefined || opts.out === '-') {
        io.stdout(result.outputs.map((o) => o.yaml).join(''));
        return;
      }
      const files = writeOutputDir(resolve(io.cwd, opts.out), result.outputs, (note) => io.stderr(`graylane: note: ${note}\n`));
      io.stderr(`${summary(spec, result)}; wrote ${files} files to ${opts.out}\n`);
    });
}
