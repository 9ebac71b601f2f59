/**
 * The CLI as one file (run by `npm run build`, after tsc), and V8's code cache of it: `bin/graylane.js` loads
 * both, so a command starts without resolving and reading some 250 modules or compiling its functions again
 * (zod comes in as ES modules, whose unused parts, such as its locales, are left out). The compiler and the
 * components stay plain tsc output for library users.
 *
 *   tsx scripts/bundle-cli.ts
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { appendFileSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { buildSync } from 'esbuild';

const ROOT = join(__dirname, '..');
export const CLI_BUNDLE = join(ROOT, 'dist', 'bundle', 'graylane.js');

/** What the code cache is recorded from: the commands people run most, on an example. */
export const WARM_UP = [
  ['render', 'examples/bookinfo-lanes.release.yaml'],
  ['validate', 'examples/bookinfo-lanes.release.yaml'],
  ['check', 'examples/bookinfo-lanes.release.yaml'],
];

export function bundleCli(outfile: string = CLI_BUNDLE): void {
  // A cache of the previous bundle never survives a build, even one that stops half-way.
  rmSync(`${outfile}.cache`, { force: true });
  buildSync({
    entryPoints: [join(ROOT, 'cli', 'main.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    tsconfig: join(ROOT, 'tsconfig.build.json'),
    // Pulumi is for the components only; the CLI never loads it.
    external: ['@pulumi/*'],
    legalComments: 'eof',
    logLevel: 'warning',
  });
  // The bundle's own digest ends it, and the code cache starts with it (bin/graylane.js compares the two).
  appendFileSync(outfile, `\n//# graylane-bundle ${createHash('sha256').update(readFileSync(outfile)).digest('hex')}\n`);
}

/** Records the code cache in a plain node process (not a tsx one), as the command runs. */
export function writeCodeCache(bundle: string = CLI_BUNDLE): void {
  const script = `require(${JSON.stringify(join(ROOT, 'bin', 'graylane.js'))}).writeCodeCache(${JSON.stringify(WARM_UP)}, ${JSON.stringify(ROOT)}, ${JSON.stringify(bundle)}).catch((e) => { console.error(e); process.exitCode = 1; })`;
  execFileSync(process.execPath, ['-e', script], { cwd: ROOT, stdio: 'inherit' });
}

if (require.main === module) {
  bundleCli();
  writeCodeCache();
}
