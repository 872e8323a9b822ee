/** Grouping of policies by the namespace whose pods they may select. */

/**
 * The namespaced items of each namespace together with every cluster-wide one (no namespace);
 * '' holds the cluster-wide ones alone, for a namespace with none of its own.
 */
export function withClusterWide<T extends { namespace?: string | undefined }>(items: readonly T[]): Map<string, T[]> {
  const clusterWide = items.filter((i) => i.namespace === undefined);
  const byNamespace = new Map<string, T[]>([['', clusterWide]]);
  for (const item of items) {
    if (item.namespace === undefined) continue;
    const list = byNamespace.get(item.namespace);
    if (list) list.push(item);
    else byNamespace.set(item.namespace, [...clusterWide, item]);
  }
  return byNamespace;
}
