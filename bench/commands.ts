/**
 * What `npm run bench` measures: every CLI command, run from the built dist (bin/graylane.js) exactly as a
 * user runs it, and compile with and without printing, through the built compiler, in its own process.
 */
import { join } from 'node:path';

/** The files of one mesh size, written once before the measurements (see workspace.ts). */
export interface SizeFiles {
  readonly spec: string;
  /** The spec after a typical change (`syntheticChange`), the new side of `diff`. */
  readonly changedSpec: string;
  /** The spec rendered to a directory, the input of `check` on a directory. */
  readonly renderedDir: string;
  /** Where `render -o` writes (replaced on every run). */
  readonly outDir: string;
}

export interface BenchCommand {
  readonly name: string;
  readonly args: (root: string, files: SizeFiles) => string[];
  readonly okExitCodes?: readonly number[];
  /** The child prints a JSON report of its own phases on stdout. */
  readonly reports?: boolean;
}

const cli = (root: string, ...args: string[]) => [join(root, 'bin', 'graylane.js'), ...args];

/**
 * The compile rows: parse → … → manifests, then, with printing, every output printed as a YAML stream; the
 * child also times JSON.stringify of the same objects (median of three calls), the yardstick for printing.
 */
function compileChild(root: string, spec: string, print: boolean): string[] {
  const dist = JSON.stringify(join(root, 'dist', 'compiler'));
  const source = `
    const { readFileSync } = require('node:fs');
    const { compileManifests } = require(${dist} + '/compile.js');
    const { manifestsToYaml } = require(${dist} + '/serialize.js');
    const text = readFileSync(${JSON.stringify(spec)}, 'utf8');
    const cpu = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; };
    const at = () => ({ wall: performance.now(), cpu: cpu() });
    const t0 = at();
    const result = compileManifests(text);
    if (!result.ok) { console.error(result.diagnostics[0]?.message); process.exit(2); }
    const t1 = at();
    const yaml = ${print} ? result.outputs.map((o) => manifestsToYaml(o.manifests)).join('') : '';
    const t2 = at();
    // The yardstick, timed three times (its first call alone varies 2× from run to run): the median.
    const jsonRuns = [];
    let json = '';
    for (let i = 0; i < 3; i++) {
      const a = at();
      json = JSON.stringify(result.outputs.map((o) => o.manifests));
      const b = at();
      jsonRuns.push({ wall: b.wall - a.wall, cpu: b.cpu - a.cpu });
    }
    const jsonMedian = (clock) => jsonRuns.map((r) => r[clock]).sort((x, y) => x - y)[1];
    const phases = (clock) => ({ compileMs: t1[clock] - t0[clock], printMs: t2[clock] - t1[clock], jsonMs: jsonMedian(clock) });
    console.log(JSON.stringify({ wall: phases('wall'), cpu: phases('cpu'), yamlBytes: yaml.length, jsonBytes: json.length }));
  `;
  return ['-e', source];
}

export const BENCH_COMMANDS: readonly BenchCommand[] = [
  { name: 'compile', args: (root, f) => compileChild(root, f.spec, true), reports: true },
  { name: 'compile-no-print', args: (root, f) => compileChild(root, f.spec, false), reports: true },
  { name: 'render-stdout', args: (root, f) => cli(root, 'render', f.spec) },
  { name: 'render-dir', args: (root, f) => cli(root, 'render', f.spec, '-o', f.outDir) },
  { name: 'validate', args: (root, f) => cli(root, 'validate', f.spec) },
  { name: 'check-spec', args: (root, f) => cli(root, 'check', f.spec), okExitCodes: [0, 1] },
  { name: 'check-dir', args: (root, f) => cli(root, 'check', f.renderedDir), okExitCodes: [0, 1] },
  {
    name: 'explain',
    args: (root, f) => cli(root, 'explain', f.spec, '--gateway', 'istio-system/public', '--host', 'bench.example.com', '--header', 'x-user-group=g1', '--hops', 'svc-0001,svc-0002'),
  },
  { name: 'diff', args: (root, f) => cli(root, 'diff', f.spec, f.changedSpec) },
  { name: 'graph', args: (root, f) => cli(root, 'graph', f.spec) },
];
