/**
 * "Kind namespace/name" of an object read from YAML. Hand-written objects may carry any value in these fields
 * (a mapping whose `toString` is a string makes template interpolation throw), so non-strings are shown as JSON.
 */
export function objectLabel(o: { readonly kind?: unknown; readonly metadata?: unknown }): string {
  const metadata = (typeof o.metadata === 'object' && o.metadata !== null ? o.metadata : {}) as { namespace?: unknown; name?: unknown };
  return `${shown(o.kind)} ${shown(metadata.namespace ?? 'default')}/${shown(metadata.name)}`;
}

function shown(value: unknown): string {
  return typeof value === 'string' ? value : (JSON.stringify(value) ?? String(value));
}
