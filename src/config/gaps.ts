/** Questions about what the live read could not see. */
import type { ReadGap } from '../model/gaps.ts';
import type { Finding } from '../model/reasons.ts';

/** Whether listing `resource` in `namespace` was refused (a cluster-wide refusal covers every namespace). */
export function isForbidden(gaps: readonly ReadGap[], resource: string, namespace: string | undefined): boolean {
  return gaps.some(
    (g) =>
      g.reason === 'forbidden' && g.resource === resource && (g.namespace === undefined || g.namespace === namespace),
  );
}

/**
 * Why an agent's ConfigMap that is not among the objects is unknown rather than absent: the
 * ConfigMaps of its namespace could not be listed. The ip-masq-agents share it, so their reasons
 * read alike (render/messages.ts finds the namespace in `detail`).
 */
export function configMapUnread(
  gaps: readonly ReadGap[],
  namespace: string | undefined,
): { because: 'AGENT_CONFIGMAP_UNREADABLE'; detail: string } | undefined {
  return isForbidden(gaps, 'configmaps', namespace)
    ? { because: 'AGENT_CONFIGMAP_UNREADABLE', detail: `cannot list configmaps in ${namespace}` }
    : undefined;
}

/**
 * The gap that keeps `resource` (in `namespace`) from being known: refused, or served only at a
 * version the tool does not read. 'not-served' is not such a gap: an API that is not served holds
 * no objects, so "absent" is then the truth.
 */
export function unreadable(gaps: readonly ReadGap[], resource: string, namespace?: string): ReadGap | undefined {
  return gaps.find(
    (g) =>
      (g.reason === 'forbidden' || g.reason === 'unknown-version') &&
      g.resource === resource &&
      (g.namespace === undefined || namespace === undefined || g.namespace === namespace),
  );
}

/** The data of a finding about an unreadable input: what, where, why, and (in messages) the rule to add. */
export function gapData(gap: ReadGap, namespace = gap.namespace): Record<string, string> {
  return {
    resource: gap.resource,
    namespace: namespace ?? '',
    reason: gap.reason,
    served: gap.served ?? '',
    ...(gap.object ? { object: gap.object } : {}),
  };
}

/** The snapshot-level warning for each gap that hides objects. */
export function gapWarnings(gaps: readonly ReadGap[]): Finding[] {
  return gaps.flatMap((g): Finding[] => {
    if (g.reason === 'forbidden')
      return [{ code: 'READ_FORBIDDEN', data: { resource: g.resource, namespace: g.namespace ?? '' } }];
    if (g.reason === 'unknown-version')
      return [{ code: 'READ_UNKNOWN_VERSION', data: { resource: g.resource, served: g.served ?? '' } }];
    return [];
  });
}
