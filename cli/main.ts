/**
 * `graylane`: render, validate. A thin shell: it reads files, calls the compiler, prints diagnostics and
 * writes output. Exit 0 ok, 2 bad input (nothing written), 1 internal error.
 */
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { resolve } from 'node:path';
import { formatDiagnostic, TARGETS, type CompileOptions, type CompileResult, type Target } from '../compiler';
import { EXIT_BAD_INPUT, EXIT_INTERNAL, EXIT_OK, processIo, UsageError, type CliIo } from './io';
import { writeOutputDir } from './output-dir';
import { compileFile } from './spec-file';
import { version } from './version';

export async function run(argv: readonly string[], io: CliIo = processIo): Promise<number> {
  let status = EXIT_OK;
  const program = buildProgram(io, (code) => (status = code));
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return status;
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode === 0 ? EXIT_OK : EXIT_BAD_INPUT;
    if (e instanceof UsageError) {
      io.stderr(`graylane: error: ${e.message}\n`);
      return EXIT_BAD_INPUT;
    }
    io.stderr(`graylane: internal error (please report it): ${(e as Error).stack ?? String(e)}\n`);
    return EXIT_INTERNAL;
  }
}

function buildProgram(io: CliIo, setStatus: (code: number) => void): Command {
  const program = new Command('graylane')
    .description('Compile a graylane release spec into Istio (and, later, ASM and Traefik) traffic configuration.')
    .version(version(), '-v, --version')
    .exitOverride()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr })
    .showHelpAfterError('(run with --help for usage)');

  program
    .command('render')
    .description('Render a spec to YAML: one file per object under DIR/<target>/, or one stream on stdout.')
    .argument('<spec>', 'release spec file (YAML)')
    .addOption(targetOption())
    .option('--step <n>', 'progressive step to render (0-based; default: the first)', parseStep)
    .option('-n, --namespace <ns>', 'namespace of the services and objects (overrides metadata.namespace)')
    .option('-o, --out <dir>', 'output directory, replaced as a whole; "-" for stdout (the default)')
    .exitOverride()
    .action((spec: string, opts: CompileFlags & { out?: string }) => {
      const result = compileFile(spec, io.cwd, compileOptions(opts));
      if (!report(result, io)) return setStatus(EXIT_BAD_INPUT);
      if (opts.out === undefined || opts.out === '-') {
        io.stdout(result.outputs.map((o) => o.yaml).join(''));
        return;
      }
      const files = writeOutputDir(resolve(io.cwd, opts.out), result.outputs);
      io.stderr(`${summary(spec, result)}; wrote ${files} files to ${opts.out}\n`);
    });

  program
    .command('validate')
    .description('Check a spec without writing anything; prints every diagnostic.')
    .argument('<spec>', 'release spec file (YAML)')
    .addOption(targetOption())
    .option('--step <n>', 'progressive step to check (0-based)', parseStep)
    .option('-n, --namespace <ns>', 'namespace of the services and objects (overrides metadata.namespace)')
    .exitOverride()
    .action((spec: string, opts: CompileFlags) => {
      const result = compileFile(spec, io.cwd, compileOptions(opts));
      if (!report(result, io)) return setStatus(EXIT_BAD_INPUT);
      io.stdout(`${summary(spec, result)}\n`);
    });

  return program;
}

interface CompileFlags {
  target?: Target[];
  step?: number;
  namespace?: string;
}

function compileOptions(opts: CompileFlags): Omit<CompileOptions, 'file'> {
  return {
    ...(opts.step !== undefined ? { step: opts.step } : {}),
    ...(opts.target ? { targets: opts.target } : {}),
    ...(opts.namespace !== undefined ? { namespace: opts.namespace } : {}),
  };
}

function targetOption(): Option {
  return new Option('-t, --target <target...>', 'targets to emit (default: the spec\'s targets)').choices(TARGETS);
}

function parseStep(value: string): number {
  if (!/^\d+$/.test(value)) throw new InvalidArgumentError('the step must be a whole number (0-based).');
  return Number(value);
}

/** Prints diagnostics to stderr; true when there is no error. */
function report(result: CompileResult, io: CliIo): boolean {
  for (const d of result.diagnostics) io.stderr(`${formatDiagnostic(d)}\n`);
  return result.ok;
}

export function summary(spec: string, result: CompileResult): string {
  const counts = result.outputs.map((o) => `${o.target}: ${plural(o.manifests.length, 'object')}`).join(', ') || 'no implemented target';
  const warnings = result.diagnostics.filter((d) => d.severity === 'warning').length;
  const plan = result.plan;
  const shape = plan ? `${plural(plan.services.length, 'service')} × ${plural(plan.lanes.length, 'lane')}` : '';
  return `${spec}: ${shape}; ${counts}${warnings > 0 ? `; ${plural(warnings, 'warning')}` : ''}`;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

if (require.main === module) {
  run(process.argv.slice(2)).then((code) => (process.exitCode = code));
}
