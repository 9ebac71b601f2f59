/** graylane: Pulumi components over the pure compiler. The compiler alone: `graylane/compiler`. */
export { Release, RELEASE_TYPE, childName, type ReleaseArgs, type SettleArgs } from './release';
export type { ReleaseSpec, RoutingSummary, Target } from '../compiler';
export type * from './release-spec-args';
