/**
 * The Release component's own cost: registering the children of a 1000-service × 20-lane release under
 * Pulumi mocks, against registering the same objects directly as CustomResources. Each measurement runs in a
 * fresh process (Pulumi's runtime state grows with every registration), the two kinds alternate, and the
 * figure is CPU time, steadier than wall time on a shared 2-core machine.
 */
import { execFileSync } from 'node:child_process';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 4);
const BUDGET = 1.15;
const SIZE: [number, number] = [1000, 20];

async function measureOnce(kind: 'component' | 'direct'): Promise<void> {
  const pulumi = await import('@pulumi/pulumi');
  const k8s = await import('@pulumi/kubernetes');
  const { Release } = await import('../components');
  const { compile } = await import('../compiler');
  const { syntheticSpec } = await import('./synthetic-spec');
  pulumi.runtime.setMocks(
    { newResource: (args) => ({ id: `${args.name}-id`, state: args.inputs }), call: (args) => args.inputs },
    'bench',
    'bench',
    false,
  );
  const settled = (resources: readonly InstanceType<typeof pulumi.Resource>[]) =>
    Promise.all(resources.map((r) => new Promise((resolve) => r.urn.apply(resolve))));
  const spec = syntheticSpec(...SIZE);
  // The direct side gets its objects for free; the component compiles them itself, inside the measurement.
  const manifests = kind === 'direct' ? compile(spec).outputs[0]!.manifests : [];
  const cpu = () => {
    const { user, system } = process.cpuUsage();
    return (user + system) / 1000;
  };
  const t0 = cpu();
  if (kind === 'component') {
    const release = new Release('c', { spec });
    await settled([release, ...Object.values(release.resources)]);
  } else {
    const plain = manifests.map(
      (m) => new k8s.apiextensions.CustomResource(`d-${m.kind}-${m.metadata.name}`, { apiVersion: m.apiVersion, kind: m.kind, metadata: m.metadata, spec: m.spec }),
    );
    await settled(plain);
  }
  process.stdout.write(`${cpu() - t0}\n`);
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

function main(): void {
  const run = (kind: string) => Number(execFileSync(process.execPath, [...process.execArgv, __filename, '--one', kind], { encoding: 'utf8' }).trim());
  const component: number[] = [];
  const direct: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    if (round % 2 === 0) {
      component.push(run('component'));
      direct.push(run('direct'));
    } else {
      direct.push(run('direct'));
      component.push(run('component'));
    }
  }
  const ratio = median(component) / median(direct);
  console.log(`registration under mocks, ${SIZE[0]} × ${SIZE[1]}: component ${median(component).toFixed(0)} ms CPU, direct ${median(direct).toFixed(0)} ms CPU (median of ${ROUNDS} fresh processes each)`);
  console.log(`component ÷ direct = ${ratio.toFixed(3)} (budget ${BUDGET}: ${ratio <= BUDGET ? 'within' : 'OVER'})`);
}

const one = process.argv.indexOf('--one');
if (one !== -1) void measureOnce(process.argv[one + 1] as 'component' | 'direct');
else main();
