/**
 * `graylane diff`: what a change does to traffic, for a pull-request comment. Traffic first (per entry route
 * and per service × lane, before → after), then the objects added, changed and removed with a compact YAML
 * diff, then a picture of the new lanes.
 */
import type { Manifest } from '../emit/manifest';
import type { Plan } from '../plan';
import { manifestToYaml } from '../serialize';
import { graphMermaid } from './graph';
import { lineDiff } from './text-diff';
import { modelOf } from '../model/model';
import { requestClasses, type RequestClass } from './request-classes';
import { sameData } from './same-data';
import { trafficTable, type TrafficContext } from './traffic';
import { EVERY_ROW, trafficScope } from './traffic-scope';

export interface DiffSide {
  readonly label: string;
  readonly objects: readonly Manifest[];
  readonly plan?: Plan;
}

export interface TrafficChange {
  readonly where: string;
  readonly before?: string;
  readonly after?: string;
}

export interface ObjectChange {
  readonly change: 'added' | 'changed' | 'removed';
  readonly object: string;
  readonly diff: readonly string[];
}

export interface DiffReport {
  readonly before: string;
  readonly after: string;
  readonly traffic: readonly TrafficChange[];
  readonly objects: readonly ObjectChange[];
  /** Mermaid diagram of the new side's lanes and fallbacks, when it comes from a spec. */
  readonly mermaid?: string;
}

export interface DiffOptions {
  /**
   * Simulate every request class, also those no change can reach (traffic-scope.ts): the plain computation
   * the tests compare the default with.
   */
  readonly everyClass?: boolean;
}

export function diffReleases(before: DiffSide, after: DiffSide, context: TrafficContext = {}, options: DiffOptions = {}): DiffReport {
  const ctx = (side: DiffSide): TrafficContext => ({
    ...context,
    ...(side.plan?.laneHeader !== undefined ? { laneHeader: side.plan.laneHeader } : {}),
    ...(side.plan?.baggage ? { baggageKey: side.plan.baggage.key } : {}),
  });
  const lanes = [...new Set([...(before.plan?.lanes ?? []), ...(after.plan?.lanes ?? [])].map((l) => l.name))].sort();
  const withLanes = (side: DiffSide) => ({ ...ctx(side), ...(lanes.length > 0 ? { lanes } : {}) });
  // The same requests on both sides: the union of the classes either side tells apart.
  const beforeModel = modelOf(before.objects);
  const afterModel = modelOf(after.objects);
  const oldHeader = ctx(before).laneHeader ?? ctx(after).laneHeader;
  const newHeader = ctx(after).laneHeader ?? ctx(before).laneHeader;
  // Rows no change can reach are the same on both sides and never shown: they are not simulated.
  const scope = options.everyClass === true ? EVERY_ROW : trafficScope(beforeModel, afterModel, oldHeader?.toLowerCase() === newHeader?.toLowerCase());
  const wanted = (host: string) => scope.meshHostMayDiffer(host);
  const classes = new Map<string, RequestClass>();
  for (const c of [...requestClasses(afterModel, withLanes(after), wanted), ...requestClasses(beforeModel, withLanes(before), wanted)]) if (!classes.has(c.key)) classes.set(c.key, c);
  const old = trafficTable(beforeModel, [...classes.values()], oldHeader);
  const neu = trafficTable(afterModel, [...classes.values()], newHeader);
  const traffic: TrafficChange[] = [];
  for (const where of [...new Set([...old.keys(), ...neu.keys()])].sort()) {
    const b = old.get(where)?.text;
    const a = neu.get(where)?.text;
    if (b !== a) traffic.push({ where, ...(b !== undefined ? { before: b } : {}), ...(a !== undefined ? { after: a } : {}) });
  }
  const key = (m: Manifest) => `${m.kind} ${m.metadata.namespace}/${m.metadata.name}`;
  const oldObjects = new Map(before.objects.map((m) => [key(m), m]));
  const newObjects = new Map(after.objects.map((m) => [key(m), m]));
  const objects: ObjectChange[] = [];
  for (const object of [...new Set([...oldObjects.keys(), ...newObjects.keys()])].sort()) {
    const was = oldObjects.get(object);
    const now = newObjects.get(object);
    // The same data prints the same: only objects that may differ are printed.
    if (was !== undefined && now !== undefined && (scope.knownSame(was, now) || sameData(was, now))) continue;
    const b = was !== undefined ? manifestToYaml(was) : undefined;
    const a = now !== undefined ? manifestToYaml(now) : undefined;
    if (b === a) continue;
    const change = b === undefined ? 'added' : a === undefined ? 'removed' : 'changed';
    objects.push({ object, change, diff: lineDiff(b ?? '', a ?? '').filter((l) => l !== '+ ' && l !== '- ') });
  }
  return { before: before.label, after: after.label, traffic, objects, ...(after.plan ? { mermaid: graphMermaid(after.plan) } : {}) };
}

export function diffMarkdown(r: DiffReport): string {
  const out: string[] = [`### graylane diff: \`${r.before}\` → \`${r.after}\``, ''];
  if (r.traffic.length === 0) out.push('**no traffic change**', '');
  else {
    out.push('#### Traffic', '', '| where | before | after |', '|---|---|---|');
    for (const t of r.traffic) out.push(`| ${cell(t.where)} | ${cell(t.before ?? '—')} | ${cell(t.after ?? '—')} |`);
    out.push('');
  }
  if (r.objects.length === 0) out.push('No object changes.', '');
  else {
    out.push(`#### Objects (${count(r.objects, 'added')} added, ${count(r.objects, 'changed')} changed, ${count(r.objects, 'removed')} removed)`, '');
    for (const o of r.objects) {
      out.push(`<details><summary>${o.change}: ${o.object}</summary>`, '', '```diff', ...o.diff, '```', '', '</details>', '');
    }
  }
  if (r.mermaid && (r.traffic.length > 0 || r.objects.length > 0)) out.push('#### Lanes after the change', '', '```mermaid', r.mermaid.trimEnd(), '```', '');
  return `${out.join('\n').trimEnd()}\n`;
}

export function diffText(r: DiffReport): string {
  const out: string[] = [`graylane diff: ${r.before} → ${r.after}`];
  if (r.traffic.length === 0) out.push('no traffic change');
  for (const t of r.traffic) out.push(`${t.where}: ${t.before ?? '(none)'} → ${t.after ?? '(none)'}`);
  for (const o of r.objects) out.push(`${o.change}: ${o.object}`);
  return `${out.join('\n')}\n`;
}

function count(objects: readonly ObjectChange[], change: ObjectChange['change']): number {
  return objects.filter((o) => o.change === change).length;
}

function cell(text: string): string {
  return text.replace(/\|/g, '\\|');
}
