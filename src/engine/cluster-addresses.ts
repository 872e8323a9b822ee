/** Every node and pod address in the snapshot, computed once per snapshot. */
import type { IpRange } from '../model/net.ts';
import type { Snapshot } from '../model/snapshot.ts';
import { singleAddress } from '../config/ip.ts';

const cache = new WeakMap<Snapshot, IpRange[]>();

export function clusterAddresses(snapshot: Snapshot): IpRange[] {
  let found = cache.get(snapshot);
  if (!found) {
    const texts = [...snapshot.nodes.flatMap((n) => [...n.internalIPs, ...n.externalIPs]), ...snapshot.pods.flatMap((p) => p.podIPs)];
    found = texts.flatMap((t) => singleAddress(t) ?? []);
    cache.set(snapshot, found);
  }
  return found;
}
