/**
 * Type-level: the hand-written component args (components/release-spec-args.ts) are exactly the zod schema's
 * input type. `npm run typecheck` fails when they drift; the runtime test only keeps the file in the suite.
 */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { z } from 'zod';
import type { ReleaseSpecArgs } from '../components';
import type { releaseSchema } from '../compiler/spec/schema';
import type { ReleaseArgs } from '../components/release';

type MutuallyAssignable<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const argsAreTheSchema: MutuallyAssignable<ReleaseSpecArgs, z.input<typeof releaseSchema>> = true;
const targetsAreTheSchemas: MutuallyAssignable<NonNullable<ReleaseArgs['targets']>[number], z.input<typeof releaseSchema>['spec']['targets'][number]> = true;

it('the component args type is the zod schema input type (checked by the type checker)', () => {
  assert.equal(argsAreTheSchema && targetsAreTheSchemas, true);
});
