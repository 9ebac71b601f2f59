/**
 * Writes rendered objects, one file per object, replacing the directory's previous graylane output as a
 * whole: files go to a sibling temporary directory that is renamed into place, so a reader never sees a
 * half-written directory and a failed render leaves the old output untouched.
 */
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { manifestFileName, manifestToYaml, type TargetOutput } from '../compiler';
import { UsageError } from './io';

/** Marks a directory as graylane's output, so it is never confused with a user's directory. */
export const MARKER = '.graylane-output';

export function writeOutputDir(dir: string, outputs: readonly TargetOutput[]): number {
  if (existsSync(dir) && readdirSync(dir).length > 0 && !existsSync(join(dir, MARKER)))
    throw new UsageError(`refusing to replace "${dir}": it is not empty and was not written by graylane (no ${MARKER} file)`);
  mkdirSync(dirname(dir), { recursive: true });
  const staging = join(dirname(dir), `.${basename(dir)}.tmp-${process.pid}`);
  const previous = join(dirname(dir), `.${basename(dir)}.old-${process.pid}`);
  rmSync(staging, { recursive: true, force: true });
  let files = 0;
  try {
    mkdirSync(staging, { recursive: true });
    writeFileSync(join(staging, MARKER), 'Written by graylane render; the whole directory is replaced on each render.\n');
    for (const output of outputs) {
      const targetDir = join(staging, output.target);
      mkdirSync(targetDir, { recursive: true });
      for (const manifest of output.manifests) {
        writeFileSync(join(targetDir, manifestFileName(manifest)), manifestToYaml(manifest));
        files++;
      }
    }
    if (existsSync(dir)) renameSync(dir, previous);
    renameSync(staging, dir);
  } finally {
    rmSync(staging, { recursive: true, force: true });
    rmSync(previous, { recursive: true, force: true });
  }
  return files;
}
