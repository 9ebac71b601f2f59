/** Pulumi under `runtime.setMocks`: records every registered resource and resolves outputs. */
import * as pulumi from '@pulumi/pulumi';

export interface Registered {
  readonly type: string;
  readonly name: string;
  readonly inputs: Record<string, unknown>;
  readonly parent?: string;
}

/** `preview: true` runs as `pulumi preview` does (no settle delays). */
export function mockPulumi(stack = 'test', config: Record<string, string> = {}, preview = false): Registered[] {
  const registered: Registered[] = [];
  pulumi.runtime.setAllConfig(config);
  pulumi.runtime.setMocks(
    {
      newResource(args) {
        registered.push({ type: args.type, name: args.name, inputs: args.inputs as Record<string, unknown> });
        return { id: `${args.name}-id`, state: args.inputs };
      },
      call(args) {
        return args.inputs;
      },
    },
    'graylane',
    stack,
    preview,
  );
  return registered;
}

/** The value of an Output (mocks resolve them). */
export function valueOf<T>(output: pulumi.Output<T>): Promise<T> {
  return new Promise((resolve) => output.apply((v) => resolve(v)));
}

/** The parent URN of a resource, for asserting the tree. */
export function urnOf(resource: pulumi.Resource): Promise<string> {
  return valueOf(resource.urn);
}

/** Waits until the component and every child are registered. */
export async function registeredChildren(release: pulumi.ComponentResource & { resources: Readonly<Record<string, pulumi.Resource>> }): Promise<void> {
  await Promise.all([valueOf(release.urn), ...Object.values(release.resources).map((r) => valueOf(r.urn))]);
}

/**
 * Runs the stack program (stacks/index.ts) for one environment under mocks, as `pulumi preview` would, and
 * returns what it registered once registration has settled.
 */
export async function runStackProgram(env: string, config: Record<string, string>): Promise<Registered[]> {
  const registered = mockPulumi(env, config, true);
  const program = require.resolve('../../stacks/index.ts');
  delete require.cache[program];
  // The program runs at import, as Pulumi runs it; a fresh require per environment re-runs it.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  require(program);
  let count = -1;
  while (count !== registered.length) {
    count = registered.length;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return registered;
}
