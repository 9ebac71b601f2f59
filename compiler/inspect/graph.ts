/** `graylane graph`: lanes × services, fallback edges and entry rules, as Mermaid or Graphviz DOT. */
import type { Plan } from '../plan';

const id = (...parts: string[]) => parts.join('__').replace(/[^A-Za-z0-9_]/g, '_');

interface Edge {
  from: string;
  to: string;
  label: string;
  dashed: boolean;
}

function edges(plan: Plan): Edge[] {
  const out: Edge[] = [];
  for (const lane of plan.lanes) {
    lane.fallback.forEach((f, i) => out.push({ from: id('lane', lane.name), to: id('lane', f), label: `fallback ${i + 1}`, dashed: true }));
    if (!lane.baseline && !lane.strict && !lane.fallback.includes(plan.baseline) && lane.runs.length < plan.services.length)
      out.push({ from: id('lane', lane.name), to: id('lane', plan.baseline), label: 'then baseline', dashed: true });
  }
  for (const rule of plan.entry.rules) {
    for (const share of rule.split) {
      const condition = rule.headers.length + rule.queryParams.length > 0 ? rule.name : `${rule.name}`;
      out.push({ from: 'entry', to: id('lane', share.lane), label: share.weight === 100 ? condition : `${condition} ${share.weight}%`, dashed: false });
    }
  }
  return out;
}

function entryLabel(plan: Plan): string {
  const where = plan.entry.gateway ? `${plan.entry.gateway.namespace}/${plan.entry.gateway.name}` : 'mesh';
  return `entry ${plan.entry.service} via ${where}${plan.entry.hosts.length > 0 ? `: ${plan.entry.hosts.join(', ')}` : ''}`;
}

export function graphMermaid(plan: Plan): string {
  const lines = ['flowchart LR', `  entry(["${entryLabel(plan)}"])`];
  for (const lane of plan.lanes) {
    const title = `${lane.name}${lane.baseline ? ' (baseline)' : ''}${lane.strict ? ' (strict)' : ''}`;
    lines.push(`  subgraph ${id('lane', lane.name)}["${title}"]`);
    for (const service of lane.runs) lines.push(`    ${id(lane.name, service)}["${service}"]`);
    lines.push('  end');
  }
  for (const e of edges(plan)) lines.push(e.dashed ? `  ${e.from} -. "${e.label}" .-> ${e.to}` : `  ${e.from} -- "${e.label}" --> ${e.to}`);
  return `${lines.join('\n')}\n`;
}

export function graphDot(plan: Plan): string {
  const q = (s: string) => JSON.stringify(s);
  const lines = ['digraph graylane {', '  rankdir=LR;', '  compound=true;', `  entry [shape=box, style=rounded, label=${q(entryLabel(plan))}];`];
  for (const lane of plan.lanes) {
    lines.push(`  subgraph cluster_${id('lane', lane.name)} {`, `    label=${q(`${lane.name}${lane.baseline ? ' (baseline)' : ''}${lane.strict ? ' (strict)' : ''}`)};`);
    // An invisible anchor per lane, so edges can point at the lane (the cluster) itself.
    lines.push(`    ${id('lane', lane.name)} [shape=point, style=invis];`);
    for (const service of lane.runs) lines.push(`    ${id(lane.name, service)} [label=${q(service)}];`);
    lines.push('  }');
  }
  for (const e of edges(plan)) {
    const clusters = [e.from !== 'entry' ? `ltail=cluster_${e.from}` : '', `lhead=cluster_${e.to}`].filter(Boolean).join(', ');
    lines.push(`  ${e.from} -> ${e.to} [label=${q(e.label)}${e.dashed ? ', style=dashed' : ''}, ${clusters}];`);
  }
  lines.push('}');
  return `${lines.join('\n')}\n`;
}
