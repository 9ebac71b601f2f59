/**
 * `npm run bench`: compile cost on synthetic meshes, measured side by side in one run.
 * Prints, per size: compile time, objects, routes, routes ÷ the minimum needed, and the ratio of compile
 * time to the time of serializing the same objects to YAML (so the figure does not depend on the machine).
 */
import { performance } from 'node:perf_hooks';
import { compileManifests } from '../compiler/compile';
import type { Manifest } from '../compiler/emit/manifest';
import type { Plan } from '../compiler/plan';
import { manifestsToYaml } from '../compiler/serialize';
import { syntheticSpec } from './synthetic-spec';

const SIZES: [services: number, lanes: number][] = [
  [100, 10],
  [1000, 20],
  [2000, 50],
];
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);

function countRoutes(manifests: readonly Manifest[]): number {
  return manifests.filter((m) => m.kind === 'VirtualService').reduce((n, m) => n + (m.spec.http as unknown[]).length, 0);
}

/**
 * A lower bound no emitter can beat: a mesh VirtualService needs one route per distinct destination its lanes
 * reach, plus its catch-all when that is a split; the entry needs one route per reachable rule, plus a default
 * when the last rule matches something.
 */
function minimumRoutes(plan: Plan): number {
  let total = 0;
  for (const service of plan.services) {
    const destinations = new Set(plan.lanes.map((l) => `${service.resolution[l.name]!.host}|${service.resolution[l.name]!.subset ?? ''}`));
    total += destinations.size + (service.canary ? 1 : 0);
  }
  if (plan.entry.gateway) {
    const rules = plan.entry.rules;
    const catchAll = rules.findIndex((r) => r.headers.length === 0 && r.queryParams.length === 0);
    total += catchAll === -1 ? rules.length + 1 : catchAll + 1;
  }
  return total;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

const rows: string[][] = [['services × lanes', 'compile ms', 'objects', 'routes', 'routes ÷ minimum', 'compile ÷ YAML serialize']];
for (const [services, lanes] of SIZES) {
  const spec = syntheticSpec(services, lanes);
  const compileTimes: number[] = [];
  const serializeTimes: number[] = [];
  let manifests: Manifest[] = [];
  let plan: Plan | undefined;
  for (let round = 0; round < ROUNDS; round++) {
    // Interleaved, so both measurements see the same machine state.
    const t0 = performance.now();
    const result = compileManifests(spec);
    const t1 = performance.now();
    if (!result.ok) throw new Error(`synthetic spec ${services}×${lanes} does not compile: ${result.diagnostics[0]?.message}`);
    manifests = result.outputs[0]!.manifests;
    plan = result.plan;
    const t2 = performance.now();
    const yaml = manifestsToYaml(manifests);
    const t3 = performance.now();
    if (yaml.length === 0) throw new Error('empty YAML');
    compileTimes.push(t1 - t0);
    serializeTimes.push(t3 - t2);
  }
  const routes = countRoutes(manifests);
  rows.push([
    `${services} × ${lanes}`,
    median(compileTimes).toFixed(1),
    String(manifests.length),
    String(routes),
    (routes / minimumRoutes(plan!)).toFixed(3),
    (median(compileTimes) / median(serializeTimes)).toFixed(3),
  ]);
}

const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
for (const row of rows) console.log(row.map((cell, i) => cell.padStart(widths[i]!)).join('  '));
console.log(`(median of ${ROUNDS} rounds; compile = parse → validate → normalize → check → emit → the policy rules' self-check, without serialize)`);
