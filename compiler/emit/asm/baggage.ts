/**
 * `propagation: baggage` on target asm. ASM carries a request's lane in its own traffic label (TrafficLabel:
 * the label sources of `valueFrom`, kept with the trace through `attachTo`), not in a baggage member, so its
 * mesh routes stay label routes and its entry sets the header the label sources read (trafficLabel.header).
 * What contradicts baggage propagation is said, never silently kept.
 */
import type { Diagnostic } from '../../diagnostics';
import { BAGGAGE_HEADER } from '../../baggage';
import type { Plan } from '../../plan';

/** The plan as ASM sees it: the lane travels in trafficLabel.header, read by the TrafficLabel. */
export function asmPropagation(plan: Plan): Plan {
  if (!plan.baggage) return plan;
  const { baggage: _omitted, ...rest } = plan;
  return { ...rest, laneHeader: plan.baggage.labelHeader };
}

export function asmBaggageWarnings(plan: Plan): Diagnostic[] {
  const label = plan.trafficLabel;
  if (!plan.baggage || !label) return [];
  const out: Diagnostic[] = [];
  const at = ['spec', 'trafficLabel', 'valueFrom'];
  if (label.valueFrom.some((s) => 'header' in s && s.header.toLowerCase() === BAGGAGE_HEADER))
    out.push({
      code: 'GL416',
      severity: 'warning',
      path: at,
      message: 'An ASM label source reads the whole baggage header, so the label is the W3C list (e.g. "lane=gray,userId=7"), never a lane name: no label route matches it.',
      hint: `read the lane from header "${plan.baggage.labelHeader}", which the ASM entry sets, and from the trace context ({ context: x-request-id })`,
    });
  if (!label.valueFrom.some((s) => 'context' in s))
    out.push({
      code: 'GL417',
      severity: 'warning',
      path: at,
      message: `propagation: baggage says applications do not copy "${plan.baggage.labelHeader}" to their calls, but ASM's label sources read only headers or workload labels: on target asm the lane is lost after the first hop.`,
      hint: 'add { context: x-request-id } after the header source, so ASM keeps the label with the trace (ASM\'s full-link scenario)',
    });
  return out;
}
