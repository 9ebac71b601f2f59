import type { Command } from 'commander';
import { EXIT_BAD_INPUT, type CliIo } from '../io';
import { compileFile } from '../spec-file';
import { compileOptions, parseStep, report, summary, targetOption, type CompileFlags } from './shared';

export function validateCommand(program: Command, io: CliIo, setStatus: (code: number) => void): void {
  program
    .command('validate')
    .description('Check a spec without writing anything; prints every diagnostic.')
    .argument('<spec>', 'release spec file (YAML)')
    .addOption(targetOption())
    .option('--step <n>', 'progressive step to check (0-based)', parseStep)
    .option('-n, --namespace <ns>', 'namespace of the services and objects (overrides metadata.namespace)')
    .action((spec: string, opts: CompileFlags) => {
      const result = compileFile(spec, io.cwd, compileOptions(opts));
      if (!report(result, io)) return setStatus(EXIT_BAD_INPUT);
      io.stdout(`${summary(spec, result)}\n`);
    });
}
