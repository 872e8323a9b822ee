/** The cluster's own addresses, computed once per snapshot. */
import type { IpRange } from '../model/net.ts';
import type { Snapshot } from '../model/snapshot.ts';
import { parseCidr, RangeSet, singleAddress } from '../config/ip.ts';

const addresses = new WeakMap<Snapshot, IpRange[]>();
const ranges = new WeakMap<Snapshot, RangeSet>();

/** Every node InternalIP and pod IP: addresses inside the cluster's network (ExternalIPs are NATed in front of it). */
export function clusterAddresses(snapshot: Snapshot): IpRange[] {
  let found = addresses.get(snapshot);
  if (!found) {
    const texts = [...snapshot.nodes.flatMap((n) => n.internalIPs), ...snapshot.pods.flatMap((p) => p.podIPs)];
    found = texts.flatMap((t) => singleAddress(t) ?? []);
    addresses.set(snapshot, found);
  }
  return found;
}

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
