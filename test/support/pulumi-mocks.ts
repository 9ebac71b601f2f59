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
