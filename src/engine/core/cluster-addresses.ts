/** The cluster's own addresses, computed once per call. */
import type { Snapshot } from '../../model/snapshot.ts';
import { addressRanges, cidrBlocks, RangeSet } from '../../net/ip.ts';
import { derivation } from './context.ts';

/** Every pod IP (a cluster has up to 150,000), parsed and merged once: pods of a node mostly merge into one range. */
export const podAddresses = derivation(
  (snapshot: Snapshot): RangeSet => new RangeSet(addressRanges(snapshot.pods.flatMap((p) => p.podIPs))),
);

/** Every node InternalIP and pod IP: addresses inside the cluster's network (ExternalIPs are NATed in front of it). */
export const clusterAddresses = derivation(
  (snapshot: Snapshot, ctx): RangeSet =>
    new RangeSet([
      ...addressRanges(snapshot.nodes.flatMap((n) => n.internalIPs)),
      ...ctx.of(podAddresses, snapshot).blocks(),
    ]),
);

/**
 * Addresses that never leave the cluster: node InternalIPs, pods, the pod CIDRs, and the ranges GKE's managed
 * `gke-…` EgressNATPolicy lists (pod, Service and node ranges; Autopilot Services use public-looking
 * 34.118.224.0/20).
 */
export const inClusterRanges = derivation((snapshot: Snapshot, ctx): RangeSet => {
  const gkeManaged = snapshot.datapath.layers.flatMap((l) =>
    l.mechanism === 'gke-egress-nat-policy'
      ? l.policies.filter((p) => p.name.startsWith('gke-')).flatMap((p) => p.destinations)
      : [],
  );
  return new RangeSet([
    ...ctx.of(clusterAddresses, snapshot).blocks(),
    ...cidrBlocks([...snapshot.nodes.flatMap((n) => n.podCIDRs), ...gkeManaged]),
  ]);
});
