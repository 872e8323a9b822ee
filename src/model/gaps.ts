/**
 * What the live read could not see. Config turns gaps into `unknown` answers and warnings, so a
 * partial view is never a silently wrong one.
 */
export type GapReason = 'forbidden' | 'not-served';

export interface ReadGap {
  /** The resource as kubectl names it: `configmaps`, `daemonsets.apps`, `ciliumnodes.cilium.io`. */
  resource: string;
  /** Absent for cluster-scoped resources and all-namespace lists. */
  namespace?: string;
  reason: GapReason;
}
