import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The package version, read from package.json beside the sources (or the build). */
export function version(): string {
  for (const up of ['..', '../..']) {
    try {
      return (JSON.parse(readFileSync(join(__dirname, up, 'package.json'), 'utf8')) as { version: string }).version;
    } catch {
      // not at this depth: try the next
    }
  }
  return '0.0.0';
}
