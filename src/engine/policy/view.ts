/**
 * The cluster as policy rules look destinations up in it: which pods hold an address, whether
 * every pod was read, and namespaces' labels — worked out once per call from the snapshot.
 */
import type { IpRange } from '../../model/net.ts';
import type { PodInfo, Snapshot } from '../../model/snapshot.ts';
import { formatAddress, singleAddress } from '../../net/ip.ts';
import { derivation } from '../core/context.ts';
import type { AdminView } from './admin-network-policy.ts';
import type { DestinationPods } from './network-policy-rules.ts';

/** The label the API server puts on every Namespace (since Kubernetes 1.21); -f input may lack it. */
const NAME_LABEL = 'kubernetes.io/metadata.name';

export const policyView = derivation((snapshot: Snapshot): AdminView => {
  const labels = new Map<string, Readonly<Record<string, string>>>();
  const complete = snapshot.policy.allPods;
  const atAddress = podsAtAddress(snapshot.pods);
  // Rules ask about the packet's destination range, verdict after verdict: one answer per range
  // (by its value: destinations alike but distinct share it).
  const nodesInRange = new Map<string, ReturnType<AdminView['nodesIn']>>();
  const podsInRanges = new Map<string, DestinationPods>();
  return {
    // A node peer is a node's status.addresses; every node is read whenever every pod is.
    nodesIn: (range: IpRange) =>
      once(nodesInRange, range, () => ({
        nodes: snapshot.nodes.filter((node) => holdsAddressIn([...node.internalIPs, ...node.externalIPs], range)),
        complete,
      })),
    podsIn: (range: IpRange) =>
      once(podsInRanges, range, () => ({
        pods:
          range.first === range.last
            ? atAddress(formatAddress(range.family, range.first))
            : podsInRange(snapshot.pods, range),
        complete,
      })),
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

/** Past this many addresses asked about, an index of every pod address is cheaper than a scan each. */
const SCANS_BEFORE_INDEX = 16;

/** The pods holding an address (once for each podIPs entry that is it), in snapshot order. */
function podsAtAddress(pods: readonly PodInfo[]): (address: string) => PodInfo[] {
  let scans = 0;
  let index: Map<string, PodInfo[]> | undefined;
  return (address) => {
    if (index) return index.get(address) ?? [];
    if (++scans > SCANS_BEFORE_INDEX) {
      index = new Map<string, PodInfo[]>();
      for (const pod of pods) for (const ip of pod.podIPs) push(index, ip, pod);
      return index.get(address) ?? [];
    }
    // Index loops: a scan runs a few times per call, too few for the compiler to drop for-of's iterators.
    const found: PodInfo[] = [];
    for (let p = 0; p < pods.length; p++) {
      const pod = pods[p]!;
      for (let i = 0; i < pod.podIPs.length; i++) if (pod.podIPs[i] === address) found.push(pod);
    }
    return found;
  };
}

function push(index: Map<string, PodInfo[]>, address: string, pod: PodInfo): void {
  const list = index.get(address);
  if (list) list.push(pod);
  else index.set(address, [pod]);
}

function podsInRange(pods: readonly PodInfo[], range: IpRange): PodInfo[] {
  return pods.filter((pod) => holdsAddressIn(pod.podIPs, range));
}

function holdsAddressIn(addresses: readonly string[], range: IpRange): boolean {
  return addresses.some((ip) => {
    const address = singleAddress(ip);
    return (
      address !== undefined &&
      address.family === range.family &&
      address.first >= range.first &&
      address.first <= range.last
    );
  });
}
