/** Where in a spec an emitted object comes from, so findings about the object point at the line to change. */
import type { Manifest, Plan } from '../compiler';

export interface Located {
  readonly file: string;
  readonly line: number;
  readonly column: number;
}

export function specPathOf(o: Manifest, plan: Plan): (string | number)[] {
  const service = o.metadata.labels['graylane.dev/service'];
  const lane = o.metadata.labels['graylane.dev/lane'];
  if (lane !== undefined) return o.kind === 'ServiceEntry' ? ['spec', 'lanes', lane, 'endpoints'] : ['spec', 'lanes', lane];
  if (o.kind === 'VirtualService' && o.metadata.name === service) return ['spec', 'services', service];
  if (o.kind === 'TraefikService') {
    const index = plan.entry.rules.findIndex((r) => `${plan.release}-${r.name}-split` === o.metadata.name);
    return index >= 0 ? ['spec', 'entry', 'rules', index] : ['spec', 'entry', 'rules'];
  }
  if (o.kind === 'Middleware' || o.kind === 'EnvoyFilter') return ['spec', 'entry', 'resilience'];
  return ['spec', 'entry', 'rules'];
}
