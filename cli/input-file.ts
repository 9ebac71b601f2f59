/**
 * Reading what the user names, bounded: only regular files (a FIFO would block forever, /dev/zero never
 * ends), at most `--max-input-size` bytes per input (a spec is a few KiB; a rendered directory a few hundred),
 * and every failure an exit-2 message with the path and the operating system's reason.
 */
import { closeSync, constants, fstatSync, openSync, readSync, type Stats } from 'node:fs';
import { getSystemErrorMap } from 'node:util';
import { UsageError } from './io';

/** Default bound of one input (a file, or all the files of a directory), in bytes. */
// A spec is a few KiB; a rendered mesh of 8000 services × 50 lanes is about 40 MiB of YAML.
export const DEFAULT_MAX_INPUT_BYTES = 64 * 1024 * 1024;

let maxInputBytes = DEFAULT_MAX_INPUT_BYTES;

/** Set per CLI run, from --max-input-size. */
export function setMaxInputBytes(bytes: number): void {
  maxInputBytes = bytes;
}

export function getMaxInputBytes(): number {
  return maxInputBytes;
}

/** "4MiB", "512k", "10M", "1048576" → bytes (binary units); undefined when it is not a size. */
export function parseSize(text: string): number | undefined {
  const m = /^(\d+)\s*(?:([kmg])(?:i?b)?|b)?$/i.exec(text.trim());
  if (!m) return undefined;
  const factor = { k: 1024, m: 1024 ** 2, g: 1024 ** 3 }[(m[2] ?? '').toLowerCase() as 'k' | 'm' | 'g'] ?? 1;
  const bytes = Number(m[1]) * factor;
  return Number.isSafeInteger(bytes) && bytes > 0 ? bytes : undefined;
}

/** The OS's own words for an I/O error ("no such file or directory"), else its code or message. */
export function osReason(e: unknown): string {
  const error = e as NodeJS.ErrnoException;
  if (typeof error?.errno === 'number') {
    const known = getSystemErrorMap().get(error.errno);
    if (known) return `${known[1]} (${known[0]})`;
  }
  return error?.code ?? String((error as Error)?.message ?? e);
}

export function describeFileType(stat: Stats): string {
  if (stat.isDirectory()) return 'a directory';
  if (stat.isFIFO()) return 'a named pipe (FIFO)';
  if (stat.isSocket()) return 'a socket';
  if (stat.isCharacterDevice()) return 'a character device';
  if (stat.isBlockDevice()) return 'a block device';
  return 'not a regular file';
}

/**
 * Reads a regular file as UTF-8, at most `budget` bytes (default: the whole input limit). `shown` is how the
 * user wrote the path. Opened non-blocking, so a FIFO is refused instead of waited on.
 */
export function readInputFile(absolute: string, shown: string, budget: number = maxInputBytes): string {
  let fd: number;
  try {
    fd = openSync(absolute, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (e) {
    throw new UsageError(`cannot read "${shown}": ${osReason(e)}`);
  }
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile()) throw new UsageError(`cannot read "${shown}": it is ${describeFileType(stat)}, not a regular file`);
    if (stat.size > budget) throw tooLarge(shown, stat.size);
    // Read to the end rather than trusting the size (files in /proc say 0, a growing file says less).
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const chunk = Buffer.allocUnsafe(Math.min(64 * 1024, budget + 1 - total));
      const n = readSync(fd, chunk, 0, chunk.length, null);
      if (n === 0) break;
      chunks.push(chunk.subarray(0, n));
      total += n;
      if (total > budget) throw tooLarge(shown, total);
    }
    return Buffer.concat(chunks, total).toString('utf8');
  } catch (e) {
    if (e instanceof UsageError) throw e;
    throw new UsageError(`cannot read "${shown}": ${osReason(e)}`);
  } finally {
    closeSync(fd);
  }
}

function tooLarge(shown: string, size: number): UsageError {
  if (size > maxInputBytes)
    return new UsageError(`cannot read "${shown}": it is at least ${size} bytes, over the input limit of ${maxInputBytes} bytes (for all files of one input together); raise it with --max-input-size, e.g. --max-input-size ${suggested(size)}`);
  return new UsageError(`cannot read "${shown}": with the files of this input read before it, the input is over the limit of ${maxInputBytes} bytes (for all files of one input together); raise it with --max-input-size, e.g. --max-input-size ${suggested(maxInputBytes * 2)}`);
}

/** A round size, in MiB, at least twice `bytes`. */
function suggested(bytes: number): string {
  let mib = 16;
  while (mib * 1024 * 1024 < 2 * bytes) mib *= 2;
  return `${mib}MiB`;
}
