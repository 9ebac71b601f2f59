/**
 * `graylane`: render, validate, explain, diff, graph, check. A thin shell: it reads files, calls the compiler, prints
 * diagnostics and writes output. Exit 0 ok, 2 bad input (nothing written), 1 internal error.
 */
import { Command, CommanderError, InvalidArgumentError } from 'commander';
import { checkCommand } from './commands/check';
import { diffCommand } from './commands/diff';
import { explainCommand } from './commands/explain';
import { graphCommand } from './commands/graph';
import { renderCommand } from './commands/render';
import { validateCommand } from './commands/validate';
import { DEFAULT_MAX_INPUT_BYTES, parseSize, setMaxInputBytes } from './input-file';
import { InputDiagnostics } from './inputs';
import { EXIT_BAD_INPUT, EXIT_INTERNAL, EXIT_OK, processIo, UsageError, type CliIo } from './io';
import { version } from './version';

export { summary } from './commands/shared';

export async function run(argv: readonly string[], io: CliIo = processIo): Promise<number> {
  let status = EXIT_OK;
  setMaxInputBytes(DEFAULT_MAX_INPUT_BYTES);
  const program = buildProgram(io, (code) => (status = code));
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return status;
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode === 0 ? EXIT_OK : EXIT_BAD_INPUT;
    if (e instanceof InputDiagnostics) {
      io.stderr(`${e.lines.join('\n')}\n`);
      return EXIT_BAD_INPUT;
    }
    if (e instanceof UsageError) {
      io.stderr(`graylane: error: ${e.message}\n`);
      return EXIT_BAD_INPUT;
    }
    io.stderr(`graylane: internal error (please report it): ${(e as Error).stack ?? String(e)}\n`);
    return EXIT_INTERNAL;
  }
}

function parseInputSize(value: string): number {
  const bytes = parseSize(value);
  if (bytes === undefined) throw new InvalidArgumentError('write a size in bytes, optionally with K, M or G (binary), e.g. 16MiB.');
  return bytes;
}

function buildProgram(io: CliIo, setStatus: (code: number) => void): Command {
  const program = new Command('graylane')
    .description('Compile a graylane release spec into Istio, ASM and Traefik traffic configuration; explain, diff and check it.')
    .version(version(), '-v, --version')
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr })
    .showHelpAfterError('(run with --help for usage)')
    .option('--max-input-size <size>', `largest input read, a file or all files of a directory together (default ${DEFAULT_MAX_INPUT_BYTES / 1024 / 1024}MiB; e.g. 16MiB)`, parseInputSize)
    .hook('preAction', (command) => {
      const size = (command.opts() as { maxInputSize?: number }).maxInputSize;
      if (size !== undefined) setMaxInputBytes(size);
    });
  renderCommand(program, io, setStatus);
  validateCommand(program, io, setStatus);
  explainCommand(program, io);
  diffCommand(program, io);
  graphCommand(program, io, setStatus);
  checkCommand(program, io, setStatus);
  // Every command reports usage errors through run(), as exit status 2.
  program.exitOverride();
  for (const command of program.commands) command.exitOverride();
  return program;
}

if (require.main === module) {
  run(process.argv.slice(2)).then((code) => (process.exitCode = code));
}
