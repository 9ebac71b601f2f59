/** "Did you mean …": the closest known name by edit distance, if it is close enough to be a typo. */

export function editDistance(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = prev[0]!;
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = prev[j]!;
      prev[j] = Math.min(above + 1, prev[j - 1]! + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return prev[b.length]!;
}

export function closest(value: string, candidates: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    const d = editDistance(value.toLowerCase(), candidate.toLowerCase());
    if (d < bestDistance || (d === bestDistance && best !== undefined && candidate < best)) {
      best = candidate;
      bestDistance = d;
    }
  }
  // A typo changes a few characters; anything further is another name, not a slip.
  return best !== undefined && bestDistance <= Math.max(2, Math.floor(value.length / 3)) ? best : undefined;
}

/** `did you mean "gray"?` or a list of what is allowed. */
export function suggestion(value: string, candidates: readonly string[]): string {
  const near = closest(value, candidates);
  if (near !== undefined) return `did you mean "${near}"?`;
  return candidates.length > 0 ? `expected one of: ${candidates.map((c) => `"${c}"`).join(', ')}` : '';
}

/** The nearest RFC 1123 label to a name ("Cart_Svc" → "cart-svc"): a rename to suggest. */
export function toLabel(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 63);
}
