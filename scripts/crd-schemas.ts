/**
 * schema/crd-schemas.json: the OpenAPI schemas of the upstream CRDs whose kinds graylane's object model reads,
 * taken from the copies in test/fixtures/crds (SOURCES.md there) with descriptions left out (they are text for
 * people and do not take part in validation). Versions of a kind with the same schema share one entry.
 * Written by `npm run regen`; the golden test fails when it is out of date.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import type { CrdSchemaFile, CrdVersionSchema } from '../compiler/crd/crd-validator';

/**
 * The kinds the object model reads (compiler/model/object-set.ts), and Istio's Sidecar, which limits what a
 * proxy sees. TrafficLabel (ASM) has no public CRD to validate against.
 */
const VALIDATED_KINDS: Readonly<Record<string, readonly string[]>> = {
  'networking.istio.io': ['VirtualService', 'DestinationRule', 'ServiceEntry', 'Gateway', 'EnvoyFilter', 'Sidecar'],
  'traefik.io': ['IngressRoute', 'TraefikService', 'Middleware'],
  'traefik.containo.us': ['IngressRoute', 'TraefikService', 'Middleware'],
  'gateway.networking.k8s.io': ['Gateway', 'HTTPRoute', 'ReferenceGrant'],
};

const CRD_DIR = join(__dirname, '..', 'test', 'fixtures', 'crds');

/** Where each set of CRDs comes from (the release in test/fixtures/crds/SOURCES.md); v2's file also has traefik.io, v3's is newer. */
const SOURCES: readonly { readonly file: string; readonly release: string; readonly only?: string }[] = [
  { file: 'istio-crd-all.gen.yaml', release: 'Istio 1.30.3' },
  { file: 'traefik-v3-crds.yaml', release: 'Traefik v3.7.9' },
  { file: 'traefik-v2-crds.yaml', release: 'Traefik v2.11.53', only: 'traefik.containo.us' },
  { file: 'gateway-api-v1.6.1/gateway.networking.k8s.io_gateways.yaml', release: 'Gateway API v1.6.1 (standard)' },
  { file: 'gateway-api-v1.6.1/gateway.networking.k8s.io_httproutes.yaml', release: 'Gateway API v1.6.1 (standard)' },
  { file: 'gateway-api-v1.6.1/gateway.networking.k8s.io_referencegrants.yaml', release: 'Gateway API v1.6.1 (standard)' },
];

interface CrdDocument {
  readonly kind?: string;
  readonly spec?: {
    readonly group: string;
    readonly names: { readonly kind: string };
    readonly versions: readonly { readonly name: string; readonly served: boolean; readonly schema?: { readonly openAPIV3Schema: unknown } }[];
  };
}

export function crdSchemaFile(): string {
  const kinds: CrdVersionSchema[] = [];
  for (const { file, release, only } of SOURCES) {
    for (const doc of parseAllDocuments(readFileSync(join(CRD_DIR, file), 'utf8'))) {
      const crd = doc.toJS() as CrdDocument | null;
      if (crd?.kind !== 'CustomResourceDefinition' || !crd.spec) continue;
      const { group, names } = crd.spec;
      if (!(VALIDATED_KINDS[group] ?? []).includes(names.kind) || (only !== undefined && group !== only)) continue;
      const byText = new Map<string, CrdVersionSchema>();
      for (const version of crd.spec.versions) {
        if (!version.served || !version.schema) continue;
        const upstream = withoutDescriptions(version.schema.openAPIV3Schema);
        const schema = group === 'networking.istio.io' && names.kind === 'VirtualService' ? withAsmExtensions(upstream) : upstream;
        const text = JSON.stringify(schema);
        const same = byText.get(text);
        if (same) (same.versions as string[]).push(version.name);
        else {
          const entry: CrdVersionSchema = { group, kind: names.kind, versions: [version.name], release: schema === upstream ? release : `${release} (and ASM's fields)`, schema };
          byText.set(text, entry);
          kinds.push(entry);
        }
      }
    }
  }
  const content: CrdSchemaFile = { generatedBy: 'scripts/crd-schemas.ts from test/fixtures/crds (see SOURCES.md there)', kinds };
  return `${JSON.stringify(content)}\n`;
}

/** `description` is documentation wherever it is a schema keyword: inside `properties` it is a field's name. */
function withoutDescriptions(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(withoutDescriptions);
  if (typeof schema !== 'object' || schema === null) return schema;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(schema)) {
    if (key === 'description') continue;
    out[key] = key === 'properties' ? Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([name, s]) => [name, withoutDescriptions(s)])) : withoutDescriptions(value);
  }
  return out;
}

/**
 * ASM's documented VirtualService fields (shared/reference/asm-full-link-gray.md; no public CRD has them), which
 * the object model reads wherever they are: `fallback` on a route destination, `trafficLabel` on a match, and
 * `sourceLabels` as a list of string matches besides Istio's label map.
 */
function withAsmExtensions(schema: unknown): unknown {
  const copy = structuredClone(schema) as Schema;
  const http = at(copy, ['properties', 'spec', 'properties', 'http', 'items', 'properties']);
  const destination = at(http, ['route', 'items', 'properties']);
  const match = at(http, ['match', 'items', 'properties']);
  const stringMatch: Schema = { type: 'object', properties: { exact: { type: 'string' }, prefix: { type: 'string' }, regex: { type: 'string' } } };
  destination.fallback = {
    type: 'object',
    required: ['case', 'target'],
    properties: { case: { type: 'string', enum: ['noinstances', 'noavailabled'] }, target: { type: 'string', minLength: 1 } },
  };
  match.trafficLabel = { type: 'array', minItems: 1, items: stringMatch };
  match.sourceLabels = { anyOf: [match.sourceLabels, { type: 'array', minItems: 1, items: stringMatch }] };
  return copy;
}

type Schema = Record<string, unknown>;

function at(schema: Schema, path: readonly string[]): Schema {
  let node: unknown = schema;
  for (const part of path) {
    node = (node as Schema | undefined)?.[part];
    if (typeof node !== 'object' || node === null) throw new Error(`the VirtualService schema has no ${path.join('.')}: ASM's fields need a new place`);
  }
  return node as Schema;
}
