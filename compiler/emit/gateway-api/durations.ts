/**
 * Gateway API durations (GEP-2257, kubernetes-sigs/gateway-api v1.6.1 `geps/gep-2257/index.md`): at most four
 * parts of 1–5 digits with units h, m, s, ms (`^([0-9]{1,5}(h|m|s|ms)){1,4}$`) — no fractions, no µs or ns.
 */
import { durationMillis } from '../../kubernetes-syntax';

/** The spec's duration as GEP-2257, or undefined when it is not a whole number of milliseconds or too long. */
export function gatewayDuration(text: string): string | undefined {
  const total = durationMillis(text);
  // Floating sums of the spec's parts ("1.1s") are whole milliseconds up to rounding noise.
  const ms = Math.round(total);
  if (Math.abs(total - ms) > 1e-6 || ms < 0) return undefined;
  const parts: [number, string][] = [
    [Math.floor(ms / 3_600_000), 'h'],
    [Math.floor((ms % 3_600_000) / 60_000), 'm'],
    [Math.floor((ms % 60_000) / 1000), 's'],
    [ms % 1000, 'ms'],
  ];
  if (parts[0]![0] > 99_999) return undefined;
  const text2 = parts.filter(([n]) => n > 0).map(([n, unit]) => `${n}${unit}`).join('');
  return text2 === '' ? '0s' : text2;
}
