/**
 * What the live read could not see. Config turns gaps into `unknown` answers and warnings, so a
 * partial view is never a silently wrong one. Every input a mechanism reads thus has a known read
 * status: read (the object is there or absent), forbidden (RBAC), not served (the API, e.g. a CRD,
 * does not exist: nothing of it can exist either), or served only at a version the tool does not
 * know (its objects exist but cannot be read as any version the tool parses).
 */
export type GapReason = 'forbidden' | 'not-served' | 'unknown-version';

export interface ReadGap {
  /** The resource as kubectl names it: `configmaps`, `daemonsets.apps`, `ciliumnodes.cilium.io`. */
  resource: string;
  /** Absent for cluster-scoped resources and all-namespace lists. */
  namespace?: string;
  reason: GapReason;
  /** For 'unknown-version': the versions the server serves the resource at, e.g. `v3`. */
  served?: string;
  /** For 'unknown-version' from a -f file: the object of that version (`Kind namespace/name`). */
  object?: string;
}
