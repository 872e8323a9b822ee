/**
 * Results worked out once per input object and forgotten with it. The engine answers the same
 * question for every pod and destination (a node's addresses, a policy's CIDRs, the pods a policy
 * selects); a snapshot's objects never change, so the first answer holds for all of them.
 */
export function perObject<K extends object, V>(compute: (key: K) => V): (key: K) => V {
  const cache = new WeakMap<K, V>();
  return (key) => {
    const found = cache.get(key);
    if (found !== undefined || cache.has(key)) return found as V;
    const value = compute(key);
    cache.set(key, value);
    return value;
  };
}

const nameIndexes = new WeakMap<readonly object[], Map<string, unknown>>();

/** Items by name, for lookups the pipeline makes per packet (a pod's node, a gateway's node). */
export function byName<T extends { name: string }>(items: readonly T[]): Map<string, T> {
  let found = nameIndexes.get(items);
  if (!found) {
    found = new Map(items.map((item) => [item.name, item]));
    nameIndexes.set(items, found);
  }
  return found as Map<string, T>;
}
