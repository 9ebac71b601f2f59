/**
 * Object names are identities. A name never keeps a different host: when a lane's host changes (another
 * namespace, Service name or endpoint host), the object gets a new name, so the new object is created before
 * routes move to it and the old one is deleted after — never rewritten in place under a live route.
 */

/** `<service>-<lane>`, plus a short hash of the host when it is not the service's own default host. */
export function laneObjectName(service: string, lane: string, host: string, defaultHost: string): string {
  return host === defaultHost ? `${service}-${lane}` : `${service}-${lane}-${shortHash(host)}`;
}

/** FNV-1a (32-bit), base 36: stable across runs and platforms. */
export function shortHash(text: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash.toString(36).padStart(7, '0');
}
