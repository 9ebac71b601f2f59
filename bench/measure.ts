/**
 * One measurement: a command in a fresh child process, its wall time, CPU time (user + system) and peak RSS.
 * CPU time and the peak come from GNU time (`/usr/bin/time -f '%U %S %M'`, the child's own rusage) where it
 * exists, else from the child's `process.resourceUsage()`, reported by a preloaded script: the same figures
 * either way. CPU time is the steadier one on a shared machine (it leaves out the time spent waiting for a core).
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, openSync, closeSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export type Measurement =
  | { readonly kind: 'ok'; readonly wallMs: number; readonly cpuMs: number; readonly rssMiB: number; readonly stdout: string }
  | { readonly kind: 'timeout' }
  | { readonly kind: 'failed'; readonly detail: string };

const GNU_TIME = '/usr/bin/time';
const scratch = mkdtempSync(join(tmpdir(), 'graylane-measure-'));
const usageFile = join(scratch, 'usage');
/** Used only without GNU time: writes what GNU time would (user s, system s, peak RSS KiB) when the process exits. */
const usagePreload = join(scratch, 'report-usage.cjs');
writeFileSync(
  usagePreload,
  `process.on('exit', () => { const u = process.resourceUsage(); require('node:fs').writeFileSync(${JSON.stringify(usageFile)}, [u.userCPUTime / 1e6, u.systemCPUTime / 1e6, u.maxRSS].join(' ')); });\n`,
);
process.on('exit', () => rmSync(scratch, { recursive: true, force: true }));

export interface RunOptions {
  readonly cwd: string;
  /**
   * The limit of CPU time (RLIMIT_CPU, set with `ulimit -t`): steady on a shared machine, where a wall-clock
   * limit would cut a run short for waiting. A wall-clock limit of WALL_LIMIT_FACTOR times it stops a run that
   * waits forever.
   */
  readonly cpuLimitSeconds: number;
  /** Exit codes that count as success (check exits 1 when a mandatory rule fails). */
  readonly okExitCodes?: readonly number[];
  /** Keep the child's stdout (small outputs only); otherwise it goes to /dev/null. */
  readonly captureStdout?: boolean;
}

const WALL_LIMIT_FACTOR = 4;
/** `sh -c` with the CPU limit as $0 and the command as "$@". */
const WITH_CPU_LIMIT = 'ulimit -t "$0" && exec "$@"';

/** Runs `node <args>` in a fresh process group, killed when it exceeds its CPU limit (or, as a whole, its wall limit). */
export function measureNode(args: readonly string[], options: RunOptions): Promise<Measurement> {
  const gnuTime = existsSync(GNU_TIME);
  rmSync(usageFile, { force: true });
  const node = gnuTime ? [GNU_TIME, '-f', '%U %S %M', '-o', usageFile, process.execPath, ...args] : [process.execPath, '--require', usagePreload, ...args];
  const [command, argv] = ['/bin/sh', ['-c', WITH_CPU_LIMIT, String(options.cpuLimitSeconds), ...node]];
  const devNull = options.captureStdout ? undefined : openSync('/dev/null', 'w');
  return new Promise((resolve) => {
    const started = process.hrtime.bigint();
    const child = spawn(command, argv, { cwd: options.cwd, detached: true, stdio: ['ignore', devNull ?? 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)));
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      // The whole group: GNU time and the node process under it.
      process.kill(-child.pid!, 'SIGKILL');
    }, options.cpuLimitSeconds * 1000 * WALL_LIMIT_FACTOR);
    child.on('close', (code, signal) => {
      const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
      clearTimeout(timer);
      if (devNull !== undefined) closeSync(devNull);
      // Over the CPU limit the kernel kills node (SIGXCPU, then SIGKILL); GNU time passes that on as 128 + signal.
      const overCpuLimit = signal === 'SIGXCPU' || signal === 'SIGKILL' || code === 128 + 24 || code === 128 + 9;
      if (timedOut || overCpuLimit) return resolve({ kind: 'timeout' });
      if (code === null || !(options.okExitCodes ?? [0]).includes(code))
        return resolve({ kind: 'failed', detail: `exit ${code}: ${stderr.trim().split('\n').slice(-3).join(' | ')}` });
      // GNU time puts a note before its line when the command failed; the figures are on the last line.
      const usage = existsSync(usageFile) ? readFileSync(usageFile, 'utf8').trim().split('\n').pop()!.split(' ').map(Number) : [];
      const [user, system, kib] = usage;
      if (usage.length !== 3 || usage.some((n) => !Number.isFinite(n))) return resolve({ kind: 'failed', detail: `no resource usage reported (${usage.join(' ')})` });
      resolve({ kind: 'ok', wallMs, cpuMs: (user! + system!) * 1000, rssMiB: kib! / 1024, stdout });
    });
  });
}

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** How time grows with size: t ∝ size^k, k from the two ends (1 = linear, 2 = quadratic). */
export function growthExponent(smallSize: number, smallTime: number, largeSize: number, largeTime: number): number {
  return Math.log(largeTime / smallTime) / Math.log(largeSize / smallSize);
}
