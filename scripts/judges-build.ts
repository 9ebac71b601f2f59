/**
 * Builds the Go judge (tools/judges) once per source state: the binary is cached in .tools/judges/<key>/,
 * keyed by go.mod, go.sum, the Go sources and the Go version, so a second run costs nothing.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync } from 'node:fs';
import { join, relative } from 'node:path';

export const ROOT = join(__dirname, '..');
const MODULE_DIR = join(ROOT, 'tools', 'judges');

function goFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? goFiles(join(dir, e.name)) : e.name.endsWith('.go') ? [join(dir, e.name)] : []))
    .sort();
}

function goVersion(): string {
  try {
    return execFileSync('go', ['version'], { encoding: 'utf8' }).trim();
  } catch {
    throw new Error('npm run judges needs Go (1.26 or later) on PATH: the judges are Istio\'s and Traefik\'s Go code.');
  }
}

/** Path of the judge binary, built if its sources changed; prints how long the build took. */
export function judgeBinary(log: (line: string) => void): string {
  const version = goVersion();
  const hash = createHash('sha256').update(version);
  for (const file of [join(MODULE_DIR, 'go.mod'), join(MODULE_DIR, 'go.sum'), ...goFiles(MODULE_DIR)])
    hash.update(relative(MODULE_DIR, file)).update('\0').update(readFileSync(file)).update('\0');
  const key = hash.digest('hex').slice(0, 16);
  const dir = join(ROOT, '.tools', 'judges', key);
  const binary = join(dir, 'judges');
  if (existsSync(binary)) {
    log(`judges: using the cached build .tools/judges/${key} (${version})`);
    return binary;
  }
  mkdirSync(dir, { recursive: true });
  const started = process.hrtime.bigint();
  // -p 2: the machine is shared; -mod=readonly: go.sum is the pin, a build never rewrites it.
  execFileSync('go', ['build', '-p', '2', '-o', `${binary}.partial`, './cmd/judges'], {
    cwd: MODULE_DIR,
    stdio: ['ignore', 'inherit', 'inherit'],
    env: { ...process.env, GOFLAGS: `${process.env.GOFLAGS ?? ''} -mod=readonly -buildvcs=false`.trim() },
  });
  renameSync(`${binary}.partial`, binary);
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  log(`judges: built tools/judges in ${seconds.toFixed(1)} s (${version}); cached as .tools/judges/${key}`);
  return binary;
}
