/** The JSON Schema editors use (yaml-language-server), generated from the zod schema, never written by hand. */
import { z } from 'zod';
import { releaseSchema } from './schema';

export const JSON_SCHEMA_ID = 'https://graylane.dev/schema/release.schema.json';

export function releaseJsonSchema(): Record<string, unknown> {
  const generated = z.toJSONSchema(releaseSchema, { target: 'draft-7', unrepresentable: 'any' }) as Record<string, unknown>;
  return { $id: JSON_SCHEMA_ID, title: 'graylane Release (graylane.dev/v1alpha1)', ...generated };
}
