/** Questions about what the live read could not see. */
import type { ReadGap } from '../model/gaps.ts';

/** Whether listing `resource` in `namespace` was refused (a cluster-wide refusal covers every namespace). */
export function isForbidden(gaps: readonly ReadGap[], resource: string, namespace: string | undefined): boolean {
  return gaps.some((g) => g.reason === 'forbidden' && g.resource === resource && (g.namespace === undefined || g.namespace === namespace));
}
