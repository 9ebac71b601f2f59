/**
 * How far one update moves traffic, per request class: the same requests (the union of the classes both sides
 * tell apart: entry host and match, service × lane, Traefik rule) routed by the object model before and after.
 * Keyed by what requests match and where they go, so renaming a rule, replacing a split by a bare Service or
 * picking another step cannot hide a move.
 */
import { requestClasses, type RequestClass } from '../../inspect/request-classes';
import { trafficTable } from '../../inspect/traffic';
import { modelOf } from '../../model/model';
import type { K8sObject, RuleContext, StackRule } from '../rule';
import { LANE_HEADER_ANNOTATION, ref } from '../rule';

export interface Move {
  readonly object: K8sObject;
  /** The request class. */
  readonly where: string;
  readonly destination: string;
  readonly from: number;
  readonly to: number;
}

/** Shares that moved by more than `max` points between `before` and `after` for the classes of one engine. */
export function classMoves(before: readonly K8sObject[], after: readonly K8sObject[], engine: RequestClass['engine'], max: number, laneHeader: string | undefined): Move[] {
  const a = modelOf(after);
  const b = modelOf(before);
  const header = laneHeader ?? annotatedHeader(after) ?? annotatedHeader(before);
  const context = header !== undefined ? { laneHeader: header } : {};
  const classes = new Map<string, RequestClass>();
  for (const c of [...requestClasses(a, context), ...requestClasses(b, context)]) if (c.engine === engine && !classes.has(c.key)) classes.set(c.key, c);
  // A class neither side routes anywhere yet (new hosts) is new, not moved.
  const old = trafficTable(b, [...classes.values()], header);
  const now = trafficTable(a, [...classes.values()], header);
  const out: Move[] = [];
  for (const [where, row] of now) {
    const was = old.get(where)!;
    if (was.object === undefined) continue;
    const object = row.object ?? was.object;
    for (const destination of [...new Set([...row.shares.keys(), ...was.shares.keys()])].sort()) {
      const from = was.shares.get(destination) ?? 0;
      const to = row.shares.get(destination) ?? 0;
      if (Math.abs(to - from) > max) out.push({ object, where, destination, from, to });
    }
  }
  return out;
}

function annotatedHeader(objects: readonly K8sObject[]): string | undefined {
  for (const o of objects) {
    const h = o.metadata?.annotations?.[LANE_HEADER_ANNOTATION];
    if (h !== undefined) return h;
  }
  return undefined;
}

/** A rule that stops one update from moving a share by more than `maxChange` points against the baseline. */
export function maxWeightChangeRule(name: string, kinds: readonly string[], what: string, engine: RequestClass['engine']): StackRule {
  return {
    name,
    scope: 'stack',
    description: `No ${what} share of a request class moves by more than maxChange points in one update.`,
    rationale: 'Progressive delivery moves in steps; a jump from 5% to 100% skips every check the steps exist for.',
    defaultLevel: 'disabled',
    kinds,
    parameters: {
      maxChange: { type: 'number', minimum: 0, maximum: 100, description: 'Largest move of one share, in percentage points.' },
      baseline: { type: 'string', description: "Policy pack: path of the previous release's rendered YAML (file or directory)." },
    },
    check(objects, context: RuleContext) {
      if (!context.baseline) return [];
      const max = (context.config.maxChange as number | undefined) ?? 25;
      return classMoves(context.baseline, objects, engine, max, context.laneHeader).map((m) => ({
        object: m.object,
        message: `${ref(m.object)}: requests "${m.where}" move ${m.destination} from ${percent(m.from)}% to ${percent(m.to)}%, more than the ${max} points one update may move.`,
      }));
    },
  };
}

function percent(n: number): string {
  return Number.isInteger(n) ? String(n) : n.toFixed(1);
}
