/** The environments of stacks/: what each Pulumi.<env>.yaml says, read without the Pulumi CLI. */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import type { CompileOptions, Target } from '../compiler';

export interface StackConfig {
  readonly env: string;
  /** The raw `config:` map, as `pulumi.runtime.setAllConfig` takes it (values as strings). */
  readonly config: Record<string, string>;
  readonly specFile: string;
  readonly options: Omit<CompileOptions, 'file'>;
}

export function stackConfigs(root: string): StackConfig[] {
  const dir = join(root, 'stacks');
  return readdirSync(dir)
    .filter((f) => /^Pulumi\.[\w-]+\.yaml$/.test(f))
    .sort()
    .map((f) => {
      const env = f.slice('Pulumi.'.length, -'.yaml'.length);
      const raw = (parse(readFileSync(join(dir, f), 'utf8')) as { config?: Record<string, unknown> }).config ?? {};
      const config = Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)]));
      const step = config['graylane:step'];
      const namespace = config['graylane:namespace'];
      const targets = config['graylane:targets'];
      return {
        env,
        config,
        specFile: config['graylane:spec']!,
        options: {
          ...(step !== undefined ? { step: Number(step) } : {}),
          ...(namespace !== undefined ? { namespace } : {}),
          ...(targets !== undefined ? { targets: JSON.parse(targets) as Target[] } : {}),
        },
      };
    });
}
