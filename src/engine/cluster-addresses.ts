/** The cluster's own addresses, computed once per snapshot. */
import type { IpRange } from '../model/net.ts';
import type { Snapshot } from '../model/snapshot.ts';
import { parseCidr, RangeSet, singleAddress } from '../config/ip.ts';
import { perObject } from './memo.ts';

const ranges = new WeakMap<Snapshot, RangeSet>();

/** Every pod IP, parsed once per snapshot (a cluster has up to 150,000). */
export const podAddresses = perObject((snapshot: Snapshot): IpRange[] => snapshot.pods.flatMap((p) => p.podIPs).flatMap((t) => singleAddress(t) ?? []));

/** Every node InternalIP and pod IP: addresses inside the cluster's network (ExternalIPs are NATed in front of it). */
export const clusterAddresses = perObject((snapshot: Snapshot): IpRange[] => [
  ...snapshot.nodes.flatMap((n) => n.internalIPs).flatMap((t) => singleAddress(t) ?? []),
  ...podAddresses(snapshot),
]);

/**
 * Addresses that never leave the cluster: node InternalIPs, pods, the pod CIDRs, and the ranges GKE's managed
 * `gke-…` EgressNATPolicy lists (pod, Service and node ranges; Autopilot Services use public-looking
 * 34.118.224.0/20).
 */
export function inClusterRanges(snapshot: Snapshot): RangeSet {
  let found = ranges.get(snapshot);
  if (!found) {
    const gkeManaged = snapshot.datapath.layers.flatMap((l) => (l.mechanism === 'gke-egress-nat-policy' ? l.policies.filter((p) => p.name.startsWith('gke-')).flatMap((p) => p.destinations) : []));
    const cidrs = [...snapshot.nodes.flatMap((n) => n.podCIDRs), ...gkeManaged].flatMap((c) => parseCidr(c)?.cidr ?? []);
    found = new RangeSet([...clusterAddresses(snapshot), ...cidrs]);
    ranges.set(snapshot, found);
  }
  return found;
}
