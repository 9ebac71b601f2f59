/** Kubernetes and HTTP name syntax, as the API server and Envoy enforce it. */

const QUALIFIED_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
/** RFC 7230 token: what an HTTP header name may contain. */
const HEADER_TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/** Why a label key is invalid, or undefined when it is valid. */
export function labelKeyProblem(key: string): string | undefined {
  const parts = key.split('/');
  if (parts.length > 2) return 'a label key has at most one "/"';
  const [prefix, name] = parts.length === 2 ? parts : [undefined, parts[0]!];
  if (prefix !== undefined && (prefix.length > 253 || !DNS_SUBDOMAIN.test(prefix)))
    return 'the prefix before "/" must be a DNS subdomain (lowercase, 253 characters at most)';
  if (name === undefined || name.length === 0 || name.length > 63 || !QUALIFIED_NAME.test(name))
    return 'the name must be 63 characters at most, start and end with a letter or digit, and use only letters, digits, "-", "_" and "."';
  return undefined;
}

export function labelValueProblem(value: string): string | undefined {
  if (value.length > 63 || !LABEL_VALUE.test(value))
    return 'a label value must be 63 characters at most, empty or start and end with a letter or digit, and use only letters, digits, "-", "_" and "."';
  return undefined;
}

export function isHeaderName(name: string): boolean {
  return HEADER_TOKEN.test(name);
}

export function isDnsSubdomain(host: string): boolean {
  return host.length <= 253 && DNS_SUBDOMAIN.test(host);
}

export function isIPv4(address: string): boolean {
  const parts = address.split('.');
  return parts.length === 4 && parts.every((p) => /^(0|[1-9]\d{0,2})$/.test(p) && Number(p) <= 255);
}

export function isIPv6(address: string): boolean {
  return address.includes(':') && /^[0-9A-Fa-f:.]+$/.test(address) && address.split('::').length <= 2;
}

/** Milliseconds in an Istio duration string ("1m30s" → 90000). */
export function durationMillis(text: string): number {
  const units: Record<string, number> = { h: 3_600_000, m: 60_000, s: 1000, ms: 1, us: 0.001, µs: 0.001, ns: 0.000001 };
  let total = 0;
  for (const [, value, unit] of text.matchAll(/(\d+(?:\.\d+)?)(ms|us|µs|ns|h|m|s)/g)) total += Number(value) * units[unit!]!;
  return total;
}

/** Envoy `retry_on` conditions Istio passes through (HTTP and gRPC), plus plain status codes. */
export const RETRY_ON_TOKENS = [
  '5xx',
  'gateway-error',
  'reset',
  'reset-before-request',
  'connect-failure',
  'envoy-ratelimited',
  'retriable-4xx',
  'refused-stream',
  'retriable-status-codes',
  'retriable-headers',
  'http3-post-connect-failure',
  'cancelled',
  'deadline-exceeded',
  'internal',
  'resource-exhausted',
  'unavailable',
] as const;

/**
 * Why a regex is not one Envoy's RE2 accepts, or undefined. RE2 has no look-around and no backreferences,
 * and Istio limits the program size; we approximate the latter by Istio's 1024-byte rule.
 */
export function re2Problem(pattern: string): string | undefined {
  if (Buffer.byteLength(pattern, 'utf8') > 1024) return 'it is longer than 1024 bytes';
  if (/\(\?[=!]|\(\?<[=!]/.test(pattern)) return 'RE2 has no look-ahead or look-behind';
  if (/\\[1-9]|\\k</.test(pattern)) return 'RE2 has no backreferences';
  try {
    new RegExp(pattern, 'u');
  } catch (e) {
    return `it does not parse (${(e as Error).message.replace(/^Invalid regular expression: /, '')})`;
  }
  return undefined;
}
