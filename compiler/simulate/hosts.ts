/** Host names as Istio reads them in VirtualServices, DestinationRules and ServiceEntries. */

/** A short Kubernetes name ("reviews") means the Service in the object's namespace. */
export function qualifyHost(host: string, namespace: string, shortNamesAreServices: boolean): string {
  if (!shortNamesAreServices || host.includes('.') || host.includes('*')) return host;
  return `${host}.${namespace}.svc.cluster.local`;
}

/**
 * How specifically `pattern` matches `host`: 0 no match, higher is more specific (exact beats any
 * wildcard, a longer wildcard suffix beats a shorter one).
 */
export function hostMatches(pattern: string, host: string): number {
  if (pattern === host) return 1_000_000;
  if (pattern === '*') return 1;
  if (pattern.startsWith('*.') || pattern.startsWith('*')) {
    const suffix = pattern.slice(1);
    return host.endsWith(suffix) && host.length > suffix.length ? 1 + suffix.length : 0;
  }
  return 0;
}
