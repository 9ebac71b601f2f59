/**
 * The Release component's own cost: registering the children of a 1000-service × 20-lane release under
 * Pulumi mocks, against registering the same objects directly as CustomResources, in one run, interleaved.
 */
import * as k8s from '@pulumi/kubernetes';
import * as pulumi from '@pulumi/pulumi';
import { Release } from '../components';
import { compile } from '../compiler';
import { syntheticSpec } from './synthetic-spec';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 4);
const BUDGET = 1.15;

pulumi.runtime.setMocks(
  { newResource: (args) => ({ id: `${args.name}-id`, state: args.inputs }), call: (args) => args.inputs },
  'bench',
  'bench',
  false,
);

/** CPU time of this process in ms: steadier than wall time on a shared 2-core machine. */
const now = () => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
};

const settled = (resources: readonly pulumi.Resource[]) =>
  Promise.all(resources.map((r) => new Promise((resolve) => r.urn.apply(resolve))));

async function main(): Promise<void> {
  const spec = syntheticSpec(1000, 20);
  const manifests = compile(spec).outputs[0]!.manifests;
  const viaComponent: number[] = [];
  const direct: number[] = [];
  const runComponent = async (round: number) => {
    const t0 = now();
    const release = new Release(`c${round}`, { spec });
    await settled([release, ...Object.values(release.resources)]);
    viaComponent.push(now() - t0);
  };
  const runDirect = async (round: number) => {
    const t0 = now();
    const plain = manifests.map(
      (m) => new k8s.apiextensions.CustomResource(`d${round}-${m.kind}-${m.metadata.name}`, { apiVersion: m.apiVersion, kind: m.kind, metadata: m.metadata, spec: m.spec }),
    );
    await settled(plain);
    direct.push(now() - t0);
  };
  // One warm-up of each, then rounds in alternating order so neither side always runs first.
  await runComponent(-1);
  await runDirect(-1);
  viaComponent.length = 0;
  direct.length = 0;
  for (let round = 0; round < ROUNDS; round++) {
    if (round % 2 === 0) {
      await runComponent(round);
      await runDirect(round);
    } else {
      await runDirect(round);
      await runComponent(round);
    }
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const ratio = median(viaComponent) / median(direct);
  console.log(`registration under mocks, 1000 × 20 (${manifests.length} objects): component ${median(viaComponent).toFixed(0)} ms CPU, direct ${median(direct).toFixed(0)} ms CPU`);
  console.log(`component ÷ direct = ${ratio.toFixed(3)} (budget ${BUDGET}: ${ratio <= BUDGET ? 'within' : 'OVER'})`);
}

void main();
