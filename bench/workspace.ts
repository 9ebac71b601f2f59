/** The files every size needs, written to a temporary directory before anything is timed. */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import type { ReleaseSpec } from '../compiler';
import type { SizeFiles } from './commands';
import { syntheticChange, syntheticSpec } from './synthetic-spec';

export class Workspace {
  readonly dir = mkdtempSync(join(tmpdir(), 'graylane-bench-'));

  /** Writes the spec and its changed copy; the rendered directory is the caller's to fill (it times nothing). */
  filesFor(services: number, lanes: number): { files: SizeFiles; spec: ReleaseSpec } {
    const stem = join(this.dir, `${services}x${lanes}`);
    mkdirSync(stem, { recursive: true });
    const spec = syntheticSpec(services, lanes);
    const files: SizeFiles = {
      spec: join(stem, 'bench.release.yaml'),
      changedSpec: join(stem, 'bench-changed.release.yaml'),
      renderedDir: join(stem, 'rendered'),
      outDir: join(stem, 'out'),
    };
    writeFileSync(files.spec, stringify(spec));
    writeFileSync(files.changedSpec, stringify(syntheticChange(spec)));
    return { files, spec };
  }

  remove(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}
