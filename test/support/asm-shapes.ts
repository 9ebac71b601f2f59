/**
 * ASM's own fields, as Alibaba Cloud documents them (shared/reference/asm-full-link-gray.md): TrafficLabel,
 * and the VirtualService extensions (`fallback` on destinations, `trafficLabel` and list-form `sourceLabels`
 * on matches, the `$trafficLabel` subset). Checked here because no public CRD schema covers them; the rest
 * of each object is checked against the upstream Istio CRDs once these fields are removed.
 */
import { z } from 'zod';

const stringMatch = z.strictObject({ exact: z.string().optional(), prefix: z.string().optional(), regex: z.string().optional() });
const labelSource = z.string().regex(/^\$(getContext|getInboundRequestHeader|getExternalInboundRequestHeader|getLocalOutboundRequestHeader|getLabel)\([^()]+\)$|^\$\(localLabel\)$/);

export const trafficLabelShape = z.strictObject({
  apiVersion: z.literal('istio.alibabacloud.com/v1beta1'),
  kind: z.literal('TrafficLabel'),
  metadata: z.object({ name: z.string(), namespace: z.string() }).passthrough(),
  spec: z.strictObject({
    workloadSelector: z.strictObject({ labels: z.record(z.string(), z.string()) }).optional(),
    rules: z
      .array(
        z.strictObject({
          labels: z.array(z.strictObject({ name: z.string(), valueFrom: z.array(labelSource).min(1) })).min(1),
          attachTo: z.array(z.string()),
          protocols: z.string().optional(),
        }),
      )
      .min(1),
  }),
});

export const fallbackShape = z.strictObject({ case: z.enum(['noinstances', 'noavailabled']), target: z.string().min(1) });
export const matchExtensionShape = z.strictObject({ trafficLabel: z.array(stringMatch).min(1).optional(), sourceLabels: z.array(stringMatch).min(1).optional() });

/**
 * Splits an ASM VirtualService into its upstream part (for the Istio CRD) and its ASM fields (for the shapes
 * above). `$trafficLabel` subsets are ASM's too: upstream they are only a string.
 */
export function splitAsmFields(object: Record<string, unknown>): { upstream: Record<string, unknown>; fallbacks: unknown[]; matches: unknown[] } {
  const copy = structuredClone(object) as { kind?: string; spec?: { http?: { match?: Record<string, unknown>[]; route?: Record<string, unknown>[] }[] } };
  const fallbacks: unknown[] = [];
  const matches: unknown[] = [];
  if (copy.kind === 'VirtualService') {
    for (const route of copy.spec?.http ?? []) {
      for (const d of route.route ?? []) {
        if ('fallback' in d) fallbacks.push(d.fallback);
        delete d.fallback;
      }
      for (const m of route.match ?? []) {
        const ext: Record<string, unknown> = {};
        if ('trafficLabel' in m) ext.trafficLabel = m.trafficLabel;
        if (Array.isArray(m.sourceLabels)) ext.sourceLabels = m.sourceLabels;
        if (Object.keys(ext).length > 0) matches.push(ext);
        delete m.trafficLabel;
        if (Array.isArray(m.sourceLabels)) delete m.sourceLabels;
      }
    }
  }
  return { upstream: copy as Record<string, unknown>, fallbacks, matches };
}
