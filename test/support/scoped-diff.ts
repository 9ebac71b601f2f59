import assert from 'node:assert/strict';
import { diffMarkdown, diffReleases, diffText, type DiffReport, type DiffSide } from '../../compiler/inspect/diff';

/** The scoped diff equals the every-row one (`everyClass: true`) in every format; returns the report. */
export function assertSameAsEveryClass(before: DiffSide, after: DiffSide, context: { laneHeader?: string } = {}): DiffReport {
  const fast = diffReleases(before, after, context);
  const reference = diffReleases(before, after, context, { everyClass: true });
  assert.deepEqual(fast, reference);
  assert.equal(JSON.stringify(fast, null, 2), JSON.stringify(reference, null, 2));
  assert.equal(diffMarkdown(fast), diffMarkdown(reference));
  assert.equal(diffText(fast), diffText(reference));
  return fast;
}
