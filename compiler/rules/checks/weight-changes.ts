/** Weighted shares of routes, keyed so the same share can be found before and after a change. */
import type { K8sObject, StackRule } from '../rule';
import { vsSpec } from './istio-helpers';

export interface Share {
  readonly object: K8sObject;
  /** "VirtualService ns/name route R" or "TraefikService ns/name". */
  readonly where: string;
  readonly destination: string;
  readonly weight: number;
}

export function istioShares(objects: readonly K8sObject[]): Share[] {
  return objects
    .filter((o) => o.kind === 'VirtualService')
    .flatMap((vs) =>
      vsSpec(vs).http.flatMap((route, r) => {
        const dests = route.route ?? [];
        // A share is its destination and the lane it tags requests with: 1% tagged gray to the same pods is
        // another share than 99% untagged.
        const sums = new Map<string, number>();
        for (const d of dests) sums.set(dest(d), (sums.get(dest(d)) ?? 0) + (dests.length < 2 ? 100 : d.weight ?? 0));
        return [...sums].map(([destination, weight]) => ({ object: vs, where: where(vs, route.name ?? `#${r}`), destination, weight }));
      }),
    );
}

export function traefikShares(objects: readonly K8sObject[]): Share[] {
  return objects
    .filter((o) => o.kind === 'TraefikService')
    .flatMap((ts) => {
      const services = ((ts.spec ?? {}) as { weighted?: { services?: { name: string; namespace?: string; weight?: number }[] } }).weighted?.services ?? [];
      const total = services.reduce((a, s) => a + (s.weight ?? 1), 0);
      return services.map((s) => ({ object: ts, where: `TraefikService ${ts.metadata?.namespace ?? 'default'}/${ts.metadata?.name}`, destination: `${s.namespace ? `${s.namespace}/` : ''}${s.name}`, weight: total === 0 ? 0 : (100 * (s.weight ?? 1)) / total }));
    });
}

/** Shares that moved by more than `max` points between `before` and `after` (a new or removed share moves from or to 0). */
export function bigMoves(before: readonly Share[], after: readonly Share[], max: number): { share: Share; from: number; to: number }[] {
  const key = (s: Share) => `${s.where}|${s.destination}`;
  const old = new Map(before.map((s) => [key(s), s]));
  const routes = new Set(before.map((s) => s.where));
  const now = new Map(after.map((s) => [key(s), s]));
  const routesNow = new Set(after.map((s) => s.where));
  const out: { share: Share; from: number; to: number }[] = [];
  for (const s of after) {
    // A route that did not exist before is new, not moved.
    if (!routes.has(s.where)) continue;
    const from = old.get(key(s))?.weight ?? 0;
    if (Math.abs(s.weight - from) > max) out.push({ share: s, from, to: s.weight });
  }
  // Shares that disappeared from a route that still exists moved to 0.
  for (const s of before) {
    if (routesNow.has(s.where) && !now.has(key(s)) && s.weight > max) {
      const anchor = after.find((a) => a.where === s.where)!;
      out.push({ share: { ...s, object: anchor.object }, from: s.weight, to: 0 });
    }
  }
  return out;
}

function where(vs: K8sObject, route: string): string {
  return `VirtualService ${vs.metadata?.namespace ?? 'default'}/${vs.metadata?.name} route ${route}`;
}

function dest(d: { destination: { host: string; subset?: string }; headers?: { request?: { set?: Record<string, string>; remove?: string[] } } }): string {
  const tags = Object.entries(d.headers?.request?.set ?? {}).map(([k, v]) => ` (${k}: ${v})`).join('');
  return `${d.destination.host}${d.destination.subset !== undefined ? `/${d.destination.subset}` : ''}${tags}`;
}

/** A rule that stops one update from moving a share by more than `maxChange` points against the baseline. */
export function maxWeightChangeRule(name: string, kinds: readonly string[], what: string, shares: (objects: readonly K8sObject[]) => Share[]): StackRule {
  return {
    name,
    scope: 'stack',
    description: `No ${what} share moves by more than maxChange points in one update.`,
    rationale: 'Progressive delivery moves in steps; a jump from 5% to 100% skips every check the steps exist for.',
    defaultLevel: 'disabled',
    kinds,
    parameters: {
      maxChange: { type: 'number', minimum: 0, maximum: 100, description: 'Largest move of one share, in percentage points.' },
      baseline: { type: 'string', description: "Policy pack: path of the previous release's rendered YAML (file or directory)." },
    },
    check(objects, context) {
      if (!context.baseline) return [];
      const max = (context.config.maxChange as number | undefined) ?? 25;
      return bigMoves(shares(context.baseline), shares(objects), max).map(({ share, from, to }) => ({
        object: share.object,
        message: `${share.where} moves ${share.destination} from ${percent(from)}% to ${percent(to)}%, more than the ${max} points one update may move.`,
      }));
    },
  };
}

function percent(n: number): string {
  return Number.isInteger(n) ? String(n) : n.toFixed(1);
}
