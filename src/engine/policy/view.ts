/**
 * The cluster as policy rules look destinations up in it: which pods hold an address, whether
 * every pod was read, and namespaces' labels — worked out once per call from the snapshot.
 */
import type { IpRange } from '../../model/net.ts';
import type { NodeInfo, PodInfo, Snapshot } from '../../model/snapshot.ts';
import { formatAddress, singleAddress } from '../../net/ip.ts';
import { derivation } from '../core/context.ts';
import type { AdminView } from './admin-network-policy.ts';

/** The label the API server puts on every Namespace (since Kubernetes 1.21); -f input may lack it. */
const NAME_LABEL = 'kubernetes.io/metadata.name';

export const policyView = derivation((snapshot: Snapshot): AdminView => {
  const byAddress = new Map<string, PodInfo[]>();
  for (const pod of snapshot.pods) {
    for (const ip of pod.podIPs) {
      const list = byAddress.get(ip);
      if (list) list.push(pod);
      else byAddress.set(ip, [pod]);
    }
  }
  const labels = new Map<string, Readonly<Record<string, string>>>();
  const complete = snapshot.policy.allPods;
  // A range is looked up once per call: rules ask for the same few ranges for every pod.
  const nodesInRange = new Map<string, NodeInfo[]>();
  const podsInRanges = new Map<string, PodInfo[]>();
  return {
    // A node peer is a node's status.addresses; every node is read whenever every pod is.
    nodesIn: (range: IpRange) => ({ nodes: once(nodesInRange, range, () => snapshot.nodes.filter((node) => inRange([...node.internalIPs, ...node.externalIPs], range))), complete }),
    podsIn: (range: IpRange) => ({ pods: range.first === range.last ? (byAddress.get(formatAddress(range.family, range.first)) ?? []) : once(podsInRanges, range, () => podsInRange(snapshot.pods, range)), complete }),
    namespaceLabels: (namespace) => {
      const read = snapshot.namespaceLabels[namespace];
      if (!read) return undefined;
      let found = labels.get(namespace);
      if (!found) labels.set(namespace, (found = { [NAME_LABEL]: namespace, ...read }));
      return found;
    },
  };
});

function once<T>(found: Map<string, T>, range: IpRange, compute: () => T): T {
  const key = `${range.family}:${range.first}-${range.last}`;
  let value = found.get(key);
  if (value === undefined) found.set(key, (value = compute()));
  return value;
}

function podsInRange(pods: readonly PodInfo[], range: IpRange): PodInfo[] {
  return pods.filter((pod) => inRange(pod.podIPs, range));
}

function inRange(addresses: readonly string[], range: IpRange): boolean {
  return addresses.some((ip) => {
    const address = singleAddress(ip);
    return address !== undefined && address.family === range.family && address.first >= range.first && address.first <= range.last;
  });
}
