import { Option, type Command } from 'commander';
import { graphDot, graphMermaid } from '../../compiler/inspect/graph';
import { EXIT_BAD_INPUT, type CliIo } from '../io';
import { compileFile } from '../spec-file';
import { parseStep, report } from './shared';

export function graphCommand(program: Command, io: CliIo, setStatus: (code: number) => void): void {
  program
    .command('graph')
    .description('Draw lanes × services, fallback edges and entry rules (Mermaid or Graphviz DOT).')
    .argument('<spec>', 'release spec file (YAML)')
    .option('--step <n>', 'progressive step (0-based)', parseStep)
    .addOption(new Option('--format <format>', 'output format').choices(['mermaid', 'dot']).default('mermaid'))
    .action((spec: string, opts: { step?: number; format: 'mermaid' | 'dot' }) => {
      const result = compileFile(spec, io.cwd, opts.step !== undefined ? { step: opts.step } : {});
      if (!report(result, io)) return setStatus(EXIT_BAD_INPUT);
      io.stdout(opts.format === 'dot' ? graphDot(result.plan!) : graphMermaid(result.plan!));
    });
}
