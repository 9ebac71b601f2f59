/**
 * Writes rendered objects, one file per object, replacing the directory's previous graylane output as a
 * whole: files go to a sibling staging directory (unique, from mkdtemp) that is renamed into place, so a
 * reader never sees a half-written directory and a failed render leaves the old output untouched.
 *
 * Concurrency and interruption:
 * - Renders into one directory take an exclusive lock, `.<dir>.lock` beside it (flock(2), taken by flock(1)
 *   on a descriptor it inherits from us, so the kernel drops it when we exit or are killed, whatever the PID
 *   namespace). The second render waits for the first, and fails with a message after LOCK_WAIT_SECONDS.
 *   The holder removes the file when done; a waiter that then finds the path gone or new starts over.
 * - Replacing is two renames (old → `.<dir>.old-X`, staging `.<dir>.tmp-X` → dir). A render killed between
 *   them leaves no directory; the next render, under the lock, completes it (the staging directory is
 *   complete: its marker file is written last) or else puts the old output back, then removes what killed
 *   renders left behind.
 * - `-o LINK`, a symbolic link to a directory: the link is followed and its target replaced; the link stays.
 */
import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, fstatSync, lstatSync, mkdirSync, mkdtempSync, openSync, readdirSync, realpathSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { manifestFileName, manifestToYaml, type TargetOutput } from '../compiler';
import { describeFileType, osReason } from './input-file';
import { UsageError } from './io';

/** Marks a directory as graylane's output, so it is never confused with a user's directory. Written last. */
export const MARKER = '.graylane-output';
/** How long a render waits for another render of the same directory. */
export const LOCK_WAIT_SECONDS = 60;

/**
 * Returns the number of files written. `onNote` hears what was found and repaired from an interrupted
 * render, or what could not be guaranteed (no lock available).
 */
export function writeOutputDir(dir: string, outputs: readonly TargetOutput[], onNote: (note: string) => void = () => {}): number {
  const target = outputTarget(dir);
  const parent = dirname(target);
  const name = basename(target);
  try {
    mkdirSync(parent, { recursive: true });
  } catch (e) {
    throw new UsageError(`cannot create the parent directory of "${dir}": ${osReason(e)}`);
  }
  const notes: string[] = [];
  const unlock = lockOutput(parent, name, dir, notes);
  try {
    notes.push(...recoverInterrupted(parent, name));
    if (existsSync(target) && readdirSync(target).length > 0 && !existsSync(join(target, MARKER)))
      throw new UsageError(`refusing to replace "${dir}": it is not empty and was not written by graylane (no ${MARKER} file)`);
    let staging: string;
    try {
      staging = mkdtempSync(join(parent, `.${name}.tmp-`));
    } catch (e) {
      throw new UsageError(`cannot write next to "${dir}": ${osReason(e)}`);
    }
    const suffix = staging.slice(staging.lastIndexOf('.tmp-') + '.tmp-'.length);
    const previous = join(parent, `.${name}.old-${suffix}`);
    let files = 0;
    let moved = false;
    try {
      for (const output of outputs) {
        const targetDir = join(staging, output.target);
        mkdirSync(targetDir, { recursive: true });
        for (const manifest of output.manifests) {
          // wx: two objects never share a file silently (the compiler refuses such specs, GL241).
          writeFileSync(join(targetDir, manifestFileName(manifest)), manifestToYaml(manifest), { flag: 'wx' });
          files++;
        }
      }
      writeFileSync(join(staging, MARKER), 'Written by graylane render; the whole directory is replaced on each render.\n');
      if (existsSync(target)) {
        renameSync(target, previous);
        moved = true;
      }
      renameSync(staging, target);
      moved = false;
      rmSync(previous, { recursive: true, force: true });
    } catch (e) {
      // The old output goes back where it was; a render that fails never leaves less than it found.
      if (moved) renameSync(previous, target);
      if (e instanceof UsageError) throw e;
      throw new UsageError(`cannot write "${dir}": ${osReason(e)}`);
    } finally {
      rmSync(staging, { recursive: true, force: true });
    }
    return files;
  } finally {
    unlock();
    notes.forEach(onNote);
  }
}

/** The directory to replace: `dir` itself, or the directory a symbolic link `dir` points to. */
function outputTarget(dir: string): string {
  let link;
  try {
    link = lstatSync(dir);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return dir;
    throw new UsageError(`cannot use "${dir}" as the output directory: ${osReason(e)}`);
  }
  let real = dir;
  if (link.isSymbolicLink()) {
    try {
      real = realpathSync(dir);
    } catch (e) {
      throw new UsageError(`cannot use "${dir}" as the output directory: it is a symbolic link that does not resolve: ${osReason(e)}`);
    }
  }
  const stat = statSync(real);
  if (!stat.isDirectory()) throw new UsageError(`cannot use "${dir}" as the output directory: it is ${stat.isFile() ? 'a regular file' : describeFileType(stat)}`);
  return real;
}

/**
 * Takes the exclusive lock of one output directory; returns its release. Without flock(1) (not Linux) the
 * render goes on unlocked, with a note saying what is lost.
 */
function lockOutput(parent: string, name: string, dir: string, notes: string[]): () => void {
  const path = join(parent, `.${name}.lock`);
  for (;;) {
    let fd: number;
    try {
      fd = openSync(path, 'a');
    } catch (e) {
      throw new UsageError(`cannot lock "${dir}" (${path}): ${osReason(e)}`);
    }
    const result = spawnSync('flock', ['--exclusive', '--wait', String(LOCK_WAIT_SECONDS), '3'], { stdio: ['ignore', 'ignore', 'pipe', fd], encoding: 'utf8' });
    if ((result.error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT') {
      notes.push(`cannot lock "${dir}": flock(1) is not installed, so a concurrent render of the same directory is not kept out`);
      return () => closeSync(fd);
    }
    if (result.status !== 0) {
      closeSync(fd);
      throw new UsageError(
        result.status === 1
          ? `"${dir}" is being rendered by another process (lock ${path} held for over ${LOCK_WAIT_SECONDS}s); try again when it has finished`
          : `cannot lock "${dir}" (${path}): ${(result.stderr || result.error?.message || `flock exited with ${result.status}`).trim()}`,
      );
    }
    // The holder before us removes the lock file when done; a lock on a removed file keeps nobody out.
    if (sameFile(fd, path))
      return () => {
        rmSync(path, { force: true });
        closeSync(fd);
      };
    closeSync(fd);
  }
}

function sameFile(fd: number, path: string): boolean {
  try {
    const held = fstatSync(fd);
    const named = statSync(path);
    return held.ino === named.ino && held.dev === named.dev;
  } catch {
    return false;
  }
}

/**
 * Repairs what a killed render left, under the lock (so nothing found is in use): a missing directory is
 * restored from the interrupted replacement, and staging and old copies are removed.
 */
function recoverInterrupted(parent: string, name: string): string[] {
  const notes: string[] = [];
  const prefix = `.${name}.`;
  const leftovers = readdirSync(parent).filter((e) => e.startsWith(prefix) && /^(tmp|old)-/.test(e.slice(prefix.length)));
  if (leftovers.length === 0) return notes;
  const target = join(parent, name);
  if (!existsSync(target)) {
    const complete = leftovers.find((e) => e.startsWith(`${prefix}tmp-`) && leftovers.includes(`${prefix}old-${e.slice(`${prefix}tmp-`.length)}`) && existsSync(join(parent, e, MARKER)));
    const old = leftovers.find((e) => e.startsWith(`${prefix}old-`));
    const restore = complete ?? old;
    if (restore) {
      renameSync(join(parent, restore), target);
      notes.push(`recovered "${name}" from a render that was interrupted while replacing it (${complete ? 'its new output was complete' : 'restored the previous output'})`);
    }
  }
  for (const e of leftovers) rmSync(join(parent, e), { recursive: true, force: true });
  return notes;
}
