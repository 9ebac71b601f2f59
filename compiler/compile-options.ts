/**
 * `compile()`'s options come from code we do not control (the library is public): a wrong shape is a
 * diagnostic, never an exception and never a guess — `targets: "istio"` is not read as five letters.
 */
import { z } from 'zod';
import type { Diagnostic } from './diagnostics';
import { TARGETS } from './spec/schema';

const optionsSchema = z.strictObject({
  file: z.string().optional(),
  step: z.number().int().min(0).optional(),
  // Strings: an unknown name is GL401, which names the known targets.
  targets: z.array(z.string()).optional(),
  namespace: z
    .string()
    .max(63)
    .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, { message: 'must be a lowercase RFC 1123 label' })
    .optional(),
});

export function compileOptionsDiagnostics(options: unknown): Diagnostic[] {
  if (options === undefined) return [];
  const result = optionsSchema.safeParse(options);
  if (result.success) return [];
  return result.error.issues.map((issue) => {
    const where = ['options', ...issue.path.map(String)].join('.');
    return {
      code: 'GL108',
      severity: 'error' as const,
      path: [],
      message: `The compile options are invalid: ${where}: ${issue.message}.`,
      hint: `pass { file?: string, step?: number, targets?: (${TARGETS.map((t) => `"${t}"`).join(' | ')})[], namespace?: string }`,
    };
  });
}
